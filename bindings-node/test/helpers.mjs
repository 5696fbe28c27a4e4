// Shared test helpers: the emulator (`dcskit mock`), small local HTTP servers, RDB inputs.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export const require = createRequire(import.meta.url);
export const PKG_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = path.resolve(PKG_DIR, '..');
export const dcskit = require(PKG_DIR);
export const AK = 'NODETESTAK0000000001';
export const SK = 'node-test-secret-key';
export const PROJECT_ID = '0123456789abcdef0123456789abcdef';
export const IN_CI = process.env.CI === 'true';
export const FIXTURES = process.env.DCSKIT_FIXTURES ?? path.resolve(REPO, '..', 'shared', 'fixtures', 'rdb');

/** The `dcskit` binary: $DCSKIT_BIN, else the workspace's release or debug build. */
export function dcskitBin() {
  const target = process.env.CARGO_TARGET_DIR ?? path.join(REPO, 'target');
  const candidates = [process.env.DCSKIT_BIN, path.join(target, 'release', 'dcskit'), path.join(target, 'debug', 'dcskit')];
  return candidates.find((p) => p && fs.existsSync(p)) ?? null;
}

/**
 * Starts the emulator on a free port; `t.after` stops it. Without a binary the test is
 * skipped (and fails in CI, where the binary is always built).
 */
export async function startEmulator(t, extraArgs = []) {
  const bin = dcskitBin();
  if (!bin) {
    if (IN_CI) throw new Error('the dcskit binary is missing (DCSKIT_BIN) and CI=true');
    t.skip('no dcskit binary: build it with `cargo build --bin dcskit` or set DCSKIT_BIN');
    return null;
  }
  const args = ['mock', '--port', '0', '--ak', AK, '--sk', SK, '--project-id', PROJECT_ID, ...extraArgs];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve(line.trim());
    });
    child.on('exit', (code) => reject(new Error(`dcskit mock exited with ${code}: ${stderr}`)));
    setTimeout(() => reject(new Error(`dcskit mock printed no URL in 20 s: ${stderr}`)), 20000).unref();
  });
  t.after(async () => {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
  });
  return url;
}

export function clientFor(url, extra = {}) {
  return new dcskit.Client({ endpoint: url, projectId: PROJECT_ID, credentials: { ak: AK, sk: SK }, ...extra });
}

/** A local HTTP server answering with `handler(req, res)`; closed after the test. */
export async function startServer(t, handler) {
  const sockets = new Set();
  const server = http.createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return { url: `http://127.0.0.1:${server.address().port}`, server };
}

/** A port nothing listens on: bound, then closed. */
export async function unusedPort() {
  const s = http.createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

const madeDirs = [];
process.on('exit', () => {
  for (const dir of madeDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp dir, removed when the test process exits. */
export function tmpDir(prefix = 'dcskit-node-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  madeDirs.push(dir);
  return dir;
}

export function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** The body the emulator accepts for CreateInstance. */
export function instanceBody(name) {
  return {
    name,
    engine: 'Redis',
    engine_version: '6.0',
    capacity: 0.125,
    spec_code: 'redis.ha.xu1.tiny.r2.128',
    az_codes: ['cn-north-4a'],
    vpc_id: 'vpc-1',
    subnet_id: 'subnet-1',
    password: 'Secret-Passw0rd',
  };
}

/**
 * An RDB written by Debian's redis-server: `keys` string keys (DEBUG POPULATE) plus 2000
 * small hashes. Cached in the temp dir by size; null (test skipped) without redis-server
 * outside CI.
 */
export async function redisRdb(t, keys) {
  const file = path.join(os.tmpdir(), `dcskit-node-redis-${keys}.rdb`);
  if (fs.existsSync(file)) return file;
  if (!have('redis-server') || !have('redis-cli')) {
    if (IN_CI) throw new Error('redis-server is missing and CI=true');
    t.skip('no redis-server');
    return null;
  }
  const dir = tmpDir('dcskit-node-redis-');
  const sock = path.join(dir, 'redis.sock');
  const server = spawn('redis-server', ['--port', '0', '--unixsocket', sock, '--dir', dir, '--dbfilename', 'dump.rdb',
    '--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes'], { stdio: 'ignore' });
  try {
    const cli = (...args) => spawnSync('redis-cli', ['-s', sock, ...args], { encoding: 'utf8' });
    for (let i = 0; i < 100 && cli('PING').stdout.trim() !== 'PONG'; i++) await new Promise((r) => setTimeout(r, 50));
    const steps = [
      ['DEBUG', 'POPULATE', String(keys), 'node:key', '64'],
      ['EVAL', "for i=1,2000 do redis.call('HSET','node:hash:'..i,'f1','v1','f2','v2') end return 1", '0'],
      ['SAVE'],
    ];
    for (const step of steps) {
      const r = cli(...step);
      if (r.status !== 0 || /ERR/.test(r.stdout)) throw new Error(`redis-cli ${step[0]}: ${r.stdout}${r.stderr}`);
    }
    fs.renameSync(path.join(dir, 'dump.rdb'), file);
  } finally {
    server.kill('SIGKILL');
  }
  return file;
}
