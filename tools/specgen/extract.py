#!/usr/bin/env python3
"""Regenerate spec/dcs.openapi.json and spec/error-codes.json from the seeds.

    python3 tools/specgen/extract.py [--check]

Inputs: ../shared/seeds (or $DCSKIT_SHARED/seeds), tools/specgen/sdk_facts.json
(facts distilled from huaweicloudsdkdcs by sdkfacts.py) and spec/overrides.json.
Output is deterministic: sorted keys, 2-space indent, trailing newline.
With --check nothing is written; the exit status says whether the files are fresh.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
REPO = os.path.dirname(os.path.dirname(HERE))

import build  # noqa: E402
import errorcodes  # noqa: E402


def render(obj):
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def generate(repo=REPO):
    """{relative path: text} of every generated file."""
    builder = build.Builder(repo)
    spec = builder.build()
    codes = errorcodes.extract(builder.seed_dir)
    return {
        os.path.join("spec", "dcs.openapi.json"): render(spec),
        os.path.join("spec", "error-codes.json"): render(codes),
    }


def main(argv):
    check = "--check" in argv
    stale = []
    for rel, text in generate().items():
        path = os.path.join(REPO, rel)
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if old != text:
            stale.append(rel)
            if not check:
                with open(path, "w", encoding="utf-8") as fh:
                    fh.write(text)
    if check:
        for rel in stale:
            print(f"stale: {rel} (run python3 tools/specgen/extract.py)")
        return 1 if stale else 0
    print("updated: " + (", ".join(stale) if stale else "nothing (already fresh)"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
