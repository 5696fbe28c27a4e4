#!/usr/bin/env python3
"""Official-SDK conformance: the same input sent by `huaweicloudsdkdcs` and by `dcskit api`
to a recording server on 127.0.0.1 must produce the same request.

For every operation the official SDK has (its `DcsClient` methods), compares method,
percent-encoded path, query string, body JSON, the list of signed headers and their values
(X-Sdk-Date aside), and verifies both Authorization signatures with the official signer.

    python conformance.py --dcskit target/release/dcskit [--only ListInstances] [-v]

Prints "N passed, M failed" and exits 1 when anything failed.
"""
import argparse
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from huaweicloudsdkdcs.v2 import DcsClient
import huaweicloudsdkdcs.v2.model as sdk_models

AK, SK, PROJECT = "AKCONFORMANCE", "SKCONFORMANCE", "proj-42"


class Recorder:
    """Records every request; answers 200 `{}`."""

    def __init__(self):
        self.requests = []
        rec = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                rec.requests.append({"method": self.command, "target": self.path,
                                     "headers": [(k, v) for k, v in self.headers.items()], "body": body})
                out = b"{}"
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # a client closing a kept-alive connection is not a finding

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def take(self):
        out, self.requests = self.requests, []
        return out


def sdk_client(url):
    config = HttpConfig.get_default_config()
    config.ignore_ssl_verification = True
    config.timeout = (5, 10)
    return (DcsClient.new_builder().with_http_config(config)
            .with_credentials(BasicCredentials(AK, SK, PROJECT)).with_endpoints([url]).build())


def sdk_only(name, data):
    """Drops the input keys the official request class does not have (the documentation
    names a few parameters the SDK lacks); returns the input both sides send and the dropped keys."""
    req = getattr(sdk_models, name + "Request")()
    wires = set(req.attribute_map.values())
    kept = {k: v for k, v in data.items() if k in wires}
    return kept, sorted(set(data) - set(kept))


def sdk_send(client, name, snake, data):
    """Builds the official request object from dcskit-style input and calls the SDK."""
    req = getattr(sdk_models, name + "Request")()
    by_wire = {wire: attr for attr, wire in req.attribute_map.items()}
    for key, value in data.items():
        setattr(req, by_wire[key], value)
    try:
        getattr(client, snake)(req)
    except Exception as e:  # the recorder's `{}` may not satisfy the response model
        if "Connection" in type(e).__name__:
            raise


def dcskit_send(binary, url, name, data):
    env = dict(os.environ, CLOUD_SDK_AK=AK, CLOUD_SDK_SK=SK)
    env.pop("CLOUD_SDK_SECURITY_TOKEN", None)
    p = subprocess.run([binary, "api", name, "--input", json.dumps(data), "--endpoint", url,
                        "--project-id", PROJECT], env=env, capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError("dcskit api %s failed (%d): %s" % (name, p.returncode, p.stderr.strip()))


def sample(binary, name):
    p = subprocess.run([binary, "api", name, "--sample"], capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError("dcskit api %s --sample: %s" % (name, p.stderr.strip()))
    return json.loads(p.stdout)


def parse_auth(value):
    algo, _, rest = value.partition(" ")
    fields = dict(part.strip().split("=", 1) for part in rest.split(","))
    return algo, fields


def verify_signature(r, host):
    """Recomputes the Authorization of a recorded request with the official signer."""
    headers = {k.lower(): v for k, v in r["headers"]}
    algo, fields = parse_auth(headers.get("authorization", ""))
    signed = fields.get("SignedHeaders", "").split(";")
    path, _, query = r["target"].partition("?")
    qp = []
    for kv in filter(None, query.split("&")):
        k, _, v = kv.partition("=")
        qp.append((unquote(k), unquote(v)))
    req = SdkRequest(method=r["method"], schema="http", host=host, resource_path=path, query_params=qp,
                     header_params={k: headers[k] for k in signed if k in headers}, body=r["body"] or None)
    signer = Signer(BasicCredentials(AK, SK, PROJECT))
    signer.sign(req)
    want = req.header_params["Authorization"]
    return algo == "SDK-HMAC-SHA256" and want == headers.get("authorization"), want


def compare(sdk, ours, host):
    problems = []
    if sdk["method"] != ours["method"]:
        problems.append("method: sdk %s, dcskit %s" % (sdk["method"], ours["method"]))
    sp, _, sq = sdk["target"].partition("?")
    op, _, oq = ours["target"].partition("?")
    if sp != op:
        problems.append("path: sdk %s, dcskit %s" % (sp, op))
    if sq != oq:
        problems.append("query: sdk %r, dcskit %r" % (sq, oq))
    sb = json.loads(sdk["body"]) if sdk["body"] else None
    ob = json.loads(ours["body"]) if ours["body"] else None
    if sb != ob:
        problems.append("body: sdk %s, dcskit %s" % (json.dumps(sb)[:300], json.dumps(ob)[:300]))
    sh = {k.lower(): v for k, v in sdk["headers"]}
    oh = {k.lower(): v for k, v in ours["headers"]}
    # User-Agent names the client (it cannot be identical); the official SDK happens to sign
    # it. Both signatures are verified below, so leaving it out of the comparison is safe.
    s_signed = [h for h in parse_auth(sh.get("authorization", ""))[1].get("SignedHeaders", "").split(";") if h != "user-agent"]
    o_signed = [h for h in parse_auth(oh.get("authorization", ""))[1].get("SignedHeaders", "").split(";") if h != "user-agent"]
    if s_signed != o_signed:
        problems.append("signed headers: sdk %s, dcskit %s" % (";".join(s_signed), ";".join(o_signed)))
    for h in s_signed:
        if h and h != "x-sdk-date" and sh.get(h) != oh.get(h):
            problems.append("header %s: sdk %r, dcskit %r" % (h, sh.get(h), oh.get(h)))
    for who, r in (("sdk", sdk), ("dcskit", ours)):
        ok, want = verify_signature(r, host)
        if not ok:
            problems.append("%s signature does not verify (expected %s)" % (who, want))
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dcskit", required=True)
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--tamper", action="store_true",
                    help="negative control: alter dcskit's recorded requests; every comparison must fail")
    args = ap.parse_args()

    ops = json.loads(subprocess.run([args.dcskit, "api", "--list"], capture_output=True, text=True,
                                    check=True).stdout)
    names = {o["name"] for o in ops}
    rec = Recorder()
    host = rec.url.split("://", 1)[1]
    client = sdk_client(rec.url)
    sdk_ops = sorted(n[: -len("_http_info")].lstrip("_") for n in dir(DcsClient)
                     if n.startswith("_") and n.endswith("_http_info"))
    passed, failed, missing, sdk_lacks = 0, [], [], []
    for snake in sdk_ops:
        name = "".join(p[:1].upper() + p[1:] for p in snake.split("_"))
        # The SDK's names follow its classes: find the class whose snake form matches.
        cls = next((c for c in dir(sdk_models) if c.endswith("Request") and
                    _snake(c[: -len("Request")]) == snake), None)
        name = cls[: -len("Request")] if cls else name
        if args.only and name not in args.only:
            continue
        if name not in names:
            missing.append(name)
            continue
        try:
            data, dropped = sdk_only(name, sample(args.dcskit, name))
            if dropped:
                sdk_lacks.append("%s.%s" % (name, "/".join(dropped)))
            sdk_send(client, name, snake, data)
            sdk_reqs = rec.take()
            dcskit_send(args.dcskit, rec.url, name, data)
            our_reqs = rec.take()
            if len(sdk_reqs) != 1 or len(our_reqs) != 1:
                raise RuntimeError("expected one request each, got sdk %d, dcskit %d" % (len(sdk_reqs), len(our_reqs)))
            ours = our_reqs[0]
            if args.tamper:
                ours = dict(ours, target=ours["target"] + ("&" if "?" in ours["target"] else "?") + "tampered=1")
            problems = compare(sdk_reqs[0], ours, host)
        except Exception as e:
            rec.take()
            problems = ["%s: %s" % (type(e).__name__, e)]
        if problems:
            failed.append((name, problems))
        else:
            passed += 1
            if args.verbose:
                print("ok   %s" % name)
    for name, problems in failed:
        print("FAIL %s" % name)
        for p in problems:
            print("     %s" % p)
    if missing:
        print("not in the dcskit spec: %s" % ", ".join(missing))
    if sdk_lacks:
        print("documented parameters the SDK lacks (not sent by either side): %s" % ", ".join(sdk_lacks))
    print("compared: method, path, query, body JSON, signed headers (user-agent aside) and values; "
          "both signatures verified with the official signer")
    total = passed + len(failed) + len(missing)
    print("official SDK operations: %d; compared: %d" % (len(sdk_ops), passed + len(failed)))
    print("%d passed, %d failed" % (passed, len(failed) + len(missing)))
    rec.server.shutdown()
    return 0 if not failed and not missing and total == len(sdk_ops) else 1


def _snake(name):
    import re
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    return s.lower()


if __name__ == "__main__":
    sys.exit(main())
