#!/usr/bin/env python3
"""Compare spec/dcs.openapi.json with the installed official SDK (huaweicloudsdkdcs).

This asks the SDK itself (not tools/specgen/sdk_facts.json): for every operation it
builds a request with every attribute set and calls the client's `_<op>_http_info`
to see the method, path, query parameters, body and Content-Type it would send;
for every model it reads `openapi_types` / `attribute_map`.

    python3 tools/specgen/crosscheck.py [--json]

Prints counts; exits 1 when the spec disagrees with the SDK.
"""
import inspect
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SPEC = os.path.join(REPO, "spec", "dcs.openapi.json")

SDK_TO_JSON = {"str": "string", "int": "integer", "bool": "boolean", "float": "number"}


def snake(name):
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def load_spec():
    with open(SPEC, encoding="utf-8") as fh:
        return json.load(fh)


def spec_operations(spec):
    ops = {}
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            ops[op["operationId"]] = (method.upper(), path, op)
    return ops


def sdk_operations():
    """{name: {method, path, query, path_params, body_type, content_type, response_type}} from the SDK."""
    from huaweicloudsdkdcs.v2 import DcsClient
    from huaweicloudsdkdcs.v2 import model as models
    out = {}
    for attr, fn in inspect.getmembers(DcsClient):
        m = re.match(r"^_(\w+)_http_info$", attr)
        if not m:
            continue
        op_snake = m.group(1)
        name = "".join(w.capitalize() for w in op_snake.split("_"))
        req_cls = None
        for cand in dir(models):
            if cand.lower() == (op_snake.replace("_", "") + "request"):
                req_cls = getattr(models, cand)
        if req_cls is None:
            raise SystemExit(f"no request model for {attr}")
        req = req_cls()
        for field, typ in req_cls.openapi_types.items():
            setattr(req, field, _dummy(typ))
        info = fn(req)
        name = info["response_type"][: -len("Response")]
        body_type = req_cls.openapi_types.get("body")
        out[name] = {
            "param_types": {req_cls.attribute_map.get(a, a): t for a, t in req_cls.openapi_types.items()},
            "method": info["method"],
            "path": info["resource_path"],
            "query": sorted(k for k, _ in info["query_params"]),
            "path_params": sorted(info["path_params"]),
            "body_type": body_type,
            "content_type": info["header_params"].get("Content-Type"),
            "response_type": info["response_type"],
            "collection_formats": info.get("collection_formats") or {},
        }
    return out


def _dummy(typ):
    if typ.startswith("list["):
        return []
    return {"str": "x", "int": 1, "bool": True, "float": 1.0}.get(typ, None)


def sdk_models():
    from huaweicloudsdkdcs.v2 import model as models
    out = {}
    for name in dir(models):
        cls = getattr(models, name)
        if inspect.isclass(cls) and hasattr(cls, "openapi_types") and hasattr(cls, "attribute_map"):
            out[name] = {cls.attribute_map.get(a, a): t for a, t in cls.openapi_types.items()}
    return out


def schema_type_ok(schema, sdk_type, schemas):
    """Does the spec schema carry the SDK type?"""
    if sdk_type in SDK_TO_JSON:
        t = schema.get("type")
        return t == SDK_TO_JSON[sdk_type] or (isinstance(t, list) and SDK_TO_JSON[sdk_type] in t)
    if sdk_type == "object":
        return True
    m = re.match(r"^list\[(.*)\]$", sdk_type)
    if m:
        return schema.get("type") == "array" and schema_type_ok(schema.get("items", {}), m.group(1), schemas)
    m = re.match(r"^dict\(str, (.*)\)$", sdk_type)
    if m:
        return schema.get("type") == "object" and schema_type_ok(schema.get("additionalProperties", {}),
                                                                  m.group(1), schemas)
    return schema.get("$ref") == "#/components/schemas/" + sdk_type


def compare():
    spec = load_spec()
    ops = spec_operations(spec)
    schemas = spec["components"]["schemas"]
    sdk_ops = sdk_operations()
    models = sdk_models()
    problems = []
    figures = {"sdk_operations": len(sdk_ops), "spec_operations": len(ops),
               "spec_deprecated": sum(1 for _, _, o in ops.values() if o.get("deprecated")),
               "operations_matching": 0, "query_params_checked": 0, "path_params_checked": 0,
               "seed_only_query_params": 0, "models_checked": 0, "model_fields_checked": 0,
               "seed_only_model_fields": 0, "content_types_checked": 0}
    for name, s in sorted(sdk_ops.items()):
        if name not in ops:
            problems.append(f"{name}: missing from the spec")
            continue
        method, path, op = ops[name]
        if (method, path) != (s["method"], s["path"]):
            problems.append(f"{name}: spec {method} {path}, SDK {s['method']} {s['path']}")
            continue
        figures["operations_matching"] += 1
        params = op.get("parameters", [])
        spec_query = sorted(p["name"] for p in params if p["in"] == "query")
        spec_path = sorted(p["name"] for p in params if p["in"] == "path" and p["name"] != "project_id")
        missing_q = sorted(set(s["query"]) - set(spec_query))
        extra_q = [p for p in params if p["in"] == "query" and p["name"] not in s["query"]]
        if missing_q:
            problems.append(f"{name}: query parameters missing {missing_q}")
        for p in extra_q:
            if p.get("x-dcskit-source") != "seed only":
                problems.append(f"{name}: query parameter {p['name']} not in the SDK and not marked seed-only")
            figures["seed_only_query_params"] += 1
        figures["query_params_checked"] += len(s["query"])
        for p in params:
            sdk_type = s["param_types"].get(p["name"])
            if p["in"] in ("query", "path") and sdk_type and not schema_type_ok(p["schema"], sdk_type, schemas):
                problems.append(f"{name}: parameter {p['name']} type {p['schema'].get('type')} vs SDK {sdk_type}")
        if spec_path != s["path_params"]:
            problems.append(f"{name}: path parameters {spec_path} vs SDK {s['path_params']}")
        figures["path_params_checked"] += len(s["path_params"])
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        if s["body_type"]:
            if body is None or not schema_type_ok(body, s["body_type"], schemas):
                problems.append(f"{name}: request body {body} vs SDK {s['body_type']}")
        elif body is not None:
            problems.append(f"{name}: spec has a request body the SDK does not send")
        if op.get("x-dcskit-content-type") != s["content_type"]:
            problems.append(f"{name}: Content-Type {op.get('x-dcskit-content-type')} vs SDK {s['content_type']}")
        figures["content_types_checked"] += 1
    for model, fields in sorted(models.items()):
        if model.endswith("Request") and "body" in fields or model.endswith("Request") and model not in schemas:
            continue  # request wrappers: their fields are the parameters checked above
        if model.endswith("Response") and model not in schemas:
            continue  # empty or raw-body responses are checked through the operation
        if model not in schemas:
            problems.append(f"model {model}: missing from components")
            continue
        figures["models_checked"] += 1
        props = schemas[model].get("properties", {})
        for wire, typ in fields.items():
            figures["model_fields_checked"] += 1
            if wire not in props:
                problems.append(f"model {model}: field {wire} missing")
            elif not schema_type_ok(props[wire], typ, schemas):
                problems.append(f"model {model}.{wire}: spec {props[wire]} vs SDK {typ}")
        figures["seed_only_model_fields"] += sum(1 for w in props if w not in fields)
    return figures, problems


def main(argv):
    figures, problems = compare()
    if "--json" in argv:
        print(json.dumps({"figures": figures, "problems": problems}, indent=2, sort_keys=True))
    else:
        for k, v in figures.items():
            print(f"{k}: {v}")
        print(f"problems: {len(problems)}")
        for p in problems:
            print("  " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
