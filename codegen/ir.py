"""spec/dcs.openapi.json -> the intermediate representation (IR) every emitter reads.

The IR is plain JSON-compatible data (dicts, lists, strings, numbers); codegen/README.md
documents it. Building it is deterministic: same spec, same IR, same order.
"""
import copy

from naming import camel, kebab, pascal, snake

IR_VERSION = 1
METHODS = ("get", "put", "post", "delete", "patch", "head")
# Parameters the client fills from its configuration instead of the caller's input.
CLIENT_FILLED = {"project_id"}
TYPE_KEYS = ("format", "enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
             "minLength", "maxLength", "pattern", "default", "minItems", "maxItems")


class SpecError(Exception):
    pass


class _Builder:
    def __init__(self, spec):
        self.spec = spec
        self.components = spec.get("components", {}).get("schemas", {})
        self.schemas = {}          # name -> named object schema (IR form)
        self.usage = {}            # name -> set("request", "response")
        self._converting = set()

    # ---- schemas -------------------------------------------------------------------------
    def ref_name(self, ref):
        prefix = "#/components/schemas/"
        if not ref.startswith(prefix):
            raise SpecError(f"unsupported $ref {ref!r}")
        name = ref[len(prefix):]
        if name not in self.components:
            raise SpecError(f"$ref to missing schema {name!r}")
        return name

    def type_ref(self, schema, hint):
        """A schema in the spec -> an IR type expression; inline objects with properties are
        hoisted into named schemas called `hint`."""
        if schema is None:
            return {"kind": "any"}
        if "$ref" in schema:
            name = self.ref_name(schema["$ref"])
            target = self.components[name]
            if self._is_object(target):
                self.named_component(name)
                return {"kind": "ref", "ref": name}
            # A named primitive/array: inline it (named schemas are always objects).
            return self.type_ref(target, hint)
        for combo in ("allOf", "oneOf", "anyOf"):
            if combo in schema:
                parts = schema[combo]
                if combo == "allOf" and len(parts) == 1:
                    return self.type_ref(parts[0], hint)
                return {"kind": "any"}
        t = schema.get("type")
        nullable = False
        if isinstance(t, list):
            nullable = "null" in t
            rest = [x for x in t if x != "null"]
            t = rest[0] if len(rest) == 1 else None
        if t is None and "properties" in schema:
            t = "object"
        out = {}
        if t == "object" or (t is None and "additionalProperties" in schema):
            if schema.get("properties"):
                self.hoist(hint, schema)
                out = {"kind": "ref", "ref": hint}
            else:
                ap = schema.get("additionalProperties")
                values = self.type_ref(ap, hint + "Value") if isinstance(ap, dict) else {"kind": "any"}
                out = {"kind": "map", "values": values}
        elif t == "array":
            out = {"kind": "array", "items": self.type_ref(schema.get("items"), hint + "Item")}
        elif t in ("string", "integer", "number", "boolean"):
            out = {"kind": t}
        else:
            out = {"kind": "any"}
        for k in TYPE_KEYS:
            if k in schema:
                out[k] = copy.deepcopy(schema[k])
        if nullable or schema.get("nullable"):
            out["nullable"] = True
        return out

    @staticmethod
    def _is_object(schema):
        return bool(schema.get("properties")) or schema.get("type") == "object" and "additionalProperties" not in schema

    def named_component(self, name):
        if name in self.schemas or name in self._converting:
            return
        self._converting.add(name)
        self.schemas[name] = self.object_schema(name, self.components[name], "component")
        self._converting.discard(name)

    def hoist(self, name, schema):
        if name in self.components:
            raise SpecError(f"inline schema name {name!r} collides with a component schema")
        if name in self.schemas:
            return
        self.schemas[name] = {}  # reserve (recursion)
        self.schemas[name] = self.object_schema(name, schema, "inline")

    def object_schema(self, name, schema, origin):
        required = set(schema.get("required", []))
        props = []
        used = set()
        for wire, sub in (schema.get("properties") or {}).items():
            field = snake(wire)
            while field in used:
                field += "_"
            used.add(field)
            props.append({
                "name": wire,
                "field": field,
                "required": wire in required,
                "description": (sub or {}).get("description", ""),
                "schema": self.type_ref(sub, name + pascal(wire)),
            })
        ap = schema.get("additionalProperties", True)
        return {
            "name": name,
            "kind": "object",
            "origin": origin,
            "description": schema.get("description", ""),
            "properties": props,
            "additional": ap is not False,
            "usage": [],
        }

    # ---- usage (which schemas appear in requests / responses) ----------------------------
    def mark(self, t, use):
        if not t:
            return
        k = t.get("kind")
        if k == "ref":
            name = t["ref"]
            seen = self.usage.setdefault(name, set())
            if use in seen:
                return
            seen.add(use)
            for p in self.schemas[name]["properties"]:
                self.mark(p["schema"], use)
        elif k == "array":
            self.mark(t["items"], use)
        elif k == "map":
            self.mark(t["values"], use)

    # ---- operations ----------------------------------------------------------------------
    def operation(self, path, method, op, path_item):
        name = op.get("operationId")
        if not name:
            raise SpecError(f"{method.upper()} {path}: missing operationId")
        params = {"path": [], "query": [], "header": []}
        merged = {}
        for p in list(path_item.get("parameters", [])) + list(op.get("parameters", [])):
            if "$ref" in p:
                raise SpecError(f"{name}: parameter $ref is not supported")
            merged[(p["in"], p["name"])] = p
        used_fields = set()
        all_params = []
        for (loc, wire), p in merged.items():
            if loc not in params:
                continue  # cookie parameters: none in DCS
            field = snake(wire)
            while field in used_fields or field == "body":
                field += "_"
            used_fields.add(field)
            entry = {
                "name": wire,
                "field": field,
                "in": loc,
                "required": bool(p.get("required")) or loc == "path",
                "description": p.get("description", ""),
                "client_filled": loc == "path" and wire in CLIENT_FILLED,
                "schema": self.type_ref(p.get("schema"), name + pascal(wire) + "Param"),
            }
            if "example" in p:
                entry["example"] = copy.deepcopy(p["example"])
            params[loc].append(entry)
            all_params.append(entry)
        for wire in _path_placeholders(path):
            if not any(p["name"] == wire for p in params["path"]):
                raise SpecError(f"{name}: path placeholder {{{wire}}} has no path parameter")

        body = None
        rb = op.get("requestBody")
        if rb:
            content = rb.get("content", {})
            ctype = "application/json" if "application/json" in content else sorted(content)[0]
            media = content[ctype]
            body = {
                "content_type": ctype,
                "required": bool(rb.get("required")),
                "description": rb.get("description", ""),
                "schema": self.type_ref(media.get("schema"), name + "RequestBody"),
            }
            if "example" in media:
                body["example"] = copy.deepcopy(media["example"])

        responses = []
        success = None
        for status in sorted(op.get("responses", {}), key=_status_key):
            r = op["responses"][status]
            content = r.get("content") or {}
            ctype = None
            media = {}
            if content:
                ctype = "application/json" if "application/json" in content else sorted(content)[0]
                media = content[ctype]
            is_success = success is None and str(status).startswith("2")
            schema = media.get("schema")
            if schema is None:
                t = None
            elif is_success and "$ref" not in schema and schema.get("properties"):
                # An inline success body becomes the response type itself (no extra type).
                self.schemas[name + "Response"] = self.object_schema(name + "Response", schema, "response")
                t = {"kind": "ref", "ref": name + "Response"}
            elif is_success or "$ref" in schema:
                t = self.type_ref(schema, name + "ResponseBody")
            else:
                t = {"kind": "any"}
            entry = {"status": str(status), "description": r.get("description", ""),
                     "content_type": ctype, "schema": t}
            if "example" in media:
                entry["example"] = copy.deepcopy(media["example"])
                entry["example_is_json"] = not isinstance(media["example"], str) or (t or {}).get("kind") == "string"
            responses.append(entry)
            if is_success:
                success = entry
        if success is None:
            success = {"status": "200", "schema": None}

        request_type = name + "Request"
        response_type = name + "Response"
        st = success.get("schema")
        # The spec may name the success body after the official response class: use it as is.
        reuse = bool(st) and st.get("kind") == "ref" and st["ref"] == response_type \
            and self.schemas[response_type]["origin"] == "component"
        for t in (request_type, response_type):
            if (t in self.components and not (t == response_type and reuse)) or \
                    (t == request_type and t in self.schemas):
                raise SpecError(f"{name}: generated type name {t} collides with a component schema")

        # The request type is exactly the dynamic-call input: parameters by wire name, body under "body".
        req_props = [{"name": p["name"], "field": p["field"], "required": p["required"],
                      "description": p["description"], "schema": p["schema"], "in": p["in"]}
                     for p in all_params if not p["client_filled"]]
        if body is not None:
            req_props.append({"name": "body", "field": "body", "required": body["required"],
                              "description": body["description"], "schema": body["schema"], "in": "body"})
        self.schemas[request_type] = {"name": request_type, "kind": "object", "origin": "request",
                                      "description": f"Input of {name}.", "properties": req_props,
                                      "additional": False, "usage": []}

        # The response type holds the success body's fields; a non-object body becomes field `body`.
        wrapped = False
        if reuse:
            props = None
        elif st and st.get("kind") == "ref" and st["ref"] == response_type:
            props = self.schemas[response_type]["properties"]
        elif st and st.get("kind") == "ref":
            props = copy.deepcopy(self.schemas[st["ref"]]["properties"])
        elif st is None or st.get("kind") == "any":
            props = []
        else:
            wrapped = True
            props = [{"name": "body", "field": "body", "required": False, "description": "", "schema": st}]
        if props is not None:
            self.schemas[response_type] = {"name": response_type, "kind": "object", "origin": "response",
                                           "description": f"Output of {name}.", "properties": props,
                                           "additional": True, "usage": [], "wrapped": wrapped}
        self.mark({"kind": "ref", "ref": request_type}, "request")
        self.mark({"kind": "ref", "ref": response_type}, "response")

        pagination = op.get("x-dcskit-pagination")
        return {
            "name": name,
            "snake": snake(name),
            "camel": camel(name),
            "kebab": kebab(name),
            "method": method.upper(),
            "path": path,
            "version": op.get("x-dcskit-version") or _version_of(path),
            "deprecated": bool(op.get("deprecated")),
            "replacement": op.get("x-dcskit-replacement"),
            "tag": (op.get("tags") or [""])[0],
            "summary": op.get("summary", ""),
            "description": op.get("description", ""),
            "source": op.get("x-dcskit-source", ""),
            "params": params,
            "all_params": all_params,
            "body": body,
            "content_type": op.get("x-dcskit-content-type") or (body or {}).get("content_type") or "application/json",
            "responses": responses,
            "success_status": success["status"],
            "request_type": request_type,
            "response_type": response_type,
            "response_wrapped": wrapped,
            "pagination": copy.deepcopy(pagination) if pagination else None,
            "waiters": [],
        }

    def build(self):
        ops = []
        seen = {}
        for path, item in self.spec.get("paths", {}).items():
            for method in METHODS:
                if method in item:
                    op = self.operation(path, method, item[method], item)
                    key = op["snake"]
                    if key in seen:
                        raise SpecError(f"operation names collide: {seen[key]} and {op['name']}")
                    seen[key] = op["name"]
                    ops.append(op)
        # Unreferenced components still get types (users may build them by hand).
        for name in self.components:
            if self._is_object(self.components[name]):
                self.named_component(name)
        by_name = {op["name"]: op for op in ops}
        for op in ops:
            r = op["replacement"]
            if r and r not in by_name:
                raise SpecError(f"{op['name']}: replacement {r} is not an operation")
            pg = op["pagination"]
            if pg:
                _check_pagination(op, pg, self.schemas)
        waiters = []
        for w in self.spec.get("x-dcskit-waiters", []):
            if w["operation"] not in by_name:
                raise SpecError(f"waiter {w['name']}: unknown operation {w['operation']}")
            waiters.append({
                "name": w["name"],
                "operation": w["operation"],
                "status_path": w["status_path"],
                "success": list(w.get("success", [])),
                "failure": list(w.get("failure", [])),
                "extra_inputs": list(w.get("extra_inputs", [])),
                "after": list(w.get("after", [])),
                "description": w.get("description", ""),
            })
            by_name[w["operation"]]["waiters"].append(w["name"])
        for name, uses in self.usage.items():
            self.schemas[name]["usage"] = sorted(uses)
        info = self.spec.get("info", {})
        return {
            "ir_version": IR_VERSION,
            "info": {"title": info.get("title", ""), "version": info.get("version", "")},
            "operations": ops,
            "schemas": {k: self.schemas[k] for k in sorted(self.schemas)},
            "waiters": waiters,
        }


def _check_pagination(op, pg, schemas):
    style = pg.get("style")
    if style not in ("offset", "page", "marker"):
        raise SpecError(f"{op['name']}: unknown pagination style {style!r}")
    query = {p["name"] for p in op["params"]["query"]}
    for key in ("offset_param", "limit_param", "marker_param"):
        if pg.get(key) and pg[key] not in query:
            raise SpecError(f"{op['name']}: pagination {key} {pg[key]!r} is not a query parameter")
    resp = {p["name"] for p in schemas[op["response_type"]]["properties"]}
    if pg.get("items") not in resp:
        raise SpecError(f"{op['name']}: pagination items {pg.get('items')!r} is not a response field")
    pg.setdefault("total", None)
    pg.setdefault("page_base", 0)


def _path_placeholders(path):
    out = []
    i = 0
    while True:
        a = path.find("{", i)
        if a < 0:
            return out
        b = path.find("}", a)
        out.append(path[a + 1:b])
        i = b + 1


def _version_of(path):
    seg = path.strip("/").split("/")[0]
    return seg if seg.startswith("v") else ""


def _status_key(s):
    s = str(s)
    return (0, int(s)) if s.isdigit() else (1, s)


def build_ir(spec):
    return _Builder(spec).build()


def resolve(ir, t):
    """Follows a `ref` type to its named schema; other types come back unchanged."""
    if t and t.get("kind") == "ref":
        return ir["schemas"][t["ref"]]
    return t
