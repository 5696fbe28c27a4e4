#!/usr/bin/env python3
"""Distil facts (operations, paths, parameters, model fields) from the official
`huaweicloudsdkdcs` package into tools/specgen/sdk_facts.json.

The package's code is only read as data (via `ast`, never imported), so this runs
with the standard library on an unpacked wheel or an installed package:

    pip download --no-deps huaweicloudsdkdcs==3.1.219 -d /tmp/w && unzip ... 
    python3 tools/specgen/sdkfacts.py [PATH_TO/huaweicloudsdkdcs]

Without a path it looks the package up on sys.path.
"""
import ast
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "sdk_facts.json")


def find_package(argv):
    if len(argv) > 1:
        return argv[1]
    spec = importlib.util.find_spec("huaweicloudsdkdcs")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("huaweicloudsdkdcs not found: pass its directory")
    return list(spec.submodule_search_locations)[0]


def literal(node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def sent_content_type(declared):
    """The Content-Type value the SDK puts on the wire for its declared list: it
    lower-cases the candidates and prefers plain application/json."""
    candidates = [c.lower() for c in (declared or [])]
    if not candidates or "application/json" in candidates or "*/*" in candidates:
        return "application/json"
    return candidates[0]


def client_operations(path):
    """Every `_x_http_info` classmethod of DcsClient: method, path, params."""
    tree = ast.parse(open(path, encoding="utf-8").read())
    ops = {}
    for cls in tree.body:
        if not (isinstance(cls, ast.ClassDef) and cls.name == "DcsClient"):
            continue
        for fn in cls.body:
            if not (isinstance(fn, ast.FunctionDef) and fn.name.endswith("_http_info")):
                continue
            op = {"path_params": [], "query_params": [], "header_params": [],
                  "collection_formats": {}, "has_body": False, "content_type": None,
                  "response_headers": []}
            for node in ast.walk(fn):
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    tgt = node.targets[0]
                    if isinstance(tgt, ast.Name) and tgt.id == "http_info" and isinstance(node.value, ast.Dict):
                        info = {literal(k): literal(v) for k, v in zip(node.value.keys, node.value.values)}
                        op["method"] = info["method"]
                        op["path"] = info["resource_path"]
                        op["response_type"] = info["response_type"]
                    elif isinstance(tgt, ast.Subscript) and isinstance(tgt.value, ast.Name):
                        key = literal(tgt.slice)
                        if tgt.value.id == "path_params":
                            op["path_params"].append(key)
                        elif tgt.value.id == "header_params" and key != "Content-Type":
                            op["header_params"].append(key)
                        elif tgt.value.id == "collection_formats":
                            op["collection_formats"][key] = literal(node.value)
                        elif tgt.value.id == "header_params" and key == "Content-Type":
                            call = node.value
                            op["content_type"] = sent_content_type(literal(call.args[0]))
                    elif isinstance(tgt, ast.Name) and tgt.id == "response_headers":
                        op["response_headers"] = literal(node.value) or []
                    elif isinstance(tgt, ast.Name) and tgt.id == "body":
                        if isinstance(node.value, ast.Subscript):
                            op["has_body"] = True
                elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                      and node.func.attr == "append" and isinstance(node.func.value, ast.Name)
                      and node.func.value.id == "query_params"):
                    tup = node.args[0]
                    op["query_params"].append(literal(tup.elts[0]))
            name = op["response_type"][: -len("Response")]
            op["request_type"] = name + "Request"
            ops[name] = op
    return ops


def models(model_dir):
    out = {}
    for fname in sorted(os.listdir(model_dir)):
        if not fname.endswith(".py") or fname == "__init__.py":
            continue
        tree = ast.parse(open(os.path.join(model_dir, fname), encoding="utf-8").read())
        for cls in tree.body:
            if not isinstance(cls, ast.ClassDef):
                continue
            m = {"openapi_types": {}, "attribute_map": {}, "sensitive": [],
                 "is_response": any(getattr(b, "id", "") == "SdkResponse" for b in cls.bases)}
            for node in cls.body:
                if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                    key = node.targets[0].id
                    if key in ("openapi_types", "attribute_map"):
                        m[key] = literal(node.value)
                    elif key == "sensitive_list":
                        m["sensitive"] = literal(node.value) or []
            # Field order as declared matters for stable output only; keep it as a list.
            m["fields"] = [[attr, m["attribute_map"].get(attr, attr), typ]
                           for attr, typ in m["openapi_types"].items()]
            out[cls.name] = {"fields": m["fields"], "sensitive": m["sensitive"],
                             "is_response": m["is_response"]}
    return out


def main(argv):
    pkg = find_package(argv)
    v2 = os.path.join(pkg, "v2")
    facts = {
        "package": "huaweicloudsdkdcs",
        "operations": client_operations(os.path.join(v2, "dcs_client.py")),
        "models": models(os.path.join(v2, "model")),
    }
    version = None
    for d in os.listdir(os.path.dirname(pkg)):
        if d.startswith("huaweicloudsdkdcs-") and d.endswith((".dist-info", ".egg-info")):
            version = d.split("-")[1].rsplit(".", 1)[0] if d.endswith(".egg-info") else d.split("-")[1].replace(".dist", "")
    facts["version"] = (version or "").replace(".dist", "")
    with open(OUT, "w", encoding="utf-8") as fh:
        json.dump(facts, fh, indent=2, sort_keys=True, ensure_ascii=False)
        fh.write("\n")
    print(f"{len(facts['operations'])} operations, {len(facts['models'])} models -> {OUT}")


if __name__ == "__main__":
    main(sys.argv)
