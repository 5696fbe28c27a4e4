// Builds the addon from source with cargo and puts it where lib/native.js loads it:
//   node scripts/build.mjs [--debug]
// cargo (not `napi build`, which always passes --target and so builds every crate a second
// time in its own directory) shares $CARGO_TARGET_DIR with the workspace's other release
// builds; napi-build's build script still adds the link flags the addon needs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { addonFileName } = require('../lib/platform.js');
const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const debug = process.argv.includes('--debug');

const args = ['build', '-p', 'dcskit-node', '--message-format=json-render-diagnostics', ...(debug ? [] : ['--release'])];
console.error(`dcskit: cargo ${args.join(' ')}`);
const r = spawnSync('cargo', args, { cwd: pkgDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28 });
if (r.error) {
  console.error(`dcskit: cannot run cargo (${r.error.message}); building dcskit from source needs a Rust toolchain`);
  process.exit(1);
}
if (r.status !== 0) process.exit(r.status ?? 1);

const library = r.stdout
  .split('\n')
  .filter((l) => l.startsWith('{'))
  .map((l) => JSON.parse(l))
  .filter((m) => m.reason === 'compiler-artifact' && m.target?.name === 'dcskit_node')
  .flatMap((m) => m.filenames)
  .find((f) => /\.(so|dylib|dll)$/.test(f));
if (!library) {
  console.error('dcskit: cargo reported no dcskit_node library');
  process.exit(1);
}
const dest = path.join(pkgDir, 'native', addonFileName());
fs.mkdirSync(path.dirname(dest), { recursive: true });
// Copy to a temporary name and rename, so a running process never sees a half-written addon.
fs.copyFileSync(library, `${dest}.tmp`);
fs.renameSync(`${dest}.tmp`, dest);
console.error(`dcskit: ${path.relative(pkgDir, dest)} <- ${library}`);
