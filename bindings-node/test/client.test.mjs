// Calls, paginators and waiters against the emulator (`dcskit mock`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientFor, dcskit, instanceBody, startEmulator } from './helpers.mjs';

const instanceId = (created) => created.instance_id ?? created.instances?.[0]?.instance_id;

test('generated methods, dynamic call and the emulator agree', async (t) => {
  const url = await startEmulator(t);
  if (!url) return;
  const c = clientFor(url);
  assert.equal(c.endpoint, url);
  const created = await c.createInstance({ body: instanceBody('node-one') });
  const id = instanceId(created);
  assert.match(id, /\S/);

  const generated = await c.listInstances({ limit: 100 });
  const official = await c.call('ListInstances', { limit: 100 });
  const camel = await c.call('listInstances', { limit: 100 });
  const ids = (r) => r.instances.map((i) => i.instance_id).sort();
  assert.deepEqual(ids(generated), [id]);
  assert.deepEqual(ids(official), ids(generated));
  assert.deepEqual(ids(camel), ids(generated));
  assert.equal(Object.getPrototypeOf(generated), Object.prototype, 'results are plain objects');

  const shown = await c.showInstance({ instance_id: id });
  assert.equal(shown.instance_id, id);
  assert.equal(shown.name, 'node-one');
});

test('paginate yields every item across pages; paginatePages yields pages', async (t) => {
  const url = await startEmulator(t);
  if (!url) return;
  const c = clientFor(url);
  const made = [];
  for (let i = 0; i < 5; i++) made.push(instanceId(await c.createInstance({ body: instanceBody(`node-page-${i}`) })));

  const seen = [];
  for await (const inst of c.paginate('listInstances', { limit: 2 })) seen.push(inst.instance_id);
  assert.deepEqual(seen.sort(), made.sort(), 'paging by 2 yields each instance exactly once');

  const pages = [];
  for await (const page of c.paginatePages('ListInstances', { limit: 2 })) pages.push(page.instances.length);
  assert.ok(pages.length >= 3, `5 instances by 2 need 3 pages, got ${pages}`);
  assert.equal(pages.reduce((a, b) => a + b, 0), 5);

  // Breaking out early stops fetching: the iterator is a plain async generator.
  let n = 0;
  for await (const _ of c.paginate('listInstances', { limit: 1 })) if (++n === 2) break;
  assert.equal(n, 2);
});

test('a paginator over an operation that does not page is an InvalidInputError', async (t) => {
  const url = await startEmulator(t);
  if (!url) return;
  const c = clientFor(url);
  await assert.rejects(async () => {
    for await (const _ of c.paginate('ShowInstance', { instance_id: 'x' }));
  }, dcskit.InvalidInputError);
});

test('wait("instance_running") polls until the new instance runs', async (t) => {
  const url = await startEmulator(t, ['--running-delay', '600']);
  if (!url) return;
  const c = clientFor(url);
  const id = instanceId(await c.createInstance({ body: instanceBody('node-wait') }));
  const first = await c.showInstance({ instance_id: id });
  assert.equal(first.status, 'CREATING');
  const started = Date.now();
  const done = await c.wait('instance_running', { instance_id: id }, { intervalMs: 100, timeoutMs: 10000 });
  assert.equal(done.status, 'RUNNING');
  assert.ok(Date.now() - started < 10000);

  // A waiter that cannot finish in time is a TimeoutError.
  const slow = await startEmulator(t, ['--running-delay', '60000']);
  const s = clientFor(slow);
  const id2 = instanceId(await s.createInstance({ body: instanceBody('node-wait-slow') }));
  await assert.rejects(
    s.wait('instance_running', { instance_id: id2 }, { intervalMs: 50, timeoutMs: 300 }),
    (e) => e instanceof dcskit.TimeoutError && e.code === 'TIMEOUT',
  );
});

test('many concurrent calls all resolve (one runtime, no event-loop work per request)', async (t) => {
  const url = await startEmulator(t);
  if (!url) return;
  const c = clientFor(url);
  const results = await Promise.all(Array.from({ length: 200 }, () => c.listInstances({ limit: 1 })));
  assert.equal(results.length, 200);
  assert.ok(results.every((r) => Array.isArray(r.instances)));
});

test('options: proxy routes requests through the proxy; retries re-send after 503', async (t) => {
  const { startServer, unusedPort, PROJECT_ID } = await import('./helpers.mjs');
  // The endpoint has nothing listening: the call only succeeds through the proxy.
  const port = await unusedPort();
  const seen = [];
  const proxy = await startServer(t, (req, res) => {
    seen.push(req.url);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"instance_num": 0, "instances": []}');
  });
  const viaProxy = clientFor(`http://127.0.0.1:${port}`, { proxy: proxy.url, retries: 0 });
  assert.deepEqual(await viaProxy.listInstances({ limit: 5 }), { instance_num: 0, instances: [] });
  assert.equal(seen.length, 1);
  assert.equal(seen[0], `http://127.0.0.1:${port}/v2/${PROJECT_ID}/instances?limit=5`, 'absolute-form request to the proxy');

  let hits = 0;
  const flaky = await startServer(t, (req, res) => {
    hits++;
    res.writeHead(hits <= 2 ? 503 : 200, { 'Content-Type': 'application/json' });
    res.end(hits <= 2 ? '{"error_code": "DCS.5000", "error_msg": "busy"}' : '{"instance_num": 0, "instances": []}');
  });
  const patient = clientFor(flaky.url, { retries: { maxRetries: 2, initialBackoffMs: 10, maxBackoffMs: 20 } });
  assert.equal((await patient.listInstances({})).instance_num, 0);
  assert.equal(hits, 3, 'two retries after two 503s');
  hits = 0;
  await assert.rejects(clientFor(flaky.url, { retries: 0 }).listInstances({}), dcskit.ServerResponseError);
  assert.equal(hits, 1, 'retries: 0 sends once');
});
