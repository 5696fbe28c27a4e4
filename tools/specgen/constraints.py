"""Facts read out of a parameter's description cell: bounds, default, allowed values.

Only patterns that state a fact plainly are used: the generated "Minimum: N",
"Maximum: N", "Default: X" lines, "Enumeration values:" bullet lists, "Options:"
bullet lists of bare values, and the common range sentences ("The value ranges from
1 to 7", "The minimum value is 1", "maximum value is 1000").
"""
import re

NUM = r"-?\d+(?:\.\d+)?"
BULLET = re.compile(r"^[●•\-] ?(.*)$")


def _num(text):
    return float(text) if "." in text else int(text)


def _bullets_after(lines, header_pred):
    """Bullet items that follow the first line matching header_pred."""
    out = []
    started = False
    for line in lines:
        s = line.strip()
        if not started:
            if header_pred(s):
                started = True
                tail = s.split(":", 1)[1].strip() if ":" in s else ""
                if tail:
                    m = BULLET.match(tail)
                    if m:
                        out.append(m.group(1))
            continue
        m = BULLET.match(s)
        if m:
            out.append(m.group(1))
        elif out and s and not s.endswith(":"):
            # A wrapped bullet continues on the next line; keep the key only.
            continue
        elif not out and s:
            break
        else:
            if out:
                break
    return out


def enumeration(lines):
    items = _bullets_after(lines, lambda s: s.startswith("Enumeration values"))
    vals = [i.strip() for i in items if i.strip()]
    if vals and all(re.match(r"^[\w.:/+-]+$", v) for v in vals):
        return vals
    return None


def options(lines):
    """Bare values of an 'Options:' list (● value: meaning); None unless all are clean."""
    items = _bullets_after(lines, lambda s: re.match(r"^(Options|Value range|Values?):", s) is not None
                           or s.endswith("Options:"))
    keys = []
    for item in items:
        key = item.split(":", 1)[0].strip() if ":" in item else item.strip().rstrip(".;,")
        if not re.match(r"^[A-Za-z0-9_.-]+$", key):
            return None
        keys.append(key)
    return keys or None


LABELS = ("Definition:", "Constraints:", "Range:", "Value range:", "Default Value:", "Parameter description:",
          "参数解释", "约束限制", "取值范围", "默认取值")
RANGE_LABELS = ("Range:", "Value range:", "取值范围")


def range_values(lines):
    """Values listed under a web page's "Range:" label ("waiting: ...", "• waiting")."""
    items = []
    started = False
    for line in lines:
        s = line.strip()
        label = next((l for l in LABELS if s.startswith(l)), None)
        if label is not None:
            if started:
                break
            if label in RANGE_LABELS:
                started = True
                s = s[len(label):].strip()
                if not s:
                    continue
            else:
                continue
        if not started or not s:
            continue
        for piece in re.split(r"\s*[•●]\s*", s):
            piece = piece.strip()
            if not piece:
                continue
            key = re.split(r"[:：]", piece, 1)[0].strip().rstrip(".。")
            items.append(key)
    if items and all(re.match(r"^[A-Za-z][\w.-]*$", k) for k in items) and "N/A" not in items:
        return items
    return None


def bounds(text, kind):
    """(minimum, maximum) stated for the value (numbers) or length (strings).

    When the text states a bound twice with different numbers, the looser one is
    kept: a validator must never refuse a value the service accepts.
    """
    los, his = [], []
    for m in re.finditer(r"(?:^|\s)Minimum(?: value)?: (" + NUM + r")\b", text):
        los.append(_num(m.group(1)))
    for m in re.finditer(r"(?:^|\s)Maximum(?: value)?: (" + NUM + r")\b", text):
        his.append(_num(m.group(1)))
    if kind in ("integer", "number"):
        for pat in (r"[Tt]he (?:minimum )?value ranges from (" + NUM + r") to (" + NUM + r")\b",
                    r"\bValue range: (" + NUM + r") ?(?:to|-|–) ?(" + NUM + r")\b",
                    r"\branges? from (" + NUM + r") to (" + NUM + r")\b"):
            for m in re.finditer(pat, text):
                los.append(_num(m.group(1)))
                his.append(_num(m.group(2)))
        for pat in (r"[Tt]he minimum value is (" + NUM + r")\b", r"greater than or equal to (" + NUM + r")\b",
                    r"no less than (" + NUM + r")\b", r"cannot be lower than (" + NUM + r")\b", r"大于等于 ?(" + NUM + r")", r"≥ ?(" + NUM + r")"):
            for m in re.finditer(pat, text):
                los.append(_num(m.group(1)))
        for m in re.finditer(r"[Tt]he maximum value is (" + NUM + r")\b", text):
            his.append(_num(m.group(1)))
    return (min(los) if los else None), (max(his) if his else None)


def default(text, kind):
    m = re.search(r"(?:^|\s)Default: (\S+)", text)
    if not m and kind in ("integer", "number", "boolean"):
        m = re.search(r"[Tt]he default value is (\S+?)[.,]?(?:\s|$)", text) or \
            re.search(r"\bDefault value: (\S+?)[.,]?(?:\s|$)", text) or \
            re.search(r"not specified, (\d+) (?:records|items) are displayed", text) or \
            re.search(r"(?:Default Value:|默认取值) (\S+)", text)
    if not m:
        return None
    raw = m.group(1).rstrip(".,;")
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw.lower())
    if kind in ("integer", "number"):
        try:
            return _num(raw)
        except ValueError:
            return None
    if kind == "string":
        return raw
    return None


def facts(lines, kind, request_side):
    """Schema keywords for one field. `kind` is the JSON schema type."""
    text = " ".join(l.strip() for l in lines)
    out = {}
    lo, hi = bounds(text, kind)
    if kind == "string":
        if lo is not None and isinstance(lo, int) and lo >= 0:
            out["minLength"] = lo
        if hi is not None and isinstance(hi, int) and hi > 0:
            out["maxLength"] = hi
    elif kind in ("integer", "number"):
        if lo is not None:
            out["minimum"] = lo
        if hi is not None and (lo is None or hi >= lo):
            out["maximum"] = hi
    d = default(text, kind)
    if d is not None:
        out["default"] = d
    if kind == "string":
        vals = enumeration(lines) or range_values(lines)
        if vals is None and request_side:
            vals = options(lines)
        if vals:
            if request_side:
                out["enum"] = vals
            else:
                out["x-dcskit-values"] = vals
    elif kind == "integer":
        vals = enumeration(lines)
        if vals and all(re.match(r"^-?\d+$", v) for v in vals):
            out["enum" if request_side else "x-dcskit-values"] = [int(v) for v in vals]
    return out
