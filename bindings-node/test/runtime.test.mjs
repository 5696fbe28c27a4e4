// One tokio runtime in the process: the core's. napi's async functions run on it (napi's
// `async-runtime` hook), no napi-owned runtime exists, and workers share it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { PKG_DIR, clientFor, dcskit, unusedPort } from './helpers.mjs';

function threadNames() {
  return fs.readdirSync('/proc/self/task').map((tid) => {
    try {
      return fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
    } catch {
      return '';
    }
  });
}

test('async addon functions run on the core runtime; a second runtime has another id', async () => {
  const core = dcskit.runtimeId();
  assert.match(core, /\S/);
  assert.equal(await dcskit._internal.asyncRuntimeId(), core);
  const ids = await Promise.all(Array.from({ length: 20 }, () => dcskit._internal.asyncRuntimeId()));
  assert.ok(ids.every((id) => id === core));
  // Negative control: the comparison can fail — a runtime that is not the core's differs.
  assert.notEqual(dcskit._internal.foreignRuntimeId(), core);
});

test('after calls, the only runtime threads are the core\'s (none from napi\'s own runtime)', async () => {
  const port = await unusedPort();
  const c = clientFor(`http://127.0.0.1:${port}`, { retries: 0 });
  await Promise.all(Array.from({ length: 8 }, () => c.listInstances({}).catch(() => null)));
  const names = threadNames();
  assert.ok(names.some((n) => n.startsWith('dcskit-rt')), `core runtime threads present: ${names}`);
  assert.equal(names.filter((n) => n.startsWith('tokio-runtime')).length, 0, `no default-named tokio runtime: ${names}`);
});

test('a worker thread uses the same runtime as the main thread', async () => {
  const code = `
    const { parentPort } = require('node:worker_threads');
    const d = require(${JSON.stringify(PKG_DIR)});
    d._internal.asyncRuntimeId().then((id) => parentPort.postMessage({ id, core: d.runtimeId() }));
  `;
  const w = new Worker(code, { eval: true });
  const msg = await new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  await w.terminate();
  assert.equal(msg.core, dcskit.runtimeId());
  assert.equal(msg.id, dcskit.runtimeId());
  // The main thread keeps working after the worker's environment is gone.
  assert.equal(await dcskit._internal.asyncRuntimeId(), dcskit.runtimeId());
});
