// The declared TypeScript types match the runtime objects: results from the emulator are
// checked field by field against index.d.ts (through the TypeScript compiler API), and an
// example using the types compiles with `tsc --noEmit --strict`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { PKG_DIR, clientFor, dcskit, instanceBody, startEmulator } from './helpers.mjs';

/** The declared types of index.d.ts, and a checker of values against them. */
function loadDeclarations() {
  const file = path.join(PKG_DIR, 'index.d.ts');
  const program = ts.createProgram([file], { strict: true, noEmit: true, types: [] });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(file));
  const exports = new Map(checker.getExportsOfModule(module).map((s) => [s.name, s]));
  const typeNamed = (name) => {
    const sym = exports.get(name);
    if (!sym) return null;
    const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
    return checker.getDeclaredTypeOfSymbol(target);
  };
  const F = ts.TypeFlags;

  /** Mismatches of `value` against `type` (empty when it conforms). */
  function check(type, value, where, out) {
    if (type.flags & (F.Any | F.Unknown)) return;
    if (type.isUnion()) {
      // `T | undefined` (optional) and `T | null` with a value present: check against T itself
      // so a mismatch names the deepest wrong field.
      const present = type.types.filter((t) => !(t.flags & (value == null ? 0 : F.Undefined | F.Null)));
      if (present.length === 1) return check(present[0], value, where, out);
      const fits = type.types.some((t) => check(t, value, where, []).length === 0);
      if (!fits) out.push(`${where}: ${JSON.stringify(value)?.slice(0, 60)} is not ${checker.typeToString(type)}`);
      return out;
    }
    if (type.isIntersection()) {
      for (const t of type.types) check(t, value, where, out);
      return out;
    }
    if (type.flags & F.Null) return value === null ? out : (out.push(`${where}: expected null`), out);
    if (type.flags & F.Undefined) return value === undefined ? out : (out.push(`${where}: expected undefined`), out);
    if (type.flags & F.StringLiteral) return value === type.value ? out : (out.push(`${where}: expected ${JSON.stringify(type.value)}`), out);
    if (type.flags & F.NumberLiteral) return value === type.value ? out : (out.push(`${where}: expected ${type.value}`), out);
    if (type.flags & F.BooleanLiteral) {
      const want = checker.typeToString(type) === 'true';
      return value === want ? out : (out.push(`${where}: expected ${want}`), out);
    }
    if (type.flags & F.String) return typeof value === 'string' ? out : (out.push(`${where}: expected string, got ${JSON.stringify(value)}`), out);
    if (type.flags & F.Number) return typeof value === 'number' ? out : (out.push(`${where}: expected number, got ${JSON.stringify(value)}`), out);
    if (type.flags & F.Boolean) return typeof value === 'boolean' ? out : (out.push(`${where}: expected boolean, got ${JSON.stringify(value)}`), out);
    if (checker.isArrayType(type)) {
      if (!Array.isArray(value)) return (out.push(`${where}: expected an array, got ${JSON.stringify(value)?.slice(0, 60)}`), out);
      const [item] = checker.getTypeArguments(type);
      value.forEach((v, i) => check(item, v, `${where}[${i}]`, out));
      return out;
    }
    if (type.flags & F.Object) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return (out.push(`${where}: expected an object, got ${JSON.stringify(value)?.slice(0, 60)}`), out);
      }
      const props = checker.getPropertiesOfType(type);
      const index = checker.getIndexTypeOfType(type, ts.IndexKind.String);
      const declared = new Map(props.map((p) => [p.name, p]));
      for (const [k, v] of Object.entries(value)) {
        const p = declared.get(k);
        if (p) check(checker.getTypeOfSymbol(p), v, `${where}.${k}`, out);
        else if (index) check(index, v, `${where}.${k}`, out);
        else if (props.length > 0 || !isEmptyObjectType(type)) out.push(`${where}.${k}: not declared`);
      }
      for (const p of props) {
        if (!(p.flags & ts.SymbolFlags.Optional) && !(p.name in value)) out.push(`${where}.${p.name}: required but missing`);
      }
      return out;
    }
    out.push(`${where}: cannot check type ${checker.typeToString(type)}`);
    return out;
  }
  const isEmptyObjectType = (type) => checker.typeToString(type) === '{}';

  const requiredOf = (type) =>
    checker.getPropertiesOfType(type).filter((p) => !(p.flags & ts.SymbolFlags.Optional)).map((p) => p.name);

  return { typeNamed, check: (type, value, where) => check(type, value, where, []), requiredOf };
}

// Disagreements between the spec and the emulator found by this test, left to their owners
// (spec/ and core/src/mock). Each is a field path with indices as [*]; anything not listed
// fails the test.
const KNOWN_GAPS = new Map([
  ...['available_zones', 'cache_mode', 'launched_at', 'update_at', 'db_number', 'replica_count', 'sharding_count',
    'product_type', 'storage_type'].map((f) => [`ListInstances.instances[*].${f}: not declared`, 'spec: InstanceListInfo lacks a field the emulator sends']),
  ['ShowQuotaOfTenant.quotas.resources[*].unit', 'emulator: sends {} where the spec says string'],
  ['ListCenterTask.task_count', 'emulator: sends a number where the spec says string'],
  ['ListCenterTask.tasks[*].details.new_capacity', 'emulator: sends a number where the spec says string'],
  ['ListCenterTask.tasks[*].details.old_capacity', 'emulator: sends a number where the spec says string'],
]);
const gapOf = (mismatch) => {
  const norm = mismatch.replace(/\[\d+\]/g, '[*]');
  return KNOWN_GAPS.get(norm) ?? KNOWN_GAPS.get(norm.split(':')[0]);
};

test('results from the emulator have exactly the declared field names and types', async (t) => {
  const url = await startEmulator(t, ['--running-delay', '100']);
  if (!url) return;
  const decl = loadDeclarations();
  const c = clientFor(url);

  // Negative control: the checker rejects an undeclared field and a wrong type.
  const listType = decl.typeNamed('ListInstancesResponse');
  assert.ok(listType);
  const bad = decl.check(listType, { instance_num: 'one', instances: [{ instance_id: 1 }], surprise: true }, 'bad');
  assert.deepEqual(bad.map((m) => m.split(':')[0]).sort(), ['bad.instance_num', 'bad.instances[0].instance_id', 'bad.surprise']);

  const created = await c.createInstance({ body: instanceBody('node-types') });
  assert.deepEqual(decl.check(decl.typeNamed('CreateInstanceResponse'), created, 'CreateInstance'), []);
  const id = created.instance_id ?? created.instances?.[0]?.instance_id;
  await c.wait('instance_running', { instance_id: id }, { intervalMs: 50, timeoutMs: 10000 });

  // The sample: every current GET operation whose input is empty or just `instance_id`.
  const checked = [];
  const failed = [];
  const mismatches = [];
  for (const op of dcskit.OPERATIONS) {
    if (op.method !== 'GET' || op.deprecated) continue;
    const reqType = decl.typeNamed(`${op.name}Request`);
    const respType = decl.typeNamed(`${op.name}Response`);
    assert.ok(reqType && respType, `${op.name} has declared input and result types`);
    const required = decl.requiredOf(reqType);
    let input;
    if (required.length === 0) input = {};
    else if (required.length === 1 && required[0] === 'instance_id') input = { instance_id: id };
    else continue;
    let result;
    try {
      result = await c[op.camel](input);
    } catch (e) {
      failed.push(`${op.name}: ${e.code} ${e.message}`.slice(0, 160));
      continue;
    }
    checked.push(op.name);
    mismatches.push(...decl.check(respType, result, op.name));
  }
  t.diagnostic(`checked ${checked.length} operations; the emulator refused ${failed.length}: ${failed.join(' | ')}`);
  const known = mismatches.filter(gapOf);
  if (known.length) t.diagnostic(`known spec/emulator gaps: ${[...new Set(known.map((m) => `${m.replace(/\[\d+\]/g, '[*]')} (${gapOf(m)})`))].join(' | ')}`);
  assert.deepEqual(mismatches.filter((m) => !gapOf(m)), []);
  assert.ok(checked.length >= 25, `a real sample: ${checked.length} operations checked`);
  for (const must of ['ListInstances', 'ShowInstance', 'ListBackupRecords', 'ListConfigurations']) {
    assert.ok(checked.includes(must), `${must} is in the sample`);
  }
});

test('tsc --noEmit --strict accepts the typed example (and its @ts-expect-error lines are errors)', () => {
  const tsc = path.join(PKG_DIR, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '-p', path.join(PKG_DIR, 'test', 'types')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
