#!/usr/bin/env python3
"""Signing conformance: dcskit's SDK-HMAC-SHA256 signer against the official one.

Generates requests (hand-picked edge cases plus seeded random ones), signs each with the
official `huaweicloudsdkcore` signer (through BasicCredentials.sign_request, as the SDK does)
and with `dcskit sign --batch`, and compares canonical request, string to sign, Authorization,
URL and every header byte for byte. Prints "N passed, M failed"; exits 1 on any mismatch.

    python conformance.py --dcskit target/release/dcskit [--cases 1200] [--seed 7]
"""

import argparse
import json
import subprocess
import sys

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from cases import edge_cases, random_cases, wire_url

# Record the intermediate strings the official signer computes (it returns them unchanged).
_captured = {}
_orig_cr = Signer._process_canonical_request
_orig_sts = Signer._process_string_to_sign


def _capture_cr(self, request, signed_headers):
    _captured["canonical_request"] = _orig_cr(self, request, signed_headers)
    return _captured["canonical_request"]


def _capture_sts(self, canonical_request, t):
    _captured["string_to_sign"] = _orig_sts(self, canonical_request, t)
    return _captured["string_to_sign"]


Signer._process_canonical_request = _capture_cr
Signer._process_string_to_sign = _capture_sts


def official(case):
    headers = {}
    for k, v in case["headers"]:
        headers[k] = v
    headers["X-Sdk-Date"] = case["date"]
    request = SdkRequest(
        method=case["method"],
        schema=case["scheme"],
        host=case["host"],
        resource_path=case["path"],
        query_params=[tuple(p) for p in case["query"]],
        header_params=headers,
        body=bytes.fromhex(case["body_hex"]),
    )
    creds = BasicCredentials(case["ak"], case["sk"], case.get("project_id"))
    if case.get("security_token") is not None:
        creds.with_security_token(case["security_token"])
    _captured.clear()
    signed = creds.sign_request(request)

    def unmangle(v):
        # The SDK stores header values as their UTF-8 bytes read as Latin-1.
        try:
            return v.encode("iso-8859-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return v

    return {
        "url": "%s://%s%s" % (case["scheme"], case["host"], signed.uri),
        "headers": {k: unmangle(v) for k, v in signed.header_params.items()},
        "canonical_request": _captured["canonical_request"],
        "string_to_sign": _captured["string_to_sign"],
        "authorization": signed.header_params["Authorization"],
    }


def ours(dcskit, cases):
    lines = []
    for c in cases:
        lines.append(json.dumps({
            "method": c["method"], "url": wire_url(c), "headers": c["headers"], "body_hex": c["body_hex"],
            "ak": c["ak"], "sk": c["sk"], "security_token": c.get("security_token"),
            "project_id": c.get("project_id"), "date": c["date"],
        }))
    out = subprocess.run([dcskit, "sign", "--batch"], input="\n".join(lines) + "\n",
                         capture_output=True, text=True, check=True).stdout
    answers = [json.loads(l) for l in out.splitlines() if l.strip()]
    if len(answers) != len(cases):
        sys.exit("dcskit answered %d lines for %d cases" % (len(answers), len(cases)))
    return answers


FIELDS = ("canonical_request", "string_to_sign", "authorization", "url", "headers")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dcskit", required=True)
    ap.add_argument("--cases", type=int, default=1200)
    ap.add_argument("--seed", type=int, default=20260101)
    ap.add_argument("--dump", help="write the cases as JSON lines here")
    args = ap.parse_args()

    cases = edge_cases()
    cases += random_cases(args.seed, max(0, args.cases - len(cases)))
    if args.dump:
        with open(args.dump, "w") as f:
            for c in cases:
                f.write(json.dumps(c) + "\n")
    answers = ours(args.dcskit, cases)
    passed, failed = 0, 0
    for i, (case, got) in enumerate(zip(cases, answers)):
        want = official(case)
        bad = [f for f in FIELDS if got.get(f) != want[f]]
        if not bad:
            passed += 1
            continue
        failed += 1
        if failed <= 5:
            print("MISMATCH case %d (%s): %s" % (i, case.get("name", "random"), ", ".join(bad)))
            print("  case: %s" % json.dumps(case, ensure_ascii=False)[:600])
            for f in bad:
                print("  %s\n    official: %r\n    dcskit:   %r" % (f, want[f], got.get(f, got.get("error"))))
    print("coverage: " + ", ".join("%s %d" % kv for kv in coverage(cases, answers).items()))
    # Negative control: the comparison must notice a different date.
    control = dict(cases[0], date="20260315T081531Z")
    control_ok = ours(args.dcskit, [control])[0]["string_to_sign"] != official(cases[0])["string_to_sign"]
    print("signing conformance: %d passed, %d failed (%d edge cases, seed %d, negative control %s)"
          % (passed, failed, len(edge_cases()), args.seed, "ok" if control_ok else "FAILED"))
    sys.exit(1 if failed or passed < 1000 or not control_ok else 0)


def coverage(cases, answers):
    """How many cases exercise each edge the issue lists (shows the generator reaches them)."""
    def count(pred):
        return sum(1 for c, a in zip(cases, answers) if pred(c, a))
    keys = lambda c: [k for k, _ in c["query"]]
    return {
        "unsigned-payload": count(lambda c, a: a.get("canonical_request", "").endswith("UNSIGNED-PAYLOAD")),
        "security-token": count(lambda c, a: c.get("security_token") is not None),
        "repeated-query-keys": count(lambda c, a: len(set(keys(c))) < len(keys(c))),
        "empty-query-values": count(lambda c, a: any(v == "" for _, v in c["query"])),
        "underscore-headers": count(lambda c, a: any("_" in k for k, _ in c["headers"])),
        "non-ascii": count(lambda c, a: any(ord(ch) > 127 for ch in json.dumps(c, ensure_ascii=False))),
        "encoded-path": count(lambda c, a: "%" in c["path"]),
        "trailing-slash": count(lambda c, a: c["path"].endswith("/")),
        "body": count(lambda c, a: c["body_hex"] != ""),
        "body>64KiB": count(lambda c, a: len(c["body_hex"]) > 131072),
    }


if __name__ == "__main__":
    main()
