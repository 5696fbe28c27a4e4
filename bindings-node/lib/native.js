'use strict';
// Loads the compiled addon from native/ (written by `npm run build`).
const fs = require('node:fs');
const path = require('node:path');
const { addonFileName } = require('./platform');

function load() {
  const file = path.join(__dirname, '..', 'native', addonFileName());
  if (!fs.existsSync(file)) {
    throw new Error(
      `dcskit: the native addon ${file} is not built; ` +
        'run `npm install` (or `npm run build`) in the dcskit package directory (needs a Rust toolchain)',
    );
  }
  return require(file);
}

module.exports = load();
