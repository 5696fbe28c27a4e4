"""The error-code table of seed 004 §7.2 as rows of
{status_code, error_code, message, handling}.

Each row of the PDF table starts with "<status> <code> <message...>"; the message,
description and solution cells follow as blank-line separated blocks, and every
page repeats the table header.
"""
import re

import seeds

ROW = re.compile(r"^ ?([1-5]\d\d) (DCS\. ?\d+|\d{9})(?: (.*))?$")
HEADER_LINES = {"Status", "Code", "Error Codes Error", "Message", "Description Solution"}


def _join(lines):
    text = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        # A cell wraps mid-word at a hyphen ("case-" + "insensitive").
        if text.endswith("-") and not text.endswith(" -"):
            text += line
        else:
            text = (text + " " + line) if text else line
    return text


def _blocks(lines):
    blocks, cur = [], []
    for line in lines:
        if line.strip() == "":
            if cur:
                blocks.append(cur)
                cur = []
        else:
            cur.append(line)
    if cur:
        blocks.append(cur)
    return blocks


def section_lines(seed_dir):
    lines = seeds.strip_footers(seeds.read_seed(seed_dir, "004"))
    start = max(i for i, l in enumerate(lines) if l.strip() == "7.2 Error Codes")
    end = next(i for i in range(start, len(lines)) if lines[i].strip() == "7.3 Obtaining a Project ID")
    return lines[start + 1:end]


def extract(seed_dir):
    body = [l for l in section_lines(seed_dir) if l.strip() not in HEADER_LINES]
    rows = []
    cur = None
    for line in body:
        m = ROW.match(line)
        if m:
            cur = {"status": int(m.group(1)), "code": m.group(2).replace(" ", ""),
                   "lines": [m.group(3) or ""]}
            rows.append(cur)
        elif cur is not None:
            cur["lines"].append(line)
    out = []
    for row in rows:
        blocks = [_join(b) for b in _blocks(row["lines"])]
        message = blocks[0] if blocks else ""
        handling = blocks[-1] if len(blocks) >= 3 else ""
        out.append({"status_code": row["status"], "error_code": row["code"],
                    "message": message, "handling": handling})
    # One entry per code; the table lists a few codes twice with the same meaning.
    unique = {}
    for row in out:
        unique.setdefault(row["error_code"], row)
    return sorted(unique.values(), key=lambda r: (r["error_code"].startswith("DCS."), r["error_code"]))
