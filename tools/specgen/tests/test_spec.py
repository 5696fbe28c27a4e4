"""Integrity of spec/dcs.openapi.json: coverage, references, deprecations, waiters."""
import collections
import re

import pytest


def walk(node, path=""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield path, k, v
            yield from walk(v, path + "/" + str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, f"{path}/{i}")


def test_every_ref_resolves(spec):
    schemas = spec["components"]["schemas"]
    refs = [(p, v) for p, k, v in walk(spec) if k == "$ref"]
    assert len(refs) > 500
    for where, ref in refs:
        assert ref.startswith("#/components/schemas/"), where
        assert ref.rsplit("/", 1)[1] in schemas, f"{where}: {ref}"


def test_operation_ids_unique_and_fields_present(spec):
    seen = collections.Counter()
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            assert method in ("get", "post", "put", "delete", "patch")
            seen[op["operationId"]] += 1
            assert re.match(r"^[A-Z][A-Za-z0-9]+$", op["operationId"])
            assert op["x-dcskit-version"] in ("v1.0", "v2", "v3")
            assert op["x-dcskit-version"] == path.split("/")[1]
            assert op["tags"] and op["summary"]
            assert any(c.startswith("2") for c in op["responses"]), op["operationId"]
            names = {p["name"] for p in op["parameters"] if p["in"] == "path"}
            assert names == set(re.findall(r"\{([^}]+)\}", path)), op["operationId"]
            for p in op["parameters"]:
                if p["in"] == "path":
                    assert p["required"] is True
    assert [n for n, c in seen.items() if c > 1] == []


def test_out_of_date_apis_are_deprecated_and_name_a_v2_replacement(spec, operations):
    legacy = [op for _, _, op in operations.values() if op.get("deprecated")]
    assert len(legacy) == 27
    for op in legacy:
        assert op["x-dcskit-source"].startswith("seed 004 §8.")
        rep = op["x-dcskit-replacement"]
        assert rep in operations and not operations[rep][2].get("deprecated"), op["operationId"]
    v1 = [op for _, _, op in operations.values() if op["x-dcskit-version"] == "v1.0"]
    assert all(op.get("deprecated") for op in v1) and len(v1) == 25


def test_every_seed_chapter5_and_chapter8_section_has_one_operation(seed_dir, operations):
    import seeds
    secs, _ = seeds.seed004_sections(seed_dir)
    sources = collections.Counter()
    for _, _, op in operations.values():
        for src in op["x-dcskit-source"].split(", "):
            sources[src] += 1
    for sec in secs:
        assert sources[sec.source] == 1, sec.source
    assert len([s for s in secs if s.number.startswith("5.")]) == 116
    assert len([s for s in secs if s.number.startswith("8.")]) == 27
    for key in ("000", "001", "002", "003"):
        assert sources["seed " + key] == 1, key


def test_offline_key_analysis_family(operations, spec):
    schemas = spec["components"]["schemas"]
    method, path, op = operations["ShowOfflineKeyAnalysisTask"]
    assert (method, path) == ("GET", "/v2/{project_id}/instances/{instance_id}/offline/key-analysis/{task_id}")
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    props = schemas[ref]["properties"]
    for f in ("largest_keys", "largest_key_prefixes", "type_bytes", "type_num", "total_bytes", "total_num",
              "id", "instance_id", "node_id", "started_at", "finished_at"):
        assert f in props, f
    assert operations["DeleteOfflineKeyAnalysisTask"][:2] == ("DELETE", path)
    assert operations["CreateOfflineKeyAnalysis"][2]["x-dcskit-source"] == "seed 000"
    assert operations["ListOfflineKeyAnalysisTask"][2]["x-dcskit-source"] == "seed 001"
    status = next(p for p in operations["ListOfflineKeyAnalysisTask"][2]["parameters"] if p["name"] == "status")
    assert status["schema"]["enum"] == ["waiting", "running", "success", "failed"]


def test_waiters_point_at_real_operations_and_fields(spec, operations):
    schemas = spec["components"]["schemas"]
    waiters = {w["name"]: w for w in spec["x-dcskit-waiters"]}
    for name in ("instance_running", "background_task_finished", "migration_task_finished", "job_finished",
                 "bigkey_task_finished", "hotkey_task_finished", "offline_key_analysis_finished"):
        assert name in waiters
    for w in waiters.values():
        _, _, op = operations[w["operation"]]
        assert w["success"]
        schema = schemas[op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
        for seg in w["status_path"].split("."):
            m = re.match(r"^(\w+)(?:\[(\w+)=\$(\w+)\])?$", seg)
            assert m, seg
            prop = schema["properties"][m.group(1)]
            if m.group(2):
                prop = prop["items"]
                schema = schemas[prop["$ref"].rsplit("/", 1)[1]]
                assert m.group(2) in schema["properties"]
            elif "$ref" in prop:
                schema = schemas[prop["$ref"].rsplit("/", 1)[1]]
    assert waiters["instance_running"]["success"] == ["RUNNING"]


def test_pagination_names_real_fields(operations, spec):
    schemas = spec["components"]["schemas"]
    paged = {n: op for n, (_, _, op) in operations.items() if "x-dcskit-pagination" in op}
    assert {"ListInstances", "ListBackupRecords", "ListOfflineKeyAnalysisTask", "ListBigkeyScanTasks",
            "ListBackgroundTask", "ListMigrationTask"} <= set(paged)
    for name, op in paged.items():
        pg = op["x-dcskit-pagination"]
        params = {p["name"] for p in op["parameters"] if p["in"] == "query"}
        assert pg["offset_param"] in params and pg["limit_param"] in params, name
        ok = next(r for c, r in sorted(op["responses"].items()) if c.startswith("2"))
        props = schemas[ok["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]["properties"]
        assert props[pg["items"]]["type"] == "array", name
        assert pg["total"] is None or pg["total"] in props, name


def test_validated_constraints_are_consistent(spec):
    """enum only on request-side fields, bounds ordered, defaults inside bounds and enums."""
    checked = 0
    for where, key, node in walk(spec):
        if not isinstance(node, dict) or "type" not in node:
            continue
        lo, hi = node.get("minimum"), node.get("maximum")
        if lo is not None and hi is not None:
            assert lo <= hi, where
        if "default" in node:
            d = node["default"]
            if lo is not None and isinstance(d, (int, float)):
                assert d >= lo, where
            if "enum" in node:
                assert d in node["enum"], where
            checked += 1
    assert checked > 10


@pytest.mark.parametrize("op_name,param,expected", [
    ("ListInstances", "limit", {"minimum": 1, "maximum": 1000, "default": 10}),
    ("ListInstances", "offset", {"minimum": 0}),
])
def test_documented_bounds_reach_parameters(operations, op_name, param, expected):
    p = next(p for p in operations[op_name][2]["parameters"] if p["name"] == param)
    for k, v in expected.items():
        assert p["schema"][k] == v


def test_create_instance_body_required_fields(spec):
    body = spec["components"]["schemas"]["CreateInstanceBody"]
    assert {"name", "engine", "capacity", "spec_code", "az_codes", "vpc_id", "subnet_id"} <= set(body["required"])
    assert "password" not in body["required"]


def test_documented_responses_fit_the_schema_structure(spec):
    """No success or error example has an object/array where the schema has a scalar (or text
    where it has a number): a typed client could not read it (overrides.field_schemas fixes those)."""
    import copy

    import exampletypes
    hard = []
    exampletypes.run(spec, hard)
    responses = [h for h in hard if not h.split(":", 1)[0].endswith(" request") and " request." not in h]
    assert responses == []
    bad = copy.deepcopy(spec)
    media = bad["paths"]["/v1.0/{project_id}/quota"]["get"]["responses"]["200"]["content"]["application/json"]
    media["example"]["quotas"]["resource_user"]["tenant_id"] = {"not": "a string"}
    planted = []
    exampletypes.run(bad, planted)
    assert any(p.startswith("ShowQuotaOfTenantV1 200.quotas.resource_user.tenant_id") for p in planted)


def test_field_schema_overrides_follow_the_examples(spec):
    schemas = spec["components"]["schemas"]
    tag = {"$ref": "#/components/schemas/ResourceTag"}
    assert schemas["ListInstancesV1Instance"]["properties"]["tags"]["items"] == tag
    assert schemas["ShowInstanceV1Response"]["properties"]["tags"]["items"] == tag
    addrs = schemas["ShowInstanceV1Response"]["properties"]["backend_addrs"]
    assert (addrs["type"], addrs["items"], addrs["x-dcskit-doc-type"]) == ("array", {"type": "string"}, "String")
    name = schemas["ShowQuotaOfTenantV1ResourceUser"]["properties"]["tenant_name"]
    assert (name["type"], name["x-dcskit-doc-type"]) == ("string", "Integer")
