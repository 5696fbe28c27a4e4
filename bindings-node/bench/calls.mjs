// Call throughput against the emulator: dcskit vs @huaweicloud/huaweicloud-sdk-core's signer
// with fetch (the official DCS package for Node is not on npm), sequential and 100 in flight.
//   node bench/calls.mjs URL AK SK PROJECT_ID PEER_MODULE_DIR
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [url, ak, sk, projectId, peerDir] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const dcskit = require(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'));
const peerRequire = createRequire(path.join(peerDir, 'package.json'));
const { BasicCredentials } = peerRequire('@huaweicloud/huaweicloud-sdk-core');
const { AKSKSigner } = peerRequire('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner');

const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 1000);
const CONCURRENT_TOTAL = Number(process.env.BENCH_CONCURRENT_TOTAL ?? 5000);
const IN_FLIGHT = 100;

const client = new dcskit.Client({ endpoint: url, projectId, credentials: { ak, sk }, retries: 0 });
const creds = new BasicCredentials().withAk(ak).withSk(sk).withProjectId(projectId);

/** ListInstances signed by the official core SDK and sent with fetch. */
async function peerListInstances() {
  const endpoint = `${url}/v2/${projectId}/instances`;
  const headers = AKSKSigner.sign(
    { endpoint, method: 'GET', headers: { 'Content-Type': 'application/json', 'X-Project-Id': projectId }, queryParams: { limit: 10 } },
    creds,
  );
  const res = await fetch(`${endpoint}?limit=10`, { headers });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`peer: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body;
}
const oursListInstances = () => client.listInstances({ limit: 10 });

async function sequential(fn, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return (n / Number(process.hrtime.bigint() - t0)) * 1e9;
}

async function concurrent(fn, total, inFlight) {
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < total) await fn();
    }),
  );
  return (total / Number(process.hrtime.bigint() - t0)) * 1e9;
}

// Same answers from both, then warm up connections and JIT.
for (let i = 0; i < 10; i++) await client.createInstance({ body: {
  name: `bench-${i}`, engine: 'Redis', engine_version: '6.0', capacity: 0.125, spec_code: 'redis.ha.xu1.tiny.r2.128',
  az_codes: ['cn-north-4a'], vpc_id: 'vpc-1', subnet_id: 'subnet-1', password: 'Secret-Passw0rd' } });
const [a, b] = [await oursListInstances(), await peerListInstances()];
if (JSON.stringify(a.instances.map((i) => i.instance_id)) !== JSON.stringify(b.instances.map((i) => i.instance_id))) {
  throw new Error('dcskit and the peer disagree on ListInstances');
}
await sequential(oursListInstances, 100);
await sequential(peerListInstances, 100);

const rows = [];
for (const [mode, run] of [
  ['sequential', (fn) => sequential(fn, SEQUENTIAL)],
  [`${IN_FLIGHT} concurrent`, (fn) => concurrent(fn, CONCURRENT_TOTAL, IN_FLIGHT)],
]) {
  const ours = await run(oursListInstances);
  const peer = await run(peerListInstances);
  rows.push({ mode, ours, peer });
}
console.log(`ListInstances(limit=10) against ${url}; ${SEQUENTIAL} sequential calls, ${CONCURRENT_TOTAL} calls ${IN_FLIGHT} in flight`);
console.log('mode            dcskit calls/s   sdk-core+fetch calls/s   ratio (dcskit/peer)');
for (const r of rows) {
  console.log(`${r.mode.padEnd(16)}${r.ours.toFixed(0).padStart(14)}${r.peer.toFixed(0).padStart(25)}${(r.ours / r.peer).toFixed(2).padStart(22)}`);
}
