"""Schemas from the official SDK's model facts (tools/specgen/sdk_facts.json).

The SDK knows exact wire names and coarse types (str/int/bool/float/object/list/dict);
the seed text adds required flags, ranges, enums and integer widths on top.
"""
import re

LIST = re.compile(r"^list\[(.*)\]$")
DICT = re.compile(r"^dict\(str, (.*)\)$")
PRIMITIVES = {
    "str": {"type": "string"},
    # Wide by default; the seed's "Integer" narrows a documented field to int32.
    "int": {"type": "integer", "format": "int64"},
    "bool": {"type": "boolean"},
    "float": {"type": "number", "format": "float"},
    "object": {},
}


def type_schema(sdk_type, on_model):
    """OpenAPI schema for an SDK type string; `on_model(name)` registers a named model."""
    if sdk_type in PRIMITIVES:
        return dict(PRIMITIVES[sdk_type])
    m = LIST.match(sdk_type)
    if m:
        return {"type": "array", "items": type_schema(m.group(1), on_model)}
    m = DICT.match(sdk_type)
    if m:
        return {"type": "object", "additionalProperties": type_schema(m.group(1), on_model)}
    on_model(sdk_type)
    return {"$ref": "#/components/schemas/" + sdk_type}


def referenced_model(sdk_type):
    """The model name inside an SDK type string, if any."""
    while True:
        m = LIST.match(sdk_type) or DICT.match(sdk_type)
        if not m:
            break
        sdk_type = m.group(1)
    return None if sdk_type in PRIMITIVES else sdk_type
