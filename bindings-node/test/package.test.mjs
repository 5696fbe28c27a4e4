// The package: CommonJS and ES module entries, the generated method table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dcskit, require } from './helpers.mjs';

test("require('dcskit') and import 'dcskit' give the same objects", async () => {
  const viaRequire = require('dcskit');
  const esm = await import('dcskit');
  assert.equal(viaRequire, dcskit);
  assert.equal(esm.default, dcskit);
  for (const key of Object.keys(dcskit)) assert.equal(esm[key], dcskit[key], `ESM export ${key}`);
  assert.equal(esm.Client, dcskit.Client);
  assert.equal(typeof esm.analyze, 'function');
});

test('every operation of the core has its generated camelCase method', () => {
  const core = dcskit._internal.nativeOperations();
  assert.ok(core.length >= 137, `at least the official SDK's 137 operations, got ${core.length}`);
  assert.deepEqual(
    dcskit.OPERATIONS.map((o) => [o.name, o.camel, o.method, o.path, o.paginated]),
    core.map((o) => [o.name, o.camelName, o.method, o.path, o.paginated]),
    'generated/operations.js matches the core (regenerate with codegen/generate.py)',
  );
  for (const op of dcskit.OPERATIONS) {
    assert.equal(typeof dcskit.Client.prototype[op.camel], 'function', op.camel);
  }
  assert.ok(dcskit.OPERATIONS.some((o) => o.paginated));
  assert.ok(dcskit.WAITERS.some((w) => w.name === 'instance_running'));
});

test('a method forwards to call() with the official name', async () => {
  const seen = [];
  const fake = Object.create(dcskit.Client.prototype);
  fake.call = (name, input) => (seen.push([name, input]), Promise.resolve({ ok: true }));
  assert.deepEqual(await fake.listInstances({ limit: 3 }), { ok: true });
  assert.deepEqual(seen, [['ListInstances', { limit: 3 }]]);
});
