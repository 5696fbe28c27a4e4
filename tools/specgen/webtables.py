"""Parameter tables of the single-page seeds (000-003): web pages where each table
cell is its own paragraph. English and Chinese pages share the layout.
"""
import re

from tables import Row, Table, normalize_type

TITLE = re.compile(r"^(?:Table|表) ?(\d+) ?(.*)$")
STATUS = re.compile(r"^(?:Status code|状态码) ?[:：] ?(\d{3})")
HEADERS = {"Parameter", "Mandatory", "Type", "Description", "参数", "是否必选", "参数类型", "描述"}
TYPE = re.compile(r"^(String|Integer|Long|Boolean|Float|Double|Number|Object|Array of .+|\w+ objects?|"
                  r"Map<.*>)$")
NAME = re.compile(r"^[a-z_][A-Za-z0-9_]*$")
PARTS = {
    "Request Parameters": "request", "请求参数": "request",
    "Response Parameters": "response", "响应参数": "response",
    "Example Requests": "Example Requests", "请求示例": "Example Requests",
    "Example Responses": "Example Responses", "响应示例": "Example Responses",
    "SDK Sample Code": "SDK Sample Code", "SDK代码示例": "SDK Sample Code",
    "Status Codes": "Status Codes", "状态码": "Status Codes",
}
MANDATORY = {"Yes": True, "No": False, "是": True, "否": False}


def paragraphs(lines):
    return [l.strip() for l in lines if l.strip()]


def parse(lines):
    paras = paragraphs(lines)
    tables = []
    part = "head"
    status = None
    table = None
    i = 0
    while i < len(paras):
        p = paras[i]
        m = TITLE.match(p)
        if m and not p.startswith("Table of"):
            table = Table(m.group(1), m.group(2).strip(), part, status)
            tables.append(table)
            i += 1
            continue
        m = STATUS.match(p)
        if m:
            status = int(m.group(1))
            table = None
            i += 1
            continue
        if p in PARTS:
            part = PARTS[p]
            table = None
            i += 1
            continue
        if table is None or p in HEADERS:
            i += 1
            continue
        row = _row_at(paras, i)
        if row is not None:
            row_obj, consumed = row
            if row_obj.required is not None:
                table.has_mandatory = True
            table.rows.append(row_obj)
            i += consumed
            continue
        if table.rows:
            table.rows[-1].desc_lines.append(p)
        i += 1
    return tables


def _row_at(paras, i):
    """A row is NAME [Yes|No] TYPE; returns (Row, paragraphs consumed) or None."""
    if not NAME.match(paras[i]) or i + 1 >= len(paras):
        return None
    j = i + 1
    required = None
    if paras[j] in MANDATORY:
        required = MANDATORY[paras[j]]
        j += 1
    if j >= len(paras) or not TYPE.match(paras[j]):
        return None
    return Row(paras[i], required, normalize_type(paras[j]), ""), j - i + 1
