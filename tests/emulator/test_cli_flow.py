"""`dcskit api` drives the same flow as the official SDK; `dcskit analyze --instance`
analyzes the instance's backup through its download links."""

import json
import os
import subprocess

import pytest

from conftest import AK, PROJECT, SK, dcskit_bin, wait_until


def run(emulator, *args, check=True, sk=SK):
    env = dict(os.environ, CLOUD_SDK_AK=AK, CLOUD_SDK_SK=sk, CLOUD_SDK_PROJECT_ID=PROJECT,
               DCSKIT_ENDPOINT=emulator.url)
    p = subprocess.run([dcskit_bin(), *args], capture_output=True, text=True, env=env, timeout=60)
    if check:
        assert p.returncode == 0, p.stderr
    return p


def api(emulator, op, payload=None, **kw):
    p = run(emulator, "api", op, "--input", json.dumps(payload or {}), **kw)
    return json.loads(p.stdout) if p.returncode == 0 else p


def test_api_flow_and_analyze(emulator):
    created = api(emulator, "CreateInstance", {"body": {
        "name": "cli-flow", "engine": "Redis", "engine_version": "6.0", "capacity": 1,
        "spec_code": "redis.single.xu1.large.1", "az_codes": ["az1"], "vpc_id": "vpc-1", "subnet_id": "subnet-1"}})
    iid = created["instances"][0]["instance_id"]
    wait_until(lambda: api(emulator, "ShowInstance", {"instance_id": iid})["status"] == "RUNNING")
    listed = api(emulator, "list-instances", {"name": "cli-flow", "limit": 5})
    assert [i["instance_id"] for i in listed["instances"]] == [iid]

    backup_id = api(emulator, "CopyInstance", {"instance_id": iid, "body": {"remark": "cli"}})["backup_id"]
    wait_until(lambda: api(emulator, "ListBackupRecords", {"instance_id": iid})
               ["backup_record_response"][0]["status"] == "succeed")
    links = api(emulator, "ListBackupFileLinks", {"instance_id": iid, "backup_id": backup_id,
                                                  "body": {"expiration": 600}})
    link = links["links"][0]["link"]

    node = api(emulator, "ShowNodesInformation", {"instance_id": iid})["nodes"][0]["node_id"]
    task = api(emulator, "CreateOfflineKeyAnalysis", {"instance_id": iid,
                                                      "body": {"node_id": node, "backup_id": backup_id}})["task_id"]
    wait_until(lambda: api(emulator, "ShowOfflineKeyAnalysisTask",
                           {"instance_id": iid, "task_id": task})["status"] == "success")
    report = api(emulator, "ShowOfflineKeyAnalysisTask", {"instance_id": iid, "task_id": task})

    # The CLI's own analysis of the same backup, by instance and by link, agrees with it.
    by_instance = json.loads(run(emulator, "analyze", "--instance", iid, "--format", "json").stdout)
    by_link = json.loads(run(emulator, "analyze", link, "--format", "json").stdout)
    for field in ("total_num", "total_bytes", "type_num", "type_bytes", "largest_keys"):
        assert by_instance[field] == report[field], field
        assert by_link[field] == report[field], field
    explicit = json.loads(run(emulator, "analyze", "--instance", iid, "--backup", backup_id,
                              "--format", "json").stdout)
    assert explicit["total_num"] == report["total_num"]

    api(emulator, "DeleteSingleInstance", {"instance_id": iid})
    gone = api(emulator, "ShowInstance", {"instance_id": iid}, check=False)
    assert gone.returncode != 0
    assert "DCS.3022" in gone.stderr
    missing = run(emulator, "analyze", "--instance", iid, "--format", "json", check=False)
    assert missing.returncode != 0 and "DCS.3022" in missing.stderr


def test_api_with_wrong_key_is_refused(emulator):
    p = api(emulator, "ListInstances", {}, check=False, sk="wrong")
    assert p.returncode != 0
    assert "401" in p.stderr and "APIGW.030" in p.stderr
