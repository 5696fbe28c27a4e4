"""Do the documented examples fit the spec's schemas? (types only; extra fields allowed)

    python3 tools/specgen/exampletypes.py

Lists every place where an example value's JSON type differs from the schema, so a
typed client knows which documented examples it can only read leniently.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

JSON_TYPES = {"string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,),
              "object": (dict,), "array": (list,)}


def structural(value, t):
    """A mismatch no lenient decoder can bridge: a non-empty object or array where the schema
    has a scalar (or the reverse), or text that is no number where the schema has a number."""
    if t in ("object", "array"):
        return not isinstance(value, (dict, list))
    if isinstance(value, (dict, list)):
        return bool(value)
    if t in ("integer", "number") and isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return True
    return False


def check(value, schema, schemas, where, out, depth=0, hard=None):
    if depth > 30 or value is None:
        return
    if "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
    t = schema.get("type")
    if t is None and "properties" in schema:
        t = "object"
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), None)
    if t is None:
        return
    ok = isinstance(value, JSON_TYPES[t]) and not (t in ("integer", "number") and isinstance(value, bool))
    if not ok:
        out.append(f"{where}: example {type(value).__name__} {json.dumps(value)[:40]}, schema {t}")
        if hard is not None and structural(value, t):
            hard.append(out[-1])
        return
    if t == "object":
        for k, v in value.items():
            if k in schema.get("properties", {}):
                check(v, schema["properties"][k], schemas, f"{where}.{k}", out, depth + 1, hard)
            elif isinstance(schema.get("additionalProperties"), dict):
                check(v, schema["additionalProperties"], schemas, f"{where}.{k}", out, depth + 1, hard)
    elif t == "array":
        for i, v in enumerate(value):
            check(v, schema.get("items", {}), schemas, f"{where}[{i}]", out, depth + 1, hard)


def examples_of(media):
    vals = []
    if "example" in media:
        vals.append(media["example"])
    vals += [e["value"] for e in media.get("examples", {}).values()][1:] if "examples" in media else []
    return vals


def run(spec, hard=None):
    """(examples checked, mismatches); structural ones are also appended to `hard`."""
    schemas = spec["components"]["schemas"]
    total = 0
    problems = []
    for path, methods in sorted(spec["paths"].items()):
        for method, op in sorted(methods.items()):
            name = op["operationId"]
            media = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            for v in examples_of(media):
                total += 1
                check(v, media["schema"], schemas, f"{name} request", problems, hard=hard)
            for code, resp in sorted(op["responses"].items()):
                media = resp.get("content", {}).get("application/json", {})
                for v in examples_of(media):
                    total += 1
                    check(v, media.get("schema", {}), schemas, f"{name} {code}", problems, hard=hard)
    return total, problems


def main():
    with open(os.path.join(REPO, "spec", "dcs.openapi.json"), encoding="utf-8") as fh:
        spec = json.load(fh)
    hard = []
    total, problems = run(spec, hard)
    for p in problems:
        print(p)
    print(f"examples: {total}, type mismatches: {len(problems)} ({len(hard)} structural)")


if __name__ == "__main__":
    main()
