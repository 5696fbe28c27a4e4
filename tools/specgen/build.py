"""Assembling the OpenAPI document from SDK facts, seed sections and overrides."""
import json
import os
import re

import docmerge
import seeds
import sdkmodel

SDK_SOURCE = "huaweicloudsdkdcs"


def norm_path(path):
    return re.sub(r"\{[^}]*\}", "{}", path.rstrip("/"))


def words(name):
    """'ListInstances' -> 'list instances'."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", name).lower()


def humanize(field):
    """'max_memory' -> 'Max memory.' : a neutral default description."""
    text = field.replace("_", " ").strip()
    return (text[:1].upper() + text[1:] + ".") if text else ""


class Builder:
    def __init__(self, repo):
        self.repo = repo
        here = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(here, "sdk_facts.json"), encoding="utf-8") as fh:
            self.facts = json.load(fh)
        with open(os.path.join(repo, "spec", "overrides.json"), encoding="utf-8") as fh:
            self.overrides = json.load(fh)
        self.seed_dir = seeds.seeds_dir(repo)
        self.schemas = {}
        self.operations = []  # (path, method, op)
        self.merger = docmerge.Merger(self)
        self.docs = []

    # ---- SDK models -------------------------------------------------------
    def add_model(self, name):
        if name in self.schemas:
            return
        model = self.facts["models"].get(name)
        if model is None:
            raise KeyError(f"SDK model {name} is referenced but not defined")
        self.schemas[name] = None  # placeholder against cycles
        props = {}
        for attr, wire, typ in model["fields"]:
            schema = sdkmodel.type_schema(typ, self.add_model)
            schema["description"] = humanize(wire)
            props[wire] = schema
        self.schemas[name] = {"type": "object", "properties": props, "x-dcskit-sdk-model": name}
        if model["sensitive"]:
            self.schemas[name]["x-dcskit-sensitive"] = sorted(
                dict((a, w) for a, w, _ in model["fields"])[a] for a in model["sensitive"])

    # ---- operations -------------------------------------------------------
    def sdk_operation(self, name, section):
        op = self.facts["operations"][name]
        req = self.facts["models"][op["request_type"]]
        types = {wire: typ for _, wire, typ in req["fields"]}
        params = []
        path = op["path"]
        for p in re.findall(r"\{([^}]+)\}", path):
            typ = "str" if p == "project_id" else types.get(p, "str")
            params.append({"name": p, "in": "path", "required": True,
                           "schema": sdkmodel.type_schema(typ, self.add_model),
                           "description": humanize(p)})
        for q in op["query_params"]:
            params.append({"name": q, "in": "query", "required": False,
                           "schema": sdkmodel.type_schema(types.get(q, "str"), self.add_model),
                           "description": humanize(q)})
        for h in op["header_params"]:
            params.append({"name": h, "in": "header", "required": False,
                           "schema": sdkmodel.type_schema(types.get(h, "str"), self.add_model),
                           "description": humanize(h)})
        out = {
            "operationId": name,
            "summary": words(name).capitalize() + ".",
            "parameters": params,
            "x-dcskit-version": path.split("/")[1],
            "x-dcskit-content-type": op["content_type"],
            "x-dcskit-source": section.source if section else SDK_SOURCE,
        }
        if section is not None:
            out["x-dcskit-doc-title"] = section.title
        if op["has_body"]:
            body_type = types["body"]
            out["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": sdkmodel.type_schema(body_type, self.add_model)}}}
        out["responses"] = self.sdk_responses(op)
        return path, op["method"].lower(), out

    def sdk_responses(self, op):
        resp_model = self.facts["models"][op["response_type"]]
        fields = resp_model["fields"]
        content = None
        if len(fields) == 1 and fields[0][0] == "body":
            content = sdkmodel.type_schema(fields[0][2], self.add_model)
        elif fields:
            self.add_model(op["response_type"])
            content = {"$ref": "#/components/schemas/" + op["response_type"]}
        ok = {"description": "Success."}
        if content is not None:
            ok["content"] = {"application/json": {"schema": content}}
        return {"200": ok}

    # ---- the whole document ----------------------------------------------
    def build(self):
        sections, lines = seeds.seed004_sections(self.seed_dir)
        self.known_types = set(self.facts["models"])
        groups = seeds.chapter_group_titles(lines)
        singles = [seeds.single_page(self.seed_dir, k) for k in ("000", "001", "002", "003")]
        index = {}
        for name, op in self.facts["operations"].items():
            index[(op["method"], norm_path(op["path"]))] = name
        seen = {}
        tags = {}
        for sec in sections + singles:
            if sec.number.startswith("8."):
                continue
            name = self.overrides.get("section_operations", {}).get(sec.number) or index.get(
                (sec.method, norm_path(sec.path)))
            if name is None:
                raise SystemExit(f"section {sec.number} ({sec.method} {sec.path}) matches no SDK operation")
            if sec.number.startswith("5."):
                tags[name] = groups[sec.number.rsplit(".", 1)[0]]
            # A seed page that repeats a chapter-5 section is recorded as a second source.
            seen.setdefault(name, []).append(sec)
        for name in sorted(self.facts["operations"]):
            secs = seen.get(name, [])
            path, method, op = self.sdk_operation(name, secs[0] if secs else None)
            if len(secs) > 1:
                op["x-dcskit-source"] = ", ".join(s.source for s in secs)
            if secs:
                docs = [docmerge.DocSection(s, self.known_types) for s in secs]
                self.merger.merge_operation(op, docs)
                self.docs.extend(docs)
            else:
                # Undocumented in the seeds: every DCS API answers errors with the same body.
                for code in (400, 401, 403, 404, 500):
                    op["responses"][str(code)] = {
                        "description": docmerge.STATUS_TEXT[code],
                        "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/" + docmerge.ERROR_SCHEMA}}}}
            tag = tags.get(name) or self.overrides.get("tags", {}).get(name)
            if tag is None:
                raise SystemExit(f"no tag for {name}: add it to overrides.tags")
            op["tags"] = [tag]
            op["summary"] = self.overrides.get("summaries", {}).get(name, op["summary"])
            self.operations.append((path, method, op))
        for sec in sections:
            if sec.number.startswith("8."):
                self.operations.append(self.legacy_operation(sec, groups))
        # Models the SDK defines but no operation references still describe wire data.
        wrappers = {o["request_type"] for o in self.facts["operations"].values()} | {
            o["response_type"] for o in self.facts["operations"].values()}
        for model in sorted(self.facts["models"]):
            if model not in wrappers and model not in self.schemas:
                self.add_model(model)
        self.merger.finish()
        self.mark_sensitive()
        # Hand-written components for tables the text leaves untitled.
        for name, schema in self.overrides.get("schemas", {}).items():
            self.schemas[name] = schema
        by_id = {op["operationId"]: op for _, _, op in self.operations}
        for name, codes in self.overrides.get("response_schemas", {}).items():
            for code, model in codes.items():
                media = by_id[name]["responses"][code].setdefault("content", {}).setdefault("application/json", {})
                media["schema"] = {"$ref": "#/components/schemas/" + model}
        self.apply_field_schemas()
        for key, text in self.overrides.get("descriptions", {}).items():
            model, field = key.split(".", 1)
            self.schemas[model]["properties"][field]["description"] = text
        self.schemas[docmerge.ERROR_SCHEMA] = {
            "type": "object",
            "description": "The error body every DCS API returns on failure.",
            "properties": {
                "error_code": {"type": "string", "maxLength": 9, "description": "Service error code, e.g. DCS.4000."},
                "error_msg": {"type": "string", "maxLength": 1024, "description": "Error message."},
                "error_ext_msg": {"type": "string", "maxLength": 1024,
                                  "description": "Extra error detail (unused, null)."},
            },
        }
        return self.document()

    def apply_field_schemas(self):
        """overrides.field_schemas: a field whose documented type its own example contradicts
        gets the example's structure; the seed's word stays in x-dcskit-doc-type."""
        for key, fix in sorted(self.overrides.get("field_schemas", {}).items()):
            model, field = key.split(".", 1)
            props = (self.schemas.get(model) or {}).get("properties", {})
            if field not in props:
                raise SystemExit(f"overrides.field_schemas: {key} names no field of the spec")
            if not fix.get("why"):
                raise SystemExit(f"overrides.field_schemas: {key} needs a 'why'")
            old = props[field]
            new = dict(fix["schema"])
            for k in ("description", "x-dcskit-source"):
                if k in old:
                    new.setdefault(k, old[k])
            if fix.get("doc_type"):
                new["x-dcskit-doc-type"] = fix["doc_type"]
            props[field] = new

    def mark_sensitive(self):
        """Secrets never go to logs: list each schema's password-like fields.
        (The SDK's own sensitive lists are empty, so names decide.)"""
        for schema in self.schemas.values():
            if not schema:
                continue
            names = sorted(n for n in schema.get("properties", {}) if re.search(r"(^|_)password$", n))
            if names:
                schema["x-dcskit-sensitive"] = names
            elif "x-dcskit-sensitive" in schema:
                del schema["x-dcskit-sensitive"]

    def legacy_operation(self, sec, groups):
        ov = self.overrides["legacy_operations"].get(sec.number)
        if ov is None:
            raise SystemExit(f"out-of-date section {sec.number} needs an entry in overrides.legacy_operations")
        params = []
        for p in re.findall(r"\{([^}]+)\}", sec.path):
            params.append({"name": p, "in": "path", "required": True,
                           "schema": {"type": "string"}, "description": humanize(p)})
        op = {
            "operationId": ov["name"],
            "summary": (self.overrides.get("summaries", {}).get(ov["name"]) or self.overrides.get(
                "summaries", {}).get(ov.get("replacement"), words(ov["name"]))).rstrip(".") + " (out-of-date API).",
            "deprecated": True,
            "tags": [groups[sec.number.rsplit(".", 1)[0]].removesuffix(" APIs")],
            "parameters": params,
            "x-dcskit-version": sec.path.split("/")[1],
            "x-dcskit-content-type": "application/json",
            "x-dcskit-source": sec.source,
            "x-dcskit-doc-title": sec.title,
            "responses": {"200": {"description": "Success."}},
        }
        if ov.get("replacement"):
            op["x-dcskit-replacement"] = ov["replacement"]
        doc = docmerge.DocSection(sec, self.known_types)
        name = ov["name"]
        if doc.body is not None and doc.body.rows:
            self.schemas[name + "Body"] = {"type": "object", "properties": {}, "x-dcskit-source": sec.source}
            op["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/" + name + "Body"}}}}
        self.merger.prefix = name
        if doc.body is not None and doc.body.rows:
            self.merger.apply_table(name + "Body", doc.body, doc, True)
        ok = doc.success_codes()
        op["responses"] = {}
        for code in ok:
            op["responses"][str(code)] = {"description": docmerge.STATUS_TEXT.get(code, "Success.")}
        table = doc.responses.get(None) or doc.responses.get(ok[0])
        if table is not None and table.rows:
            self.schemas[name + "Response"] = {"type": "object", "properties": {}, "x-dcskit-source": sec.source}
            self.merger.apply_table(name + "Response", table, doc, False)
            op["responses"][str(ok[0])]["content"] = {"application/json": {
                "schema": {"$ref": "#/components/schemas/" + name + "Response"}}}
        self.merger.merge_legacy(op, doc)
        self.merger.prefix = None
        return sec.path, sec.method.lower(), op

    TOTAL_FIELDS = ("total_num", "instance_num", "total", "count", "task_count", "history_num",
                    "template_num", "log_num", "total_count")

    def add_pagination(self):
        """x-dcskit-pagination for every list operation with offset (or start) and limit."""
        chosen = self.overrides.get("pagination", {})
        for _path, _method, op in self.operations:
            names = {p["name"] for p in op["parameters"] if p["in"] == "query"}
            offset = "offset" if "offset" in names else ("start" if "start" in names else None)
            if offset is None or "limit" not in names:
                continue
            ok = next((r for c, r in sorted(op["responses"].items()) if c.startswith("2") and "content" in r), None)
            ref = ok and ok["content"]["application/json"]["schema"].get("$ref")
            if not ref:
                continue
            props = self.schemas[ref.rsplit("/", 1)[1]].get("properties", {})
            manual = chosen.get(op["operationId"], {})
            arrays = [k for k, v in props.items() if v.get("type") == "array" and "$ref" in v.get("items", {})]
            items = manual.get("items") or (arrays[0] if len(arrays) == 1 else None)
            if items is None:
                print(f"pagination: {op['operationId']}: arrays {arrays}, props {list(props)}"); continue
            total = manual.get("total") or next((t for t in self.TOTAL_FIELDS if t in props), None)
            offset_schema = next(p["schema"] for p in op["parameters"] if p["name"] == offset)
            base = 1 if offset == "start" or offset_schema.get("minimum") == 1 and offset_schema.get(
                "default") == 1 else 0
            op["x-dcskit-pagination"] = {"style": "offset", "offset_param": offset, "limit_param": "limit",
                                         "items": items, "total": total, "page_base": base}

    def document(self):
        self.add_pagination()
        paths = {}
        for path, method, op in self.operations:
            slot = paths.setdefault(path, {})
            if method in slot:
                raise SystemExit(f"two operations on {method.upper()} {path}")
            slot[method] = op
        return {
            "openapi": "3.1.0",
            "info": {
                "title": "Huawei Cloud Distributed Cache Service (DCS) API",
                "version": "2024-04-09",
                "description": "Every DCS operation dcskit knows, rebuilt by tools/specgen from the seed "
                               "documentation and checked against huaweicloudsdkdcs "
                               + self.facts["version"] + ".",
                "x-dcskit-sdk-reference": SDK_SOURCE + " " + self.facts["version"],
            },
            "servers": [{"url": "https://dcs.{region}.myhuaweicloud.com",
                         "variables": {"region": {"default": "cn-north-4"}}}],
            "paths": paths,
            "components": {"schemas": self.schemas},
            "x-dcskit-waiters": self.overrides.get("waiters", []),
        }
