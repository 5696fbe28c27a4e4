#!/usr/bin/env python3
"""dcskit code generator: spec/dcs.openapi.json -> IR -> every codegen/emit_*.py emitter.

    python3 codegen/generate.py                 # regenerate everything
    python3 codegen/generate.py --only rust     # one emitter
    python3 codegen/generate.py --check         # exit 1 if any generated file is stale
    python3 codegen/generate.py --dump-ir FILE  # write the IR as JSON (for emitter authors)

An emitter is a module `codegen/emit_<name>.py` with `emit(ir, repo_root) -> {path: text}`
(paths relative to the repo root) and optionally `OWNED_DIRS = [...]`: directories it owns
entirely, where files it no longer emits are deleted. See codegen/README.md.
"""
import argparse
import copy
import importlib.util
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from ir import SpecError, build_ir  # noqa: E402

REPO = HERE.parent
DEFAULT_SPEC = REPO / "spec" / "dcs.openapi.json"
MANIFEST = "codegen/generated-files.txt"


def load_emitters(only):
    emitters = []
    for path in sorted(HERE.glob("emit_*.py")):
        name = path.stem[len("emit_"):]
        if only and name not in only:
            continue
        spec = importlib.util.spec_from_file_location(f"dcskit_codegen_emit_{name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if not hasattr(module, "emit"):
            raise SystemExit(f"{path}: no emit(ir, repo_root) function")
        emitters.append((name, module))
    if only:
        missing = set(only) - {n for n, _ in emitters}
        if missing:
            raise SystemExit(f"no emitter named {', '.join(sorted(missing))}")
    return emitters


def run(spec_path, only=(), check=False, repo_root=REPO):
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    try:
        ir = build_ir(spec)
    except SpecError as e:
        raise SystemExit(f"{spec_path}: {e}")
    outputs = {}
    owned = {}
    for name, module in load_emitters(only):
        files = module.emit(copy.deepcopy(ir), str(repo_root))
        for rel, text in files.items():
            rel = rel.replace(os.sep, "/")
            if rel in outputs:
                raise SystemExit(f"emitters {outputs[rel][0]} and {name} both write {rel}")
            if not text.endswith("\n"):
                text += "\n"
            outputs[rel] = (name, text)
        for d in getattr(module, "OWNED_DIRS", []):
            owned[d.rstrip("/")] = name
    stale = []
    # Files in owned directories that no emitter produced any more.
    for d in sorted(owned):
        base = Path(repo_root) / d
        if base.is_dir():
            for p in sorted(base.rglob("*")):
                rel = p.relative_to(repo_root).as_posix()
                if p.is_file() and rel not in outputs:
                    stale.append(("delete", rel))
    manifest_text = None
    if not only:
        manifest_text = "".join(f"{rel}\n" for rel in sorted(outputs))
        outputs[MANIFEST] = ("driver", manifest_text)
    for rel, (_, text) in sorted(outputs.items()):
        p = Path(repo_root) / rel
        old = p.read_text(encoding="utf-8") if p.exists() else None
        if old != text:
            stale.append(("write", rel))
    if check:
        for action, rel in stale:
            print(f"stale: {rel} ({'would be deleted' if action == 'delete' else 'differs'})")
        return 1 if stale else 0
    for action, rel in stale:
        p = Path(repo_root) / rel
        if action == "delete":
            p.unlink()
        else:
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(outputs[rel][1], encoding="utf-8")
    n_ops = len(ir["operations"])
    print(f"codegen: {n_ops} operations, {len(ir['schemas'])} schemas, {len(ir['waiters'])} waiters; "
          f"{len(outputs)} files, {len(stale)} changed")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spec", default=str(DEFAULT_SPEC))
    ap.add_argument("--only", action="append", default=[], help="emitter name (repeatable)")
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if anything is stale")
    ap.add_argument("--dump-ir", metavar="FILE", help="write the IR as JSON and exit")
    ap.add_argument("--owned-dirs", action="store_true",
                    help="print the directories emitters own entirely (for CI's staleness check)")
    args = ap.parse_args()
    if args.owned_dirs:
        for _, module in load_emitters(args.only):
            for d in getattr(module, "OWNED_DIRS", []):
                print(d.rstrip("/"))
        return 0
    if args.dump_ir:
        with open(args.spec, encoding="utf-8") as f:
            ir = build_ir(json.load(f))
        text = json.dumps(ir, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        if args.dump_ir == "-":
            sys.stdout.write(text)
        else:
            Path(args.dump_ir).write_text(text, encoding="utf-8")
        return 0
    return run(args.spec, only=args.only, check=args.check)


if __name__ == "__main__":
    sys.exit(main())
