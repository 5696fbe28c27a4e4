#!/usr/bin/env bash
# The Python binding: builds the wheel ONCE (maturin, release, the shared target dir), installs
# it into the shared venv, and runs its pytest suite (emulator calls, errors, runtime, analyzer,
# mypy on the generated stubs, the example notebook via nbclient). Codegen freshness is
# checked by the codegen suite, not here.
. "$(dirname "$0")/../lib.sh"
cd "$REPO"
ensure_venv "maturin>=1.16,<2" pytest mypy nbclient nbformat ipykernel pandas
build_cli
WHEELS="$CARGO_TARGET_DIR/wheels-python"
rm -rf "$WHEELS"
log "maturin build --release (dcskit wheel)"
"$VENV/bin/maturin" build --release --manifest-path bindings-python/Cargo.toml --out "$WHEELS" \
  --interpreter "$VENV/bin/python" --auditwheel skip >&2
"$VENV/bin/pip" install -q --force-reinstall --no-deps "$WHEELS"/dcskit-*.whl >&2
log "pytest bindings-python/tests"
cd bindings-python
# Run from the package dir: tests import the installed wheel, not python/dcskit.
DCSKIT_BIN="$DCSKIT_BIN" DCSKIT_REQUIRE_EMULATOR=1 "$VENV/bin/python" -m pytest -q -p no:cacheprovider tests
