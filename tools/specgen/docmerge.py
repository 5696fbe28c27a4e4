"""Folding what the seed text says (required flags, bounds, enums, defaults, extra
fields, status codes, examples) into the SDK-derived operations and schemas."""
import re

import constraints
import examples as examples_mod
import tables as tables_mod
import webtables

DOC_KINDS = {
    "String": ("string", None), "string": ("string", None),
    "Integer": ("integer", "int32"), "Int": ("integer", "int32"), "int": ("integer", "int32"),
    "Long": ("integer", "int64"),
    "Boolean": ("boolean", None),
    "Float": ("number", "float"), "Double": ("number", "double"), "Number": ("number", None),
    "BigDecimal": ("number", None),
    "Object": ("object", None), "JSON": ("object", None),
}
# "Array of objects" names no item type: the items are objects (a nested table may describe them).
ARRAY_ITEM_KINDS = {"strings": "String", "String": "String", "integers": "Integer", "Integer": "Integer",
                    "longs": "Long", "booleans": "Boolean", "objects": "Object", "object": "Object"}
STATUS_TEXT = {200: "Success.", 201: "Created.", 202: "Accepted; the work continues in the background.",
               204: "Success; no content.", 400: "The request is invalid.",
               401: "Authentication failed.", 403: "The caller may not do this.",
               404: "The resource does not exist.", 405: "Method not allowed.", 409: "Conflict with the current state.",
               429: "Too many requests.", 500: "The service failed.", 503: "The service is unavailable."}
ERROR_SCHEMA = "DcsErrorResponse"
TOP_BODY = ("Request body parameters", "请求Body参数")
TOP_RESPONSE = ("Response body parameters", "响应Body参数")
PATH_TABLES = ("Path Parameters", "路径参数", "URI parameters")
QUERY_TABLES = ("Query Parameters", "Query参数")


def doc_kind(type_text):
    """('string'|'integer'|..., format, item type text or None, nested type name or None)."""
    t = type_text.strip()
    m = re.match(r"^Array of (\w+) objects$", t)
    if m:
        return "array", None, None, m.group(1)
    m = re.match(r"^Array of (\w+)$", t)
    if m:
        return "array", None, ARRAY_ITEM_KINDS.get(m.group(1), "String"), None
    if t.startswith("Array"):
        return "array", None, None, None
    if t.startswith("Map"):
        return "object", None, None, None
    m = re.match(r"^(\w+) object$", t)
    if m:
        return "object", None, None, m.group(1)
    if t in DOC_KINDS:
        k, f = DOC_KINDS[t]
        return k, f, None, None
    if re.match(r"^[A-Z]\w*$", t):
        return "object", None, None, t
    return None, None, None, None


def schema_kind(schema):
    if "$ref" in schema:
        return "object"
    return schema.get("type")


class DocSection:
    """The tables, examples and status codes of one documented operation."""

    def __init__(self, section, known_types=()):
        self.section = section
        web = not section.number[0].isdigit() or section.number in ("000", "001", "002", "003")
        if web:
            self.tables = webtables.parse(section.lines)
            self.codes = self._web_codes(section.lines)
        else:
            self.tables = tables_mod.SectionTables(section.lines, known_types).tables
            self.codes = tables_mod.status_codes(section.lines)
        self.examples = examples_mod.Examples(section.lines)
        self.path_rows, self.query_rows, self.body, self.responses, self.types = [], [], None, {}, {}
        legacy = section.number.startswith("8.")
        for t in self.tables:
            title = t.title
            if title in PATH_TABLES:
                self.path_rows += t.rows
            elif title in QUERY_TABLES:
                self.query_rows += t.rows
            elif legacy and (title.startswith("Error codes") or title.startswith("Configuration parameters")):
                continue
            elif title in TOP_BODY or (legacy and title.lower() in ("parameter description", "request parameters",
                                                                    "request") and t.part == "request"):
                if self.body is None:
                    self.body = t
            elif title in TOP_RESPONSE or (legacy and title.lower() in ("parameter description",
                                                                        "response body parameter")
                                           and t.part == "response"):
                self.responses.setdefault(t.status, t)
            elif legacy and title.lower() in ("parameter description", "uri parameters"):
                # URI parameters of an out-of-date API.
                for r in t.rows:
                    if "{" + r.name + "}" in section.path:
                        self.path_rows.append(r)
                    else:
                        self.query_rows.append(r)
            else:
                m = re.match(r"^Parameter description of (?:the )?(\w+) array$", title)
                name = m.group(1) if m else re.sub(r" parameters?( description)?$", "", title, flags=re.I).strip()
                self.types.setdefault(name, t)

    def type_for_field(self, field):
        """The nested table an out-of-date API names after a field ("instances" -> "instance")."""
        for cand in (field, field[:-1] if field.endswith("s") else None, field + "s"):
            if cand and cand in self.types:
                return cand
        return None

    @staticmethod
    def _web_codes(lines):
        codes = []
        started = False
        for line in lines:
            s = line.strip()
            if s in ("Status Codes", "状态码"):
                started = True
                continue
            if started:
                if s in ("Error Codes", "错误码"):
                    break
                if re.match(r"^[1-5]\d\d$", s):
                    codes.append(int(s))
        return sorted(set(codes))

    def success_codes(self):
        ok = [c for c in self.codes if 200 <= c < 300]
        return ok or [200]

    def error_codes(self):
        errs = set(c for c in self.codes if c >= 400)
        errs |= set(s for s in self.responses if s and s >= 400)
        errs |= set(s for s in self.examples.responses if s and s >= 400)
        return sorted(errs)


class Merger:
    def __init__(self, builder):
        self.b = builder
        self.required_votes = {}   # model -> field -> [bool]
        self.prefix = None         # names nested tables of out-of-date APIs
        self.stats = {"doc_fields_matched": 0, "doc_only_fields": 0, "type_conflicts": [],
                      "doc_only_params": [], "unmatched_nested_tables": [], "examples": 0,
                      "invalid_examples": 0, "unsent_request_examples": []}

    # ---- field-level ------------------------------------------------------
    def refine(self, schema, row, request_side, where):
        kind, fmt, item_text, _nested = doc_kind(row.type_text)
        target = schema
        sk = schema_kind(schema)
        if sk == "integer" and kind == "integer" and fmt:
            schema["format"] = fmt
        if sk == "number" and kind == "number" and fmt:
            schema["format"] = fmt
        if kind and sk and kind != sk and not (sk == "object" and schema == {}) and "$ref" not in schema:
            schema["x-dcskit-doc-type"] = row.type_text
            self.stats["type_conflicts"].append(f"{where}.{row.name}: SDK {sk}, doc {row.type_text}")
        if sk == "array" and "$ref" not in schema.get("items", {}):
            target = schema.get("items", {})
        tk = schema_kind(target) if target else None
        if tk in ("string", "integer", "number", "boolean"):
            found = constraints.facts(row.desc_lines, tk, request_side)
            for k, v in sorted(found.items(), key=lambda kv: kv[0] != "enum"):
                if k == "default" and not _fits(v, tk):
                    continue
                if k == "default" and tk == "string" and v in ("true", "false") and "enum" not in target:
                    continue  # a boolean-looking default on a free string field is a doc slip
                if k in ("enum", "x-dcskit-values") and tk == "boolean":
                    continue
                target.setdefault(k, v)
        note = unit_note(row.description)
        if note and schema.get("description", "").endswith(".") and "(" not in schema.get("description", ""):
            schema["description"] = schema["description"][:-1] + f" ({note})."

    def apply_table(self, model, table, doc, request_side, depth=0):
        if depth > 8 or model not in self.b.schemas or table is None:
            return
        schema = self.b.schemas[model]
        table.used = True
        props = schema["properties"]
        votes = self.required_votes.setdefault(model, {})
        for row in table.rows:
            name = row.name
            if name not in props:
                if not re.match(r"^[a-z][a-z0-9_]*$", name):
                    continue
                props[name] = self.doc_schema(row, doc, request_side, depth)
                props[name]["x-dcskit-source"] = "seed only"
                self.stats["doc_only_fields"] += 1
            else:
                self.stats["doc_fields_matched"] += 1
            self.refine(props[name], row, request_side, model)
            if row.required is not None and request_side:
                votes.setdefault(name, []).append(row.required)
            # Follow nested object tables into the referenced model.
            _k, _f, _i, nested = doc_kind(row.type_text)
            ref = _ref_of(props[name])
            if ref and ref in self.b.schemas:
                t = doc.types.get(nested) if nested else None
                if t is None:
                    t = doc.types.get(ref) or doc.types.get(doc.type_for_field(name) or name)
                if t is None:
                    self.stats["unmatched_nested_tables"].append(f"{doc.section.number} {model}.{name} -> {ref}")
                else:
                    self.apply_table(ref, t, doc, request_side, depth + 1)

    def doc_schema(self, row, doc, request_side, depth):
        """A schema for a field only the seed text knows."""
        kind, fmt, item_text, nested = doc_kind(row.type_text)
        if nested is None and kind in ("array", "object", None):
            nested = doc.type_for_field(row.name)
        if kind == "array":
            if nested:
                return {"type": "array", "items": self.doc_model(nested, doc, request_side, depth),
                        "description": _humanize(row.name)}
            items = {}  # the docs say only "Array": element type unknown
            if item_text:
                k, f = DOC_KINDS.get(item_text, ("string", None))
                items = {"type": k}
                if f:
                    items["format"] = f
            return {"type": "array", "items": items, "description": _humanize(row.name)}
        if kind in ("object", None) and nested:
            return self.doc_model(nested, doc, request_side, depth)
        if kind == "object" or kind is None:
            return {"description": _humanize(row.name)}
        out = {"type": kind, "description": _humanize(row.name)}
        if fmt:
            out["format"] = fmt
        return out

    def doc_model(self, type_name, doc, request_side, depth):
        """A component for a nested table only the seed text knows (or a known SDK model)."""
        table = doc.types.get(type_name)
        component = type_name
        if self.prefix:
            # Out-of-date APIs name nested tables after fields; keep them apart per operation.
            component = self.prefix + "".join(w[:1].upper() + w[1:] for w in re.split(r"[_\s]+", type_name))
        if component in self.b.schemas:
            return {"$ref": "#/components/schemas/" + component}
        if table is None:
            return {"type": "object"}
        self.b.schemas[component] = {"type": "object", "properties": {},
                                     "x-dcskit-source": doc.section.source if self.prefix else "seed only"}
        self.apply_table(component, table, doc, request_side, depth + 1)
        return {"$ref": "#/components/schemas/" + component}

    # ---- operation-level --------------------------------------------------
    def merge_operation(self, op, docs):
        primary = docs[0]
        params = {(p["in"], p["name"]): p for p in op["parameters"]}
        for doc in docs:
            for where, rows in (("path", doc.path_rows), ("query", doc.query_rows)):
                for row in rows:
                    if row.name == "project_id" and where == "path":
                        continue
                    p = params.get((where, row.name))
                    if p is None and where == "query":
                        # Documented but not sent by the official SDK; the caller may still pass it.
                        kind, fmt, item_text, _ = doc_kind(row.type_text)
                        schema = {"type": kind or "string"}
                        if fmt:
                            schema["format"] = fmt
                        if kind == "array":
                            schema["items"] = {"type": DOC_KINDS.get(item_text or "String", ("string",))[0]}
                        p = {"name": row.name, "in": "query", "required": False, "schema": schema,
                             "description": _humanize(row.name), "x-dcskit-source": "seed only"}
                        op["parameters"].append(p)
                        params[(where, row.name)] = p
                        self.stats["doc_only_params"].append(f"{op['operationId']}.{row.name}")
                    if p is None:
                        continue
                    self.refine(p["schema"], row, True, op["operationId"])
                    if where == "query" and row.required:
                        p["required"] = True
        # Request body.
        body_ref = _ref_of(op.get("requestBody", {}).get("content", {}).get("application/json", {})
                           .get("schema", {}))
        for doc in docs:
            if doc.body is not None and body_ref:
                self.apply_table(body_ref, doc.body, doc, True)
        # Responses.
        self.merge_responses(op, docs)
        # Examples.
        self.merge_examples(op, docs)

    def merge_responses(self, op, docs):
        primary = docs[0]
        sdk_ok = op["responses"].pop("200")
        codes = primary.success_codes()
        first = codes[0]
        for code in codes:
            entry = {"description": STATUS_TEXT.get(code, "Success.")}
            if code == first and "content" in sdk_ok:
                entry["content"] = sdk_ok["content"]
            op["responses"][str(code)] = entry
        ok_ref = _ref_of(sdk_ok.get("content", {}).get("application/json", {}).get("schema", {}))
        for doc in docs:
            table = doc.responses.get(first) or doc.responses.get(None) or doc.responses.get(200)
            if table is not None and len(table.rows) == 1 and table.rows[0].name == "[items]":
                # The body is a bare array: its item table is the one to merge.
                table.used = True
                nested = doc_kind(table.rows[0].type_text)[3]
                table = doc.types.get(nested)
            if table is not None and ok_ref:
                self.apply_table(ok_ref, table, doc, False)
        for code in primary.error_codes():
            op["responses"][str(code)] = {
                "description": STATUS_TEXT.get(code, "Error."),
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/" + ERROR_SCHEMA}}}}

    def merge_examples(self, op, docs):
        reqs = []
        resps = {}
        for doc in docs:
            ex = doc.examples
            self.stats["invalid_examples"] += len(ex.invalid)
            for value in ex.requests:
                if value not in reqs:
                    reqs.append(value)
            for status, values in ex.responses.items():
                code = status if status is not None else doc.success_codes()[0]
                bucket = resps.setdefault(code, [])
                for v in values:
                    if v not in bucket:
                        bucket.append(v)
        urls = []
        for doc in docs:
            urls += [u for u in doc.examples.urls if u not in urls]
        if urls:
            op["x-dcskit-example-urls"] = urls
        if reqs:
            if "requestBody" in op:
                _set_examples(op["requestBody"]["content"]["application/json"], reqs)
            else:
                # The seed shows a body the official SDK does not send; keep it for reference.
                op["x-dcskit-unsent-request-examples"] = reqs
                self.stats["unsent_request_examples"].append(op["operationId"])
            self.stats["examples"] += len(reqs)
        for code, values in sorted(resps.items()):
            entry = op["responses"].setdefault(str(code), {"description": STATUS_TEXT.get(code, "Response.")})
            media = entry.setdefault("content", {}).setdefault("application/json", {})
            if "schema" not in media:
                media["schema"] = ({"$ref": "#/components/schemas/" + ERROR_SCHEMA} if code >= 400 else {})
            _set_examples(media, values)
            self.stats["examples"] += len(values)

    def merge_legacy(self, op, doc):
        """Parameters, error responses and examples of an out-of-date API (no SDK model)."""
        have = {p["name"] for p in op["parameters"]}
        for where, rows in (("path", doc.path_rows), ("query", doc.query_rows)):
            for row in rows:
                if row.name == "project_id" or row.name in have:
                    if row.name in have:
                        p = next(p for p in op["parameters"] if p["name"] == row.name)
                        self.refine(p["schema"], row, True, op["operationId"])
                    continue
                kind, fmt, _i, _n = doc_kind(row.type_text)
                schema = {"type": kind if kind in ("string", "integer", "number", "boolean") else "string"}
                if fmt:
                    schema["format"] = fmt
                p = {"name": row.name, "in": where, "required": bool(row.required) or where == "path",
                     "schema": schema, "description": _humanize(row.name)}
                self.refine(p["schema"], row, True, op["operationId"])
                op["parameters"].append(p)
                have.add(row.name)
        self.merge_examples(op, [doc])

    def finish(self):
        """Required flags: a field is required when every documented table says so."""
        for model, votes in self.required_votes.items():
            req = sorted(n for n, v in votes.items() if v and all(v))
            if req and model in self.b.schemas:
                self.b.schemas[model]["required"] = req


UNIT = re.compile(r"\((GB|MB|KB|Mbit/s|%|s|ms)\)|\bin (GB|MB|KB|bytes|seconds|milliseconds|minutes|hours|days)\b"
                  r"|[Uu]nit: ?(GB|MB|KB|Mbit/s|%|seconds|second|ms|days|s)\b")
SAMPLE = re.compile(r"(?:[Ff]ormat(?: is)?:? |for example,? )(\d{4}-\d\d-\d\dT[\d:.]+Z|HH:mm:ss|hh:mm:ss|"
                    r"yyyyMMddHHmmss|\d{4}/\d\d/\d\d \d\d:\d\d:\d\d)")


def unit_note(text):
    """A short unit or sample-format note taken from a description cell."""
    m = UNIT.search(text)
    if m:
        return "unit: " + next(g for g in m.groups() if g)
    m = SAMPLE.search(text)
    if m:
        return "e.g. " + m.group(1)
    return None


def _fits(value, kind):
    return {"string": isinstance(value, str), "boolean": isinstance(value, bool),
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool)}.get(kind, False)


def _ref_of(schema):
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[1]
    if schema.get("type") == "array" and "$ref" in schema.get("items", {}):
        return schema["items"]["$ref"].rsplit("/", 1)[1]
    if isinstance(schema.get("additionalProperties"), dict) and "$ref" in schema["additionalProperties"]:
        return schema["additionalProperties"]["$ref"].rsplit("/", 1)[1]
    return None


def _set_examples(media, values):
    media["example"] = values[0]
    if len(values) > 1:
        media["examples"] = {f"example{i + 1}": {"value": v} for i, v in enumerate(values)}


def _humanize(field):
    text = field.replace("_", " ").strip()
    return (text[:1].upper() + text[1:] + ".") if text else ""
