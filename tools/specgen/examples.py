"""Example requests and responses of one API section.

Examples are JSON blocks that start a line with "{" or "[". The PDF wraps long
lines, sometimes inside a string literal; a newline inside a string is dropped
before parsing. Blocks that still do not parse are counted but not used.
"""
import json
import re

STATUS_LINE = re.compile(r"^(?:Status code|状态码) ?[:：] ?(\d{3})")
REQUEST_MARKERS = ("Example Requests", "Example Request", "Example request", "Request example", "请求示例")
RESPONSE_MARKERS = ("Example Responses", "Example Response", "Example response", "Response example", "响应示例")
END_MARKERS = ("SDK Sample Code", "Status Codes", "Status Code", "Error Codes", "SDK代码示例", "状态码", "错误码")
BULLET = re.compile(r"^\s*[•●]\s*")


def scan_block(lines, start):
    """(text, end_index) of the bracket-balanced block opening at lines[start]."""
    depth = 0
    in_str = False
    escape = False
    parts = []
    for i in range(start, len(lines)):
        line = lines[i]
        if i == start:
            line = BULLET.sub("", line).lstrip()
        buf = []
        for ch in line:
            buf.append(ch)
            if in_str:
                if escape:
                    escape = False
                elif ch == "\\":
                    escape = True
                elif ch == '"':
                    in_str = False
                continue
            if ch == '"':
                in_str = True
            elif ch in "{[":
                depth += 1
            elif ch in "}]":
                depth -= 1
                if depth == 0:
                    parts.append("".join(buf))
                    return "".join(parts), i
        # A line break inside a string literal is a PDF wrap, not content.
        parts.append("".join(buf) + ("" if in_str else "\n"))
    return "".join(parts), len(lines) - 1


def parse_json(text):
    try:
        return json.loads(text), True
    except ValueError:
        return None, False


class Examples:
    def __init__(self, lines):
        self.requests = []      # parsed JSON bodies
        self.responses = {}     # status -> [parsed JSON]
        self.invalid = []       # (part, raw text) of blocks that are not JSON
        self.urls = []          # "METHOD https://..." lines of the example requests
        self._parse(lines)

    def _parse(self, lines):
        part = None
        status = None
        i = 0
        n = len(lines)
        while i < n:
            s = BULLET.sub("", lines[i]).strip()
            if s.startswith(REQUEST_MARKERS):
                part, status = "request", None
            elif s.startswith(RESPONSE_MARKERS):
                part, status = "response", None
            elif s in END_MARKERS or s.startswith(("SDK Sample Code", "SDK代码示例")):
                part = None
            elif part is not None:
                m = STATUS_LINE.match(s)
                u = re.match(r"^(GET|POST|PUT|DELETE|PATCH) (https?://\S+)$", s)
                if m:
                    status = int(m.group(1))
                elif u and part == "request":
                    url = u.group(2)
                    # A long URL wraps onto following lines that hold no spaces.
                    j = i + 1
                    while j < n and lines[j].strip() and " " not in lines[j].strip() and \
                            not lines[j].strip().startswith("[") and (url.endswith(("?", "&", "=", "/", "_"))
                                                                     or lines[j].strip()[0] in "&=_{"):
                        url += lines[j].strip()
                        j += 1
                    if f"{u.group(1)} {url}" not in self.urls:
                        self.urls.append(f"{u.group(1)} {url}")
                elif s.startswith(("{", "[")) and (s in ("{", "[") or re.match(r'^[\[{]\s*["{\[\]}]', s)):
                    text, end = scan_block(lines, i)
                    value, ok = parse_json(text)
                    if ok:
                        if part == "request":
                            self.requests.append(value)
                        else:
                            self.responses.setdefault(status, []).append(value)
                    else:
                        self.invalid.append((part, status, text))
                    i = end
            i += 1

    def count(self):
        return len(self.requests) + sum(len(v) for v in self.responses.values())
