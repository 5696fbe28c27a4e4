#!/usr/bin/env python3
"""Writes vectors.jsonl: the edge cases of cases.py signed by the official huaweicloudsdkcore
signer, so `cargo test` can check dcskit against the reference without Python.
(Bodies over 64 KiB are left out to keep the file small.)

    python make_vectors.py > vectors.jsonl
"""
import json

from cases import edge_cases, wire_url
from conformance import official

for case in edge_cases():
    if len(case["body_hex"]) > 131072:
        continue
    want = official(case)
    print(json.dumps({
        "name": case["name"], "method": case["method"], "url": wire_url(case), "headers": case["headers"],
        "body_hex": case["body_hex"], "ak": case["ak"], "sk": case["sk"], "security_token": case["security_token"],
        "project_id": case["project_id"], "date": case["date"], "expected": want,
    }, ensure_ascii=False))
