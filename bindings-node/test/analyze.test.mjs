// The analyzer from Node: the report, progress, the event loop stays free, abort, errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { FIXTURES, IN_CI, dcskit, dcskitBin, redisRdb, startServer, tmpDir } from './helpers.mjs';

const BIG_KEYS = 1_000_000;
const REPORT_FIELDS = ['total_bytes', 'total_num', 'type_bytes', 'type_num', 'largest_keys', 'largest_key_prefixes'];

function fixture(t, rel) {
  const file = path.join(FIXTURES, rel);
  if (fs.existsSync(file)) return file;
  if (IN_CI) throw new Error(`fixture missing: ${file}`);
  t.skip(`fixtures absent at ${FIXTURES}`);
  return null;
}

test('analyze resolves to the DCS report, the same as `dcskit analyze --format json`', async (t) => {
  const file = fixture(t, 'redis__redis/encodings.rdb');
  if (!file) return;
  const report = await dcskit.analyze(file);
  for (const f of REPORT_FIELDS) assert.ok(f in report, `report has ${f}`);
  assert.ok(report.total_num > 0);
  assert.ok(Array.isArray(report.largest_keys) && report.largest_keys.length > 0);

  const bin = dcskitBin();
  if (bin) {
    const cli = spawnSync(bin, ['analyze', file, '--format', 'json'], { encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    const fromCli = JSON.parse(cli.stdout);
    for (const f of REPORT_FIELDS) assert.deepEqual(report[f], fromCli[f], `${f} agrees with the CLI`);
  }

  const small = await dcskit.analyze(file, { top: 2, prefixTop: 1, delimiters: ':' });
  assert.ok(small.largest_keys.length <= 2);
  assert.equal(small.total_num, report.total_num);
  // A file: URL object works as the input too.
  const viaUrl = await dcskit.analyze(pathToFileURL(file));
  assert.equal(viaUrl.total_num, report.total_num);
});

test('an http URL is downloaded and analyzed as it streams', async (t) => {
  const file = fixture(t, 'redis__redis/encodings.rdb');
  if (!file) return;
  const bytes = fs.readFileSync(file);
  const { url } = await startServer(t, (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': bytes.length });
    res.end(bytes);
  });
  const fromFile = await dcskit.analyze(file);
  const fromHttp = await dcskit.analyze(`${url}/backup.rdb`);
  for (const f of REPORT_FIELDS) assert.deepEqual(fromHttp[f], fromFile[f], f);
});

test('a large analysis never blocks the event loop, and reports progress', async (t) => {
  const file = await redisRdb(t, BIG_KEYS);
  if (!file) return;

  // Control: the gap measurement does see a blocked event loop.
  const control = await measureGaps(async () => {
    const until = Date.now() + 300;
    while (Date.now() < until);
  });
  assert.ok(control.maxGap >= 250, `the measurement detects blocking (${control.maxGap} ms)`);

  const progress = [];
  let report;
  let runs = 0;
  // One analysis of this file takes well under 100 ms now: repeat it (progress watched on the
  // first) until the event loop has been observed for long enough to mean something.
  const m = await measureGaps(async () => {
    const until = Date.now() + 300;
    do {
      report = await dcskit.analyze(file, runs === 0 ? { onProgress: (p) => progress.push(p) } : undefined);
      runs += 1;
    } while (Date.now() < until && runs < 100);
  });
  t.diagnostic(`${runs} analyses of ${fs.statSync(file).size} bytes took ${m.duration} ms; ${m.ticks} timer ticks, longest gap ${m.maxGap} ms; ${progress.length} progress calls`);
  assert.equal(report.total_num, BIG_KEYS + 2000);
  assert.ok(m.duration >= 100, `the analyses are long enough to mean something (${m.duration} ms)`);
  assert.ok(m.maxGap < 200, `timers kept firing: longest gap ${m.maxGap} ms`);
  assert.ok(m.ticks >= Math.min(5, m.duration / 40), `${m.ticks} ticks in ${m.duration} ms`);
  assert.ok(progress.length >= 1, 'progress was reported');
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i].bytesRead >= progress[i - 1].bytesRead);
  assert.ok(progress.at(-1).bytesRead <= fs.statSync(file).size);
  assert.equal(typeof progress[0].keys, 'number');
});

/** Runs `fn` while a 10 ms interval timer measures how regularly the event loop turns. */
async function measureGaps(fn) {
  let ticks = 0;
  let maxGap = 0;
  let last = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
  }, 10);
  await new Promise((r) => setTimeout(r, 20));
  const started = Date.now();
  last = started;
  try {
    await fn();
    await new Promise((r) => setImmediate(r));
    maxGap = Math.max(maxGap, Date.now() - last);
  } finally {
    clearInterval(timer);
  }
  return { ticks, maxGap, duration: Date.now() - started };
}

test('an AbortSignal stops the analysis with a CancelledError', async (t) => {
  const file = await redisRdb(t, BIG_KEYS);
  if (!file) return;
  const controller = new AbortController();
  const started = Date.now();
  let abortedAt;
  const reason = new Error('user gave up');
  const run = dcskit.analyze(file, {
    signal: controller.signal,
    onProgress: () => {
      if (abortedAt === undefined) {
        abortedAt = Date.now();
        controller.abort(reason);
      }
    },
  });
  const err = await run.then(() => null, (e) => e);
  assert.ok(err instanceof dcskit.CancelledError, `rejected with CancelledError, got ${err}`);
  assert.equal(err.code, 'CANCELLED');
  assert.equal(err.cause, reason);
  assert.ok(abortedAt !== undefined);
  assert.ok(Date.now() - abortedAt < 2000, `stopped ${Date.now() - abortedAt} ms after the abort`);
  t.diagnostic(`aborted after ${abortedAt - started} ms, settled ${Date.now() - abortedAt} ms later`);

  // Already aborted: refused at once.
  await assert.rejects(dcskit.analyze(file, { signal: AbortSignal.abort() }), dcskit.CancelledError);
});

test('an exception in onProgress stops the analysis and is its rejection', async (t) => {
  const file = await redisRdb(t, BIG_KEYS);
  if (!file) return;
  const boom = new Error('callback failed');
  await assert.rejects(dcskit.analyze(file, { onProgress: () => { throw boom; } }), (e) => e === boom);
});

test('a truncated RDB is an AnalysisError with the byte offset', async (t) => {
  const file = fixture(t, 'redis__redis/encodings.rdb');
  if (!file) return;
  const bytes = fs.readFileSync(file);
  const cut = path.join(tmpDir(), 'truncated.rdb');
  fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const err = await dcskit.analyze(cut).then(() => null, (e) => e);
  assert.ok(err instanceof dcskit.AnalysisError, `got ${err}`);
  assert.equal(err.code, 'ANALYSIS');
  assert.equal(typeof err.offset, 'number');
  assert.ok(err.offset > 0 && err.offset <= bytes.length / 2, `offset ${err.offset} within the truncated input`);
  assert.match(err.message, new RegExp(String(err.offset)));
});

test('IoError when reading fails; InvalidInputError for a missing file or bad options', async () => {
  // Reading /proc/self/mem from offset 0 fails in the kernel with EIO: a real I/O error.
  await assert.rejects(dcskit.analyze('/proc/self/mem'), (e) => e instanceof dcskit.IoError && e.code === 'IO');
  const missing = path.join(tmpDir(), 'no-such.rdb');
  await assert.rejects(dcskit.analyze(missing), (e) => e instanceof dcskit.InvalidInputError && e.message.includes('no-such.rdb'));
  await assert.rejects(dcskit.analyze(missing, { top: 0 }), (e) => e instanceof dcskit.InvalidInputError && e.param === 'options.top');
  await assert.rejects(dcskit.analyze(missing, { bogus: 1 }), (e) => e instanceof dcskit.InvalidInputError && e.param === 'options.bogus');
  await assert.rejects(dcskit.analyze(missing, { onProgress: 5 }), TypeError);
});
