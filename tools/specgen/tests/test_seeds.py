"""The spec against the seed text: examples, error codes, freshness."""
import json
import os
import re

from conftest import REPO

DECODER = json.JSONDecoder()


def documented_json_blocks(lines):
    """Every JSON value that opens a line between the example headings and the SDK samples,
    decoded straight from the text (no repair): what a reader would copy and paste."""
    text_lines = []
    active = False
    for line in lines:
        s = re.sub(r"^\s*[•●]\s*", "", line).rstrip()
        if s.strip().startswith(("Example Request", "Example Response", "Example request", "Example response",
                         "请求示例", "响应示例")):
            active = True
        elif s.strip().startswith(("SDK Sample Code", "SDK代码示例", "Status Code")):
            active = False
        text_lines.append(s if active else "")
    text = "\n".join(text_lines)
    out = []
    end = 0
    # Top-level values open at the margin (a page break adds one space); nested ones are indented.
    for m in re.finditer(r"(?m)^ ?[\[{]", text):
        if m.start() < end:
            continue  # inside the value decoded last
        try:
            value, end = DECODER.raw_decode(text, m.end() - 1)
        except ValueError:
            continue
        if isinstance(value, (dict, list)):
            out.append(value)
    return out


def spec_examples(op):
    vals = []
    for media in [op.get("requestBody", {}).get("content", {}).get("application/json", {})] + [
            r.get("content", {}).get("application/json", {}) for r in op["responses"].values()]:
        if "example" in media:
            vals.append(media["example"])
        vals += [e["value"] for e in media.get("examples", {}).values()]
    vals += op.get("x-dcskit-unsent-request-examples", [])
    return vals


def test_every_valid_json_example_of_the_seeds_is_in_the_spec(seed_dir, operations):
    import seeds
    secs, _ = seeds.seed004_sections(seed_dir)
    secs += [seeds.single_page(seed_dir, k) for k in ("000", "001", "002", "003")]
    by_source = {}
    for _, _, op in operations.values():
        for src in op["x-dcskit-source"].split(", "):
            by_source[src] = op
    total = 0
    for sec in secs:
        op = by_source[sec.source]
        have = spec_examples(op)
        for block in documented_json_blocks(sec.lines):
            total += 1
            assert block in have, f"{sec.source} ({op['operationId']}): {json.dumps(block)[:200]}"
    print(f"valid JSON examples in the seeds: {total}")
    assert total >= 230


def test_error_codes_table(seed_dir):
    with open(os.path.join(REPO, "spec", "error-codes.json"), encoding="utf-8") as fh:
        rows = json.load(fh)
    codes = [r["error_code"] for r in rows]
    assert len(codes) == len(set(codes)) and len(codes) >= 280
    by = {r["error_code"]: r for r in rows}
    assert by["DCS.4800"]["status_code"] == 400
    assert by["DCS.1001"]["status_code"] == 401 and by["DCS.1001"]["message"] == "Invalid token."
    assert by["DCS.4855"]["message"].startswith("Master")  # a code wrapped as "DCS. 4855"
    for r in rows:
        assert 400 <= r["status_code"] < 600
        assert re.match(r"^(DCS\.\d{4}|\d{9})$", r["error_code"]), r
        assert r["message"] and r["handling"]


def test_generated_files_are_fresh(seed_dir):
    import extract
    for rel, text in extract.generate(REPO).items():
        with open(os.path.join(REPO, rel), encoding="utf-8") as fh:
            assert fh.read() == text, f"{rel} is stale: run python3 tools/specgen/extract.py"


def test_generation_is_deterministic(seed_dir):
    import extract
    assert extract.generate(REPO) == extract.generate(REPO)


def test_example_type_check_reports_mismatches(spec):
    """The example/schema type check runs, finds few mismatches, and catches a planted one."""
    import copy

    import exampletypes
    total, problems = exampletypes.run(spec)
    print(f"examples checked: {total}, type mismatches: {len(problems)}")
    assert total >= 240 and len(problems) < 60
    bad = copy.deepcopy(spec)
    media = bad["paths"]["/v2/{project_id}/instances"]["get"]["responses"]["400"]["content"]["application/json"]
    media["example"] = {"error_code": 4800}
    _, planted = exampletypes.run(bad)
    assert any(p.startswith("ListInstances 400.error_code") for p in planted)
