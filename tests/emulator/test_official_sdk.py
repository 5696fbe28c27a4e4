"""The official huaweicloudsdkdcs Python SDK, unmodified, against `dcskit mock`."""

import urllib.request

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkdcs.v2 import (
    BackupInstanceBody, CopyInstanceRequest, CreateInstanceBody, CreateInstanceRequest,
    CreateOfflineKeyAnalysisRequest, CreateOfflineKeyAnalysisRequestBody, DcsClient,
    DeleteSingleInstanceRequest, DownloadBackupFilesReq, ListBackupFileLinksRequest,
    ListBackupRecordsRequest, ListInstancesRequest, ListOfflineKeyAnalysisTaskRequest,
    ShowInstanceRequest, ShowNodesInformationRequest, ShowOfflineKeyAnalysisTaskRequest,
)

from conftest import AK, PROJECT, SK, wait_until


def client(url, sk=SK):
    return (DcsClient.new_builder()
            .with_credentials(BasicCredentials(AK, sk, PROJECT))
            .with_endpoints([url])
            .with_http_config(HttpConfig.get_default_config())
            .build())


def test_whole_flow(emulator):
    c = client(emulator.url)
    body = CreateInstanceBody(
        name="sdk-flow", engine="Redis", engine_version="6.0", capacity=1,
        spec_code="redis.single.xu1.large.1", az_codes=["az1"], vpc_id="vpc-1", subnet_id="subnet-1")
    created = c.create_instance(CreateInstanceRequest(body=body))
    instance_id = created.instances[0].instance_id
    assert created.instances[0].instance_name == "sdk-flow"
    assert c.show_instance(ShowInstanceRequest(instance_id=instance_id)).status == "CREATING"

    wait_until(lambda: c.show_instance(ShowInstanceRequest(instance_id=instance_id)).status == "RUNNING")

    listed = c.list_instances(ListInstancesRequest(name="sdk-flow", limit=10))
    assert listed.instance_num == 1
    assert listed.instances[0].instance_id == instance_id
    assert listed.instances[0].status == "RUNNING"

    backup_id = c.copy_instance(CopyInstanceRequest(
        instance_id=instance_id, body=BackupInstanceBody(remark="sdk", backup_format="rdb"))).backup_id
    wait_until(lambda: c.list_backup_records(ListBackupRecordsRequest(instance_id=instance_id))
               .backup_record_response[0].status == "succeed")

    links = c.list_backup_file_links(ListBackupFileLinksRequest(
        instance_id=instance_id, backup_id=backup_id, body=DownloadBackupFilesReq(expiration=600)))
    assert len(links.links) == 1
    data = urllib.request.urlopen(links.links[0].link, timeout=10).read()
    assert data[:9] == b"REDIS0011"

    node_id = c.show_nodes_information(ShowNodesInformationRequest(instance_id=instance_id)).nodes[0].node_id
    task_id = c.create_offline_key_analysis(CreateOfflineKeyAnalysisRequest(
        instance_id=instance_id,
        body=CreateOfflineKeyAnalysisRequestBody(node_id=node_id, backup_id=backup_id))).task_id
    wait_until(lambda: c.list_offline_key_analysis_task(ListOfflineKeyAnalysisTaskRequest(
        instance_id=instance_id)).records[0].status == "success")
    report = c.show_offline_key_analysis_task(ShowOfflineKeyAnalysisTaskRequest(
        instance_id=instance_id, task_id=task_id))
    assert report.backup_id == backup_id
    assert report.total_num > 100
    assert report.total_bytes > 0
    assert {t.type for t in report.type_num} >= {"string", "list", "set", "hash", "zset"}
    assert sum(t.num for t in report.type_num) == report.total_num
    assert report.largest_keys and report.largest_keys[0].bytes >= report.largest_keys[-1].bytes
    assert report.largest_key_prefixes

    c.delete_single_instance(DeleteSingleInstanceRequest(instance_id=instance_id))
    with pytest.raises(ClientRequestException) as gone:
        c.show_instance(ShowInstanceRequest(instance_id=instance_id))
    assert gone.value.status_code == 404
    assert gone.value.error_code == "DCS.3022"
    assert gone.value.request_id


def test_wrong_secret_key_is_refused(emulator):
    with pytest.raises(ClientRequestException) as refused:
        client(emulator.url, sk="wrong-secret").list_instances(ListInstancesRequest())
    assert refused.value.status_code == 401
    assert refused.value.error_code.startswith("APIGW.030")
    assert refused.value.request_id
    # The same call, correctly signed, passes.
    assert client(emulator.url).list_instances(ListInstancesRequest()).instance_num is not None


def test_validation_errors_carry_dcs_codes(emulator):
    body = CreateInstanceBody(
        name="x", engine="Redis", capacity=1, spec_code="s", az_codes=["az1"], vpc_id="v", subnet_id="s")
    with pytest.raises(ClientRequestException) as bad:
        client(emulator.url).create_instance(CreateInstanceRequest(body=body))
    assert bad.value.status_code == 400
    assert bad.value.error_code == "DCS.4010"
