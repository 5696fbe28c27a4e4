'use strict';
// Loads the compiled addon from native/ (written by `npm run build`).
const fs = require('node:fs');
const path = require('node:path');

function platformTriple() {
  const { platform, arch } = process;
  if (platform !== 'linux') return `${platform}-${arch}`;
  const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null;
  const glibc = report?.header?.glibcVersionRuntime;
  return `linux-${arch}-${glibc ? 'gnu' : 'musl'}`;
}

function load() {
  const dir = path.join(__dirname, '..', 'native');
  const candidates = [`dcskit.${platformTriple()}.node`, 'dcskit.node'].map((f) => path.join(dir, f));
  const found = candidates.find((f) => fs.existsSync(f));
  if (!found) {
    throw new Error(
      `dcskit: the native addon is not built (looked for ${candidates.join(', ')}); ` +
        'run `npm install` or `npm run build` in the dcskit package (needs a Rust toolchain)',
    );
  }
  return require(found);
}

module.exports = load();
