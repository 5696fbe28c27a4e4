"""Parameter tables of one API section, parsed from the PDF text of seed 004.

A table is "Table 5-17 InstanceListInfo" + a header line + rows. A row starts with
"<name> [Yes|No] <Type> <description...>", but the name cell may wrap mid-word onto
lines of its own ("include_failur" / "e", then a blank line, then "No String ..."),
and so may the type cell ("Array of" / "InstanceListI" / "nfo objects"). Pages
repeat the header line. Out-of-date (ch. 8) tables put the type before "Mandatory".
"""
import re

PRIMITIVE_TYPES = ("String", "Integer", "Long", "Boolean", "Float", "Double", "Number",
                   "Object", "JSON", "Array", "Map", "BigDecimal", "Int")
NOT_NAMES = {"a", "an", "the", "or", "and", "to", "of", "in", "is", "if", "for", "by", "on", "be"}
HEADER_WORDS = {"Parameter", "Mandatory", "Type", "Description", "Mandat", "ory", "Man", "dator",
                "Mand", "atory", "Mandat", "datory", "dato", "ry", "y", "Value", "Status", "Code"}
IDENT_FRAGMENT = re.compile(r"^[A-Za-z0-9_.\[\]-]+$")
NAME = re.compile(r"^\[items\]$|^[a-z_][A-Za-z0-9_.\[\]-]*[A-Za-z0-9_\]]$|^[a-z]$|^[A-Z][A-Za-z0-9]*_[A-Za-z0-9_]*$|^X-[A-Za-z-]+$")
TABLE_TITLE = re.compile(r"^Table (\d+)-(\d+) (.*)$")
STATUS_LINE = re.compile(r"^Status code: (\d{3})")
MARKERS = ("Request Parameters", "Response Parameters", "Example Requests", "Example Request",
           "Example Responses", "Example Response", "SDK Sample Code", "Status Codes", "Error Codes",
           "Request", "Response", "Example request", "Example response", "Status Code",
           "Request parameters", "Response parameters", "Returned Value", "Returned Values")


class Row:
    def __init__(self, name, required, type_text, first_desc):
        self.name = name
        self.required = required
        self.type_text = type_text
        self.desc_lines = [first_desc] if first_desc else []
        self.type_open = False

    @property
    def description(self):
        return join_cell(self.desc_lines)

    def __repr__(self):
        return f"Row({self.name!r}, {self.required}, {self.type_text!r})"


class Table:
    def __init__(self, number, title, part, status):
        self.number = number
        self.title = title.strip()
        self.part = part
        self.status = status
        self.rows = []
        self.legacy_order = False  # "Parameter Type Mandatory Description"
        self.has_mandatory = False

    def __repr__(self):
        return f"Table({self.number} {self.title!r} part={self.part} status={self.status} rows={len(self.rows)})"


def join_cell(lines):
    """Join wrapped cell lines; a line ending in a hyphen continues the word."""
    text = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if text.endswith("-") and not text.endswith(" -") and line[:1].islower():
            text += line
        else:
            text = (text + " " + line) if text else line
    return text


def split_type(rest, known_types):
    """'String Instance name.' -> ('String', 'Instance name.', closed?)."""
    rest = rest.strip()
    m = re.match(r"^Array of (\w+?) ?objects?(?: (.*))?$", rest)
    if m:
        return f"Array of {m.group(1)} objects", m.group(2) or "", True
    m = re.match(r"^Array of (strings|integers|Integer|String|longs|booleans|numbers|floats|doubles)\b ?(.*)$", rest)
    if m:
        return f"Array of {m.group(1)}", m.group(2), True
    if rest in ("Array of",) or rest.startswith("Array of "):
        return rest, "", False
    m = re.match(r"^(Map<[^>]*>?)(?: (.*))?$", rest)
    if m:
        return m.group(1), m.group(2) or "", m.group(1).endswith(">")
    for t in PRIMITIVE_TYPES:
        if rest == t or rest.startswith(t + " "):
            return t, rest[len(t):].strip(), True
    for t in PRIMITIVE_TYPES:
        # The type cell itself wrapped ("Boolea" / "n").
        if len(rest) >= 3 and t.startswith(rest) and rest != t:
            return rest, "", False
    m = re.match(r"^([A-Za-z]\w*) (object|objects)(?: (.*))?$", rest)
    if m and m.group(1) in known_types:
        return m.group(1) + " object", m.group(3) or "", True
    m = re.match(r"^([A-Z]\w*)$", rest)
    if m and len(rest) >= 8 and any(k.startswith(rest) and k != rest for k in known_types):
        # The type name itself wrapped ("BssParamEnti" / "ty object").
        return rest, "", False
    m = re.match(r"^([A-Z]\w*)(?: (object|objects))?(?: (.*))?$", rest)
    camel = m is not None and re.match(r"^[A-Z][a-z]+[A-Z]\w*$", m.group(1)) is not None
    if m and (m.group(1) in known_types or m.group(2) or (camel and rest == m.group(1))):
        if m.group(2):
            return m.group(1) + " object", m.group(3) or "", True
        return m.group(1), m.group(3) or "", False
    return None


def normalize_type(text):
    t = re.sub(r"\s+", " ", text).strip()
    m = re.match(r"^Array of ?(\w+?) ?objects?$", t.replace("Array of", "Array of ").replace("  ", " "))
    if m:
        return f"Array of {m.group(1)} objects"
    m = re.match(r"^Array of ?(strings|integers|String|Integer|longs|booleans)$", t)
    if m:
        return f"Array of {m.group(1)}"
    m = re.match(r"^(\w+?) ?objects?$", t)
    if m and m.group(1) not in PRIMITIVE_TYPES:
        return m.group(1) + " object"
    return t


class SectionTables:
    """Every table of one section plus its status-code table."""

    def __init__(self, lines, known_types=(), legacy=False):
        self.tables = []
        self.known_types = set(known_types)
        self.legacy = legacy
        # Type names of the nested tables of this section help recognise row starts.
        for line in lines:
            m = TABLE_TITLE.match(line.strip())
            if m:
                self.known_types.add(m.group(3).strip())
        self._parse(lines)

    # -- the walk -----------------------------------------------------------
    def _parse(self, lines):
        part = "head"
        status = None
        table = None
        pending = []  # name fragments waiting for their "Yes String ..." line
        prev_blank = True
        self._after_header = False
        for raw in lines:
            line = raw.strip()
            if raw.strip() == "" and raw != "":
                # A line holding only spaces closes a table in this dump.
                if table is not None and raw == " ":
                    table = None
                    pending = []
                prev_blank = True
                continue
            m = TABLE_TITLE.match(line)
            if m and not line.endswith(("describes the parameters.", "describes the parameter.")):
                table = Table(f"{m.group(1)}-{m.group(2)}", m.group(3), part, status)
                if "describes" in table.title:
                    table = None
                    continue
                self.tables.append(table)
                pending = []
                prev_blank = True
                continue
            sm = STATUS_LINE.match(line)
            if sm:
                status = int(sm.group(1))
                table = None
                prev_blank = True
                continue
            if line in MARKERS or line.startswith(("Example Request", "Example Response", "Example request",
                                                   "Example response")):
                part = {"Request Parameters": "request", "Response Parameters": "response",
                        "Request": "request", "Response": "response",
                        "Request parameters": "request", "Response parameters": "response"}.get(line, line)
                if line.startswith(("Example", "SDK", "Status Code", "Error Codes")):
                    part = line
                table = None
                prev_blank = True
                continue
            if table is None:
                prev_blank = line == ""
                continue
            if line == "":
                prev_blank = True
                if table.rows and table.rows[-1].type_open:
                    table.rows[-1].type_open = False
                    table.rows[-1].type_text = normalize_type(table.rows[-1].type_text)
                continue
            if self._header_line(line, table):
                prev_blank = True
                continue
            if pending and not prev_blank and IDENT_FRAGMENT.match(line):
                # The wrapped name goes on ("isExactMatch" / "Name").
                pending.append(line)
                continue
            # A complete row line wins over pending fragments (those were a wrapped description).
            row = self._row_start(line, table, []) if pending else None
            if row is not None and table.rows:
                table.rows[-1].desc_lines.extend(pending)
            if row is None:
                row = self._row_start(line, table, pending)
            if row is not None:
                table.rows.append(row)
                pending = []
                prev_blank = False
                continue
            if prev_blank and IDENT_FRAGMENT.match(line) and self._fragment_ok(line, table, pending):
                pending.append(line)
                continue
            if pending and IDENT_FRAGMENT.match(line) and not prev_blank:
                pending.append(line)
                continue
            if pending:
                # Not a wrapped name after all: the fragments belong to the description.
                if table.rows:
                    table.rows[-1].desc_lines.extend(pending)
                pending = []
            if table.rows:
                last = table.rows[-1]
                legacy_flag = re.match(r"^(Yes|No)(?: (.*))?$", line)
                if last.type_open:
                    last.type_text += line if not last.type_text.endswith(" of") else " " + line
                elif table.legacy_order and last.required is None and not last.desc_lines and legacy_flag:
                    last.required = legacy_flag.group(1) == "Yes"
                    if legacy_flag.group(2):
                        last.desc_lines.append(legacy_flag.group(2))
                else:
                    last.desc_lines.append(line)
            prev_blank = False

    def _header_line(self, line, table):
        words = line.split()
        if words and words[0] == "Parameter" and all(w in HEADER_WORDS for w in words):
            if any(w.startswith("Man") for w in words):
                table.has_mandatory = True
                table.legacy_order = len(words) > 2 and words[1] == "Type"
            self._after_header = True
            return True
        if all(w in HEADER_WORDS for w in words) and (not table.rows or self._after_header):
            return True
        self._after_header = False
        return False

    def _fragment_ok(self, line, table, pending):
        # A wrapped name starts lower-case (wire names are snake_case) and is not a type.
        if not pending:
            return bool(re.match(r"^[a-z_]", line)) and line not in PRIMITIVE_TYPES
        return True

    def _row_start(self, line, table, pending):
        words = line.split(" ", 1)
        if pending:
            name = "".join(pending)
            rest = line
        else:
            if len(words) < 2:
                return None
            name, rest = words[0], words[1]
            if not NAME.match(name) or name in NOT_NAMES:
                return None
        required = None
        if table.legacy_order and table.has_mandatory:
            # "<name> <Type> <Yes|No> <desc>"
            m = re.match(r"^(\S+(?: of \S+)?)(?: (Yes|No))?(?: (.*))?$", rest)
            if not m:
                return None
            parsed = split_type(m.group(1), self.known_types)
            if parsed is None:
                return None
            required = {"Yes": True, "No": False}.get(m.group(2))
            row = Row(name, required, parsed[0], m.group(3) or "")
            row.type_open = not parsed[2]
            return row
        if table.has_mandatory or (not table.rows and re.match(r"^(Yes|No) ", rest)):
            m = re.match(r"^(Yes|No) (.*)$", rest)
            if not m:
                return None
            table.has_mandatory = True
            required = m.group(1) == "Yes"
            rest = m.group(2)
        parsed = split_type(rest, self.known_types)
        if parsed is None:
            return None
        type_text, desc, closed = parsed
        if not pending and not closed and not type_text.startswith(("Array of", "Map<")) \
                and not (len(type_text) >= 8 and any(k.startswith(type_text) for k in self.known_types)) \
                and not any(p.startswith(type_text) for p in PRIMITIVE_TYPES):
            return None
        row = Row(name, required, type_text, desc)
        row.type_open = not closed
        return row


def status_codes(lines):
    """{code: True} for the codes listed in the section's "Status Codes" table."""
    codes = []
    in_table = False
    for raw in lines:
        line = raw.strip()
        if line in ("Status Codes", "Status Code") or re.match(r"^Table \d+-\d+ Status codes?$", line):
            in_table = True
            continue
        if in_table:
            if line.startswith(("Error Codes", "Error Code")):
                break
            m = re.match(r"^([1-5]\d\d)(?: |$)", line)
            if m:
                codes.append(int(m.group(1)))
    return sorted(set(codes))
