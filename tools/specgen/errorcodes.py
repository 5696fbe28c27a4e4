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


# The docs' handling advice, restated briefly in our own words (keyed by a normalized
# form of the documented advice). An unknown advice falls back to a hint by status class.
HINTS = {
    "check whether the request parameters are valid": "Fix the request parameters.",
    "contact technical support": "Ask Huawei Cloud support.",
    "try again later or contact technical support": "Retry later; if it persists, ask support.",
    "operation not allowed": "Not allowed in the current state.",
    "try again later": "Retry later.",
    "check whether dhcp has been enabled": "Enable DHCP on the subnet.",
    "select another az or contact technical support": "Pick another AZ, or ask support.",
    "process unpaid orders before continuing": "Settle pending orders first.",
    "reset the instance password": "Reset the password.",
    "if you want to stop using instances billed on a yearly/ monthly basis, unsubscribe from them":
        "Unsubscribe yearly/monthly instances instead of deleting them.",
    "check whether the account has the required operation permissions": "Grant the account the needed permission.",
    "please change the user-defined domain name and try again": "Use a different custom domain name.",
    "please release the existing histoical domain names": "Release old domain names first.",
    "check whether the customized domain name parameters are valid": "Fix the custom domain name parameters.",
    "client ip pass-through is being enabled or disabled": "Wait for the client IP pass-through change to finish.",
    "client ip pass-through is not enabled": "Enable client IP pass-through first.",
    "public domain name resolution is not enabled": "Enable public domain name resolution first.",
    "domain name resolution is disabled": "Enable domain name resolution first.",
    "the instance version does not support client ip pass-through":
        "This instance version lacks client IP pass-through.",
    "client ip pass-through is disabled": "Client IP pass-through is already off.",
    "client ip pass-through is enabled": "Client IP pass-through is already on.",
    "only tasks in the successful state support this operation": "Only succeeded tasks allow this.",
    "the domain name has already been updated": "Nothing to do: the domain name is already updated.",
    "domain name optimization is not enabled": "Enable domain name optimization first.",
}
PREFIX_HINTS = {
    "check whether the request parameters are valid. example of the iso utc format":
        "Fix the request parameters (times in ISO 8601 UTC, e.g. 2021-08-18T07:33:00.000Z).",
    "check the quantity of ip addresses in the subnet": "Free IP addresses in the subnet or use a larger subnet.",
}


def hint(advice, status):
    key = re.sub(r"\s+", " ", advice).strip().rstrip(".").lower()
    if key in HINTS:
        return HINTS[key]
    for prefix, text in PREFIX_HINTS.items():
        if key.startswith(prefix):
            return text
    return "Fix the request." if status < 500 else "Retry later; if it persists, ask support."


def _split_run_on(text):
    """A row whose cells were not separated: "<msg> <msg again> <advice>"."""
    words = text.split(" ")
    for n in range(len(words) // 2, 0, -1):
        if words[:n] == words[n:2 * n]:
            return " ".join(words[:n]), " ".join(words[2 * n:])
    return text, ""


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
        advice = blocks[-1] if len(blocks) >= 3 else ""
        if len(blocks) == 1:
            message, advice = _split_run_on(message)
        out.append({"status_code": row["status"], "error_code": row["code"],
                    "message": message, "handling": hint(advice, row["status"])})
    # One entry per code; the table lists a few codes twice with the same meaning.
    unique = {}
    for row in out:
        unique.setdefault(row["error_code"], row)
    return sorted(unique.values(), key=lambda r: (r["error_code"].startswith("DCS."), r["error_code"]))
