// The error model: the shared table (tests/error-model.json) and each class raised for its
// real cause.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import { once } from 'node:events';
import path from 'node:path';
import { test } from 'node:test';
import {
  AK, PROJECT_ID, REPO, SK, clientFor, dcskit, have, startEmulator, startServer, tmpDir, unusedPort,
} from './helpers.mjs';

const model = JSON.parse(fs.readFileSync(path.join(REPO, 'tests', 'error-model.json'), 'utf8'));
const noRetry = { retries: 0 };

test('every code of tests/error-model.json maps to its class, under DcsError', () => {
  const codes = model.kinds.map((k) => k.code);
  assert.deepEqual(Object.keys(dcskit.ERROR_CLASSES).sort(), [...codes].sort());
  const serviceBase = dcskit[model.service_base.node];
  for (const kind of model.kinds) {
    const Cls = dcskit[kind.node];
    assert.equal(typeof Cls, 'function', `${kind.node} is exported`);
    assert.equal(dcskit.ERROR_CLASSES[kind.code], Cls);
    // The addon builds the error on the JS thread with the core's code.
    let thrown;
    try {
      dcskit._internal.errorForCode(kind.code, `a ${kind.code} error`);
    } catch (e) {
      thrown = e;
    }
    assert.ok(thrown instanceof Cls, `${kind.code} -> ${kind.node}`);
    assert.ok(thrown instanceof dcskit[model.base.node]);
    assert.ok(thrown instanceof Error);
    assert.equal(thrown.code, kind.code);
    assert.equal(thrown.name, kind.node);
    assert.equal(thrown instanceof serviceBase, Boolean(kind.service), `${kind.code} service base`);
    if (kind.service) for (const f of model.service_fields.node) assert.ok(f in thrown, `${kind.node}.${f}`);
  }
  // Negative control: an unknown code is refused, not silently mapped.
  assert.throws(() => dcskit._internal.errorForCode('NOPE', 'x'), (e) => !(e instanceof dcskit.DcsError));
});

test('InvalidInputError: missing and mistyped parameters, bad options; nothing sent', async (t) => {
  let hits = 0;
  const { url } = await startServer(t, (req, res) => {
    hits++;
    res.end('{}');
  });
  const c = clientFor(url, noRetry);
  await assert.rejects(c.showInstance({}), (e) => e instanceof dcskit.InvalidInputError && e.code === 'INVALID_INPUT' && /instance_id/.test(e.message) && e.param === 'instance_id');
  await assert.rejects(c.listInstances({ limit: 'ten' }), (e) => e instanceof dcskit.InvalidInputError && e.param === 'limit');
  await assert.rejects(c.call('NoSuchOperation', {}), dcskit.InvalidInputError);
  assert.equal(hits, 0, 'invalid input never reaches the network');
  assert.throws(() => new dcskit.Client({ endpoint: url, timeouts: { connect: 5 } }), (e) => e instanceof dcskit.InvalidInputError && e.param === 'options.timeouts.connect');
  assert.throws(() => new dcskit.Client({ endpoint: 'ftp://x' , projectId: PROJECT_ID, credentials: { ak: AK, sk: SK } }).endpoint, dcskit.InvalidInputError);
});

test('CredentialsError: half-set environment, partial or empty credentials', async (t) => {
  const saved = { ...process.env };
  t.after(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });
  for (const k of ['CLOUD_SDK_AK', 'CLOUD_SDK_SK', 'CLOUD_SDK_SECURITY_TOKEN', 'CLOUD_SDK_AUTH_TOKEN']) delete process.env[k];
  process.env.CLOUD_SDK_AK = 'only-the-ak';
  assert.throws(() => new dcskit.Client({ endpoint: 'http://127.0.0.1:9' }), (e) => e instanceof dcskit.CredentialsError && e.code === 'CREDENTIALS' && /CLOUD_SDK_SK/.test(e.message));
  delete process.env.CLOUD_SDK_AK;
  process.env.CLOUD_SDK_SK = 'only-the-sk';
  assert.throws(() => new dcskit.Client({ endpoint: 'http://127.0.0.1:9' }), (e) => e instanceof dcskit.CredentialsError && /CLOUD_SDK_AK/.test(e.message));
  delete process.env.CLOUD_SDK_SK;
  // Given credentials that cannot sign anything are refused before any request.
  const url = 'http://127.0.0.1:9';
  assert.throws(() => new dcskit.Client({ endpoint: url, credentials: { ak: AK } }), dcskit.CredentialsError);
  assert.throws(() => new dcskit.Client({ endpoint: url, credentials: { ak: AK, sk: '' } }), (e) => e instanceof dcskit.CredentialsError && /SK/.test(e.message));
  assert.throws(() => new dcskit.Client({ endpoint: url, credentials: { token: '' } }), dcskit.CredentialsError);
});

test('ConnectionError: nothing listens on the port', async () => {
  const port = await unusedPort();
  const c = clientFor(`http://127.0.0.1:${port}`, noRetry);
  await assert.rejects(c.listInstances({}), (e) => e instanceof dcskit.ConnectionError && e.code === 'CONNECTION' && !(e instanceof dcskit.TlsError));
});

test('TimeoutError: a server that accepts and never answers', async (t) => {
  const { url } = await startServer(t, () => {});
  const c = clientFor(url, { retries: 0, timeouts: { readMs: 300, totalMs: 400 } });
  const started = Date.now();
  await assert.rejects(c.listInstances({}), (e) => e instanceof dcskit.TimeoutError && e.code === 'TIMEOUT');
  const took = Date.now() - started;
  assert.ok(took >= 250 && took < 5000, `gave up after ${took} ms`);
});

/** A local server answering every request with `status` and a DCS error body. */
async function errorServer(t, status, headers = {}) {
  return startServer(t, (req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'X-Request-Id': `rid-${status}`, ...headers });
    res.end(JSON.stringify({ error_code: `DCS.${status}0`, error_msg: `answered ${status}` }));
  });
}

test('ClientRequestError / ThrottledError / ServerResponseError from 4xx / 429 / 5xx', async (t) => {
  const cases = [
    [400, dcskit.ClientRequestError, 'CLIENT_REQUEST'],
    [403, dcskit.ClientRequestError, 'CLIENT_REQUEST'],
    [429, dcskit.ThrottledError, 'THROTTLED'],
    [500, dcskit.ServerResponseError, 'SERVER_RESPONSE'],
    [503, dcskit.ServerResponseError, 'SERVER_RESPONSE'],
  ];
  for (const [status, Cls, code] of cases) {
    const { url } = await errorServer(t, status, status === 429 ? { 'Retry-After': '7' } : {});
    const err = await clientFor(url, noRetry).listInstances({}).then(() => null, (e) => e);
    assert.ok(err instanceof Cls, `${status} -> ${Cls.name}, got ${err}`);
    assert.ok(err instanceof dcskit.ServiceError);
    assert.equal(err.code, code);
    assert.equal(err.statusCode, status);
    assert.equal(err.errorCode, `DCS.${status}0`);
    assert.equal(err.errorMsg, `answered ${status}`);
    assert.equal(err.requestId, `rid-${status}`);
    if (status === 429) assert.equal(err.retryAfter, 7);
  }
});

test('service errors from the emulator: unknown instance (404) and a wrong signature (401)', async (t) => {
  const url = await startEmulator(t);
  if (!url) return;
  const e404 = await clientFor(url).showInstance({ instance_id: '00000000-0000-0000-0000-000000000000' }).catch((e) => e);
  assert.ok(e404 instanceof dcskit.ClientRequestError);
  assert.ok([400, 404].includes(e404.statusCode));
  assert.match(e404.errorCode, /^DCS\./);
  assert.match(e404.requestId, /\S/);
  const bad = new dcskit.Client({ endpoint: url, projectId: PROJECT_ID, credentials: { ak: AK, sk: 'not-the-secret' } });
  const e401 = await bad.listInstances({}).catch((e) => e);
  assert.ok(e401 instanceof dcskit.ClientRequestError);
  assert.equal(e401.statusCode, 401);
  assert.match(e401.errorCode, /^APIGW\./);
  assert.ok(!String(e401.message).includes('not-the-secret'), 'the SK never appears in errors');
  // 5xx and 429 injected by the emulator's scripted faults.
  const faulty = await startEmulator(t, ['--fault', 'ListInstances=503,429:3']);
  const f = clientFor(faulty, noRetry);
  await assert.rejects(f.listInstances({}), (e) => e instanceof dcskit.ServerResponseError && e.statusCode === 503);
  await assert.rejects(f.listInstances({}), (e) => e instanceof dcskit.ThrottledError && e.statusCode === 429 && e.retryAfter === 3);
  const ok = await f.listInstances({});
  assert.ok(Array.isArray(ok.instances));
});

test('DecodeError: a 200 whose body is not JSON', async (t) => {
  const { url } = await startServer(t, (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'X-Request-Id': 'rid-decode' });
    res.end('{"instances": [');
  });
  await assert.rejects(clientFor(url, noRetry).listInstances({}), (e) => e instanceof dcskit.DecodeError && e.code === 'DECODE' && /rid-decode/.test(e.message));
});

test('TlsError: an untrusted certificate; trusted through caBundle it works', async (t) => {
  if (!have('openssl')) {
    if (process.env.CI === 'true') throw new Error('openssl missing');
    t.skip('no openssl');
    return;
  }
  const dir = tmpDir();
  const f = (n) => path.join(dir, n);
  const ssl = (...args) => {
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  };
  // A private CA and a leaf certificate for 127.0.0.1 signed by it.
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=dcskit test CA', '-keyout', f('ca.key'), '-out', f('ca.pem'));
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', f('key.pem'), '-out', f('leaf.csr'));
  fs.writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  ssl('x509', '-req', '-in', f('leaf.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', f('ext.cnf'), '-out', f('cert.pem'));
  const key = f('key.pem');
  const cert = f('cert.pem');
  const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"instance_num": 0, "instances": []}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const url = `https://127.0.0.1:${server.address().port}`;
  await assert.rejects(clientFor(url, noRetry).listInstances({}), (e) => e instanceof dcskit.TlsError && e.code === 'TLS' && e instanceof dcskit.ConnectionError);
  const trusted = await clientFor(url, { ...noRetry, caBundle: f('ca.pem') }).listInstances({});
  assert.deepEqual(trusted, { instance_num: 0, instances: [] });
});
