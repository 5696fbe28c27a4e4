"""Request cases for the signing conformance test.

A case holds what the official signer takes (raw path as sent, decoded query pairs, headers as
[name, value] pairs, body as hex) and `query_wire`, the same query as it appears in a URL,
encoded in one of several legitimate ways so dcskit's URL parsing is exercised too.
"""

import json
import random
import re
import zlib
from urllib.parse import quote

DATE = "20260315T081530Z"
HOSTS = ["dcs.cn-north-4.myhuaweicloud.com", "127.0.0.1:8080", "dcs.ap-southeast-1.myhuaweicloud.com:443",
         "[::1]:9000", "localhost"]
PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
INSTANCE = "3c49a0c5-7f3e-4b4f-8f21-9b1e0a6c2d11"

SEGMENTS = ["v2", PROJECT, "instances", INSTANCE, "backups", "a b", "~user", "é", "中文", "a/b", "x:y@z",
            "!$&'()*+,;=", "100%", "%41", "..", ".", "", "key~with.dots-and_under", "emoji😀", "tab\tin",
            "q?uery", "h#ash", "plus+sign", "MiXeD", "0"]
KEYS = ["offset", "limit", "name", "status", "id", "include_failure", "Start", "a", "b", "key with space",
        "ünï", "k~", "k=eq", "k&amp", "", "list[]", "a+b", "%41"]
VALUES = ["0", "10", "1000", "", "a b", "x+y", "a=b&c=d", "~tilde", "%2520", "中文", "é", "true", "FALSE",
          "RUNNING", "redis.ha", "slash/and?q", "#frag", "  spaced  ", "😀", "*", "a,b,c"]
HEADER_NAMES = ["X-Custom", "x-lower", "X-UPPER-CASE", "X-CuStOm-MiX", "X_Underscore", "x_trace_id", "Accept",
                "User-Agent", "X-Request-Id", "If-Match", "X-Language", "X-Empty", "Content-Language"]
HEADER_VALUES = ["v", "  padded value  ", "tab\tinside", "", "é-accent", "中文值", "a:b:c", "application/json",
                 "x\u00a0nbsp\u00a0", "\u3000ideographic\u3000", "quote\"s", "semi;colon", "12345"]
CONTENT_TYPES = [None, "application/json", "application/json;charset=UTF-8", "application/bson", "text/plain",
                 "application/octet-stream", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                 "", " application/json", "APPLICATION/JSON"]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "get", "post"]


def encode_path_segment(rng, seg):
    """The segment as it may appear in a wire path."""
    mode = rng.random()
    if mode < 0.45:
        return quote(seg, safe="")
    if mode < 0.8:
        return quote(seg, safe="!$&'()*+,;=:@~")
    # Raw where a URL allows it: keep non-ASCII and reserved characters, escape the rest.
    out = []
    for ch in seg:
        if ch in " ?#\t%" or ord(ch) < 0x20:
            out.append(quote(ch, safe=""))
        else:
            out.append(ch)
    return "".join(out)


def encode_query_part(rng, s):
    mode = rng.random()
    if mode < 0.5:
        return quote(s, safe="")
    if mode < 0.75:
        return quote(s, safe="~!$'()*,;:@/?")
    if mode < 0.9:
        # lower-case hex digits
        return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote(s, safe=""))
    # raw non-ASCII kept, only the structural characters escaped
    return "".join(quote(ch, safe="") if ch in "&=#%+ \t" or ord(ch) < 0x20 else ch for ch in s)


def query_wire(rng, pairs):
    parts = []
    for k, v in pairs:
        ek = encode_query_part(rng, k)
        if v == "" and rng.random() < 0.5:
            parts.append(ek)
        else:
            parts.append(ek + "=" + encode_query_part(rng, v))
    return "&".join(parts)


def wire_url(case):
    url = "%s://%s%s" % (case["scheme"], case["host"], case["path"])
    if case.get("query_wire"):
        url += "?" + case["query_wire"]
    return url


def make(name=None, method="GET", scheme="https", host=HOSTS[0], path="/v2/%s/instances" % PROJECT, query=(),
         query_raw=None, headers=(), body=b"", ak="HPUAEXAMPLEAK12345", sk="exampleSecretKey0123456789abcdef",
         project_id=PROJECT, security_token=None, rng=None):
    rng = rng or random.Random(zlib.crc32((name or "").encode()))
    query = [list(p) for p in query]
    return {
        "name": name, "method": method, "scheme": scheme, "host": host, "path": path, "query": query,
        "query_wire": query_raw if query_raw is not None else query_wire(rng, query),
        "headers": [list(h) for h in headers], "body_hex": body.hex(), "ak": ak, "sk": sk,
        "project_id": project_id, "security_token": security_token, "date": DATE,
    }


JSON_CT = [("Content-Type", "application/json")]


def edge_cases():
    big = json.dumps({"items": [{"k": "v%d" % i, "中": "文"} for i in range(20000)]}, ensure_ascii=False).encode()
    r = random.Random(5)
    return [
        make("list instances", query=[("offset", "0"), ("limit", "10"), ("name", "dcs-a")], headers=JSON_CT),
        make("create instance", method="POST", headers=JSON_CT,
             body=json.dumps({"name": "dcs-demo", "engine": "Redis", "capacity": 2}).encode()),
        make("no query no headers"),
        make("root path", path="/"),
        make("trailing slash", path="/v2/%s/instances/" % PROJECT),
        make("double slash", path="/v2//instances//"),
        make("encoded slash", path="/v2/a%2Fb/c"),
        make("unicode raw path", path="/v2/中文/é"),
        make("unicode encoded path", path="/v2/%E4%B8%AD%E6%96%87/%C3%A9"),
        make("space in path", path="/v2/a%20b/c%20"),
        make("tilde raw and encoded", path="/v2/~a/%7Eb", query=[("t", "~")], query_raw="t=%7E"),
        make("reserved in path", path="/v2/!$&'()*+,;=:@/x"),
        make("percent not hex", path="/v2/100%zz/%4", query=[("p", "%zz")], query_raw="p=%zz"),
        make("double encoded", path="/v2/a%2520b", query=[("v", "%20")], query_raw="v=%2520"),
        make("repeated keys", query=[("a", "2"), ("a", "1"), ("a", "1"), ("b", "")], query_raw="a=2&a=1&a=1&b"),
        make("empty values", query=[("a", ""), ("b", ""), ("c", "x")], query_raw="a=&b&c=x"),
        make("empty pieces in query", query=[], query_raw="&&"),
        make("plus in query", query=[("q", "a+b")], query_raw="q=a%2Bb"),
        make("literal plus in query", query=[("q", "a+b")], query_raw="q=a+b"),
        make("eq and amp in value", query=[("f", "a=b&c")], query_raw="f=a%3Db%26c"),
        make("unicode query", query=[("ünï", "中文"), ("e", "é")], query_raw="%C3%BCn%C3%AF=%E4%B8%AD%E6%96%87&e=é"),
        make("key sort by raw not encoded", query=[("a b", "1"), ("a!", "2"), ("a~", "3"), ("aB", "4")],
             rng=r),
        make("mixed case headers", headers=[("X-CuStOm", "1"), ("x-lower", "2"), ("X-UPPER", "3")]),
        make("underscore headers unsigned", headers=[("X_Trace_Id", "abc"), ("x_b", "c"), ("X-Ok", "d")]),
        make("padded header values", headers=[("X-A", "  v  "), ("X-B", "\tt\t"), ("X-C", "")]),
        make("repeated header name", headers=[("X-A", "1"), ("X-B", "2"), ("X-A", "3")]),
        make("case-duplicate header", headers=[("X-A", "1"), ("x-a", "2")]),
        make("lowercase content-type is not checked", method="PUT", headers=[("content-type", "text/plain")],
             body=b"plain body"),
        make("text/plain body unsigned", method="PUT", headers=[("Content-Type", "text/plain")], body=b"hi"),
        make("text/plain empty body", method="PUT", headers=[("Content-Type", "text/plain")]),
        make("bson body signed", method="POST", headers=[("Content-Type", "application/bson")], body=b"\x05\x00\x00\x00\x00"),
        make("octet-stream binary", method="PUT", headers=[("Content-Type", "application/octet-stream")],
             body=bytes(range(256))),
        make("binary with json type", method="POST", headers=JSON_CT, body=bytes(range(255, -1, -1))),
        make("json charset", method="POST", headers=[("Content-Type", "application/json;charset=UTF-8")],
             body=b'{"a":"\xc3\xa9"}'),
        make("large json body", method="POST", headers=JSON_CT, body=big),
        make("explicit payload header", method="POST", headers=[("X-Sdk-Content-Sha256", "abc123")], body=b"x"),
        make("security token", security_token="tok" + "x" * 300, headers=JSON_CT),
        make("token and unsigned", method="POST", security_token="t", headers=[("Content-Type", "text/xml")],
             body=b"<a/>"),
        make("no project id", project_id=None),
        make("user host header", headers=[("Host", "override.example.com:8443")]),
        make("lowercase host header", headers=[("host", "lower.example.com")]),
        make("lowercase method", method="delete", path="/v2/%s/instances/%s" % (PROJECT, INSTANCE)),
        make("http and port", scheme="http", host="127.0.0.1:8080"),
        make("ipv6 host", host="[::1]:9000"),
        make("unicode secret key", sk="sécret-中文"),
        make("unicode header value", headers=[("X-Desc", "中文 é")]),
    ]


def random_case(rng, i):
    nseg = rng.randint(0, 6)
    path = "/" + "/".join(encode_path_segment(rng, rng.choice(SEGMENTS)) for _ in range(nseg))
    if rng.random() < 0.2:
        path += "/"
    query = [(rng.choice(KEYS), rng.choice(VALUES)) for _ in range(rng.randint(0, 6))]
    query = [(k, v) for k, v in query if k or v]
    headers = []
    ct = rng.choice(CONTENT_TYPES)
    if ct is not None:
        headers.append(("Content-Type" if rng.random() < 0.85 else "content-type", ct))
    for _ in range(rng.randint(0, 4)):
        headers.append((rng.choice(HEADER_NAMES), rng.choice(HEADER_VALUES)))
    rng.shuffle(headers)
    kind = rng.random()
    if kind < 0.35:
        body = b""
    elif kind < 0.7:
        body = json.dumps({"k%d" % j: rng.choice(VALUES) for j in range(rng.randint(1, 30))}, ensure_ascii=rng.random() < 0.5).encode()
    elif kind < 0.95:
        body = rng.randbytes(rng.randint(1, 4096))
    else:
        body = rng.randbytes(rng.randint(100_000, 300_000))
    sk = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(40))
    return make(
        name=None, method=rng.choice(METHODS), scheme=rng.choice(["https", "http"]), host=rng.choice(HOSTS),
        path=path, query=query, headers=headers, body=body,
        ak="AK" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(18)), sk=sk,
        project_id=rng.choice([PROJECT, None, "p" + str(i)]),
        security_token=("st-" + "".join(rng.choice("abcdef0123456789+/=") for _ in range(rng.randint(1, 200)))
                        if rng.random() < 0.3 else None),
        rng=rng,
    )


def random_cases(seed, n):
    rng = random.Random(seed)
    return [random_case(rng, i) for i in range(n)]
