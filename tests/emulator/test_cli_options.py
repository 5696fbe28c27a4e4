"""`dcskit mock` options: --state across restarts, --backup-file, --fault, --fail-rate."""

import os
import urllib.request

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException, ServerResponseException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkdcs.v2 import (
    BackupInstanceBody, CopyInstanceRequest, CreateInstanceBody, CreateInstanceRequest, DcsClient,
    DownloadBackupFilesReq, ListBackupFileLinksRequest, ListBackupRecordsRequest, ListInstancesRequest,
    ShowInstanceRequest,
)

from conftest import AK, PROJECT, SK, Emulator, wait_until


def client(url):
    cfg = HttpConfig.get_default_config()
    cfg.retry_times = 0
    return (DcsClient.new_builder().with_credentials(BasicCredentials(AK, SK, PROJECT))
            .with_endpoints([url]).with_http_config(cfg).build())


def running_instance(c, name):
    body = CreateInstanceBody(name=name, engine="Redis", capacity=1, spec_code="redis.single.xu1.large.1",
                              az_codes=["az1"], vpc_id="vpc-1", subnet_id="subnet-1")
    iid = c.create_instance(CreateInstanceRequest(body=body)).instances[0].instance_id
    wait_until(lambda: c.show_instance(ShowInstanceRequest(instance_id=iid)).status == "RUNNING")
    return iid


def test_state_file_survives_restart(tmp_path):
    state = str(tmp_path / "state.json")
    e = Emulator("--state", state)
    try:
        iid = running_instance(client(e.url), "kept-across")
    finally:
        assert e.stop() == 0
    e = Emulator("--state", state)
    try:
        shown = client(e.url).show_instance(ShowInstanceRequest(instance_id=iid))
        assert shown.name == "kept-across" and shown.status == "RUNNING"
    finally:
        assert e.stop() == 0


def fixture_rdb():
    root = os.environ.get("DCSKIT_FIXTURES") or os.path.join(
        os.path.dirname(__file__), "..", "..", "..", "shared", "fixtures", "rdb")
    path = os.path.join(root, "redis__redis", "encodings.rdb")
    if not os.path.exists(path):
        if os.environ.get("CI") == "true":
            pytest.fail("fixtures missing at %s (required when CI=true)" % root)
        pytest.skip("fixtures absent")
    return path


def test_backup_file_is_served_as_the_backup():
    path = fixture_rdb()
    e = Emulator("--backup-file", path)
    try:
        c = client(e.url)
        iid = running_instance(c, "given-file")
        bid = c.copy_instance(CopyInstanceRequest(instance_id=iid, body=BackupInstanceBody(remark="x"))).backup_id
        wait_until(lambda: c.list_backup_records(ListBackupRecordsRequest(instance_id=iid))
                   .backup_record_response[0].status == "succeed")
        link = c.list_backup_file_links(ListBackupFileLinksRequest(
            instance_id=iid, backup_id=bid, body=DownloadBackupFilesReq(expiration=60))).links[0].link
        assert urllib.request.urlopen(link, timeout=10).read() == open(path, "rb").read()
    finally:
        assert e.stop() == 0


def test_scripted_faults_reach_the_sdk():
    e = Emulator("--fault", "ListInstances=503,429:3")
    try:
        c = client(e.url)
        with pytest.raises(ServerResponseException) as first:
            c.list_instances(ListInstancesRequest())
        assert first.value.status_code == 503 and first.value.request_id
        with pytest.raises(ClientRequestException) as second:
            c.list_instances(ListInstancesRequest())
        assert second.value.status_code == 429
        assert c.list_instances(ListInstancesRequest()).instance_num == 0
    finally:
        assert e.stop() == 0


def test_bad_options_fail_with_a_message():
    with pytest.raises(RuntimeError, match="fault"):
        Emulator("--fault", "ListInstances=418")
