#!/usr/bin/env bash
# The Node.js binding: a release build of the addon through `npm ci` (its `prepare` script runs
# cargo with the shared CARGO_TARGET_DIR), the node --test suite against the emulator, tsc
# --strict on the typed example, and an `npm pack` tarball installed into an empty project.
. "$(dirname "$0")/../lib.sh"
ensure_apt redis-server redis-tools openssl

if ! command -v node >/dev/null || ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=17)?0:1)'; then
  echo "Node.js >= 20.17 is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

log "dcskit CLI (the emulator the tests start)"
build_cli
export DCSKIT_BIN

cd "$REPO/bindings-node"
log "npm ci (builds the addon in release mode)"
npm ci --no-audit --no-fund >&2

log "node --test"
node --test --test-concurrency=1 --test-reporter=spec test/*.test.mjs

log "tsc --noEmit --strict"
npx --no-install tsc --noEmit --strict -p test/types

log "npm pack, install into an empty project"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarball="$(npm pack --silent --pack-destination "$work" | tail -1)"
mkdir "$work/app"
cd "$work/app"
npm init -y >/dev/null
npm install --no-audit --no-fund "$work/$tarball" >&2
node -e '
  const d = require("dcskit");
  const c = new d.Client({ endpoint: "http://127.0.0.1:9", projectId: "p", credentials: { ak: "a", sk: "b" } });
  if (typeof c.listInstances !== "function" || !d.runtimeId()) process.exit(1);
  console.log("require(\"dcskit\") ok:", d.OPERATIONS.length, "operations");
'
node --input-type=module -e '
  import { Client, analyze, DcsError } from "dcskit";
  if (typeof Client !== "function" || typeof analyze !== "function" || typeof DcsError !== "function") process.exit(1);
  console.log("import from \"dcskit\" ok");
'
echo "npm pack check: ok ($tarball)"
