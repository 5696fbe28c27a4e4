"""The spec against the official SDK (huaweicloudsdkdcs 3.1.219), asked directly."""
import re


def test_every_sdk_operation_is_in_the_spec_with_its_method_and_path(sdk, operations):
    sdk_ops = sdk.sdk_operations()
    assert len(sdk_ops) >= 137
    for name, s in sdk_ops.items():
        assert name in operations, name
        method, path, _ = operations[name]
        assert (method, path) == (s["method"], s["path"]), name


def test_parameters_bodies_content_types_and_models_agree_with_the_sdk(sdk):
    figures, problems = sdk.compare()
    assert problems == []
    assert figures["operations_matching"] == figures["sdk_operations"]
    assert figures["model_fields_checked"] > 1000


def test_crosscheck_notices_a_wrong_path(sdk, monkeypatch, spec):
    # Negative control: a corrupted spec must be reported.
    import copy
    bad = copy.deepcopy(spec)
    op = bad["paths"]["/v2/{project_id}/instances"].pop("get")
    bad["paths"]["/v2/{project_id}/instances-x"] = {"get": op}
    monkeypatch.setattr(sdk, "load_spec", lambda: bad)
    _, problems = sdk.compare()
    assert any(p.startswith("ListInstances:") for p in problems)


def test_sdk_sample_class_names_match_operation_ids(seed_dir, operations):
    """Seed 004's SDK samples name the operation of their section."""
    import docmerge  # noqa: F401
    import seeds
    secs, _ = seeds.seed004_sections(seed_dir)
    by_source = {}
    for name, (_, _, op) in operations.items():
        for src in op.get("x-dcskit-source", "").split(", "):
            by_source[src] = name
    checked = 0
    for sec in secs:
        names = set(re.findall(r"(\w+)Request request = new \1Request", "\n".join(sec.lines)))
        if not names or sec.number.startswith("8."):
            continue
        assert by_source.get(sec.source) in names, (sec.number, names, by_source.get(sec.source))
        checked += 1
    assert checked > 90
