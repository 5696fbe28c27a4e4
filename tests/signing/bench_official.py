#!/usr/bin/env python3
"""Times the official huaweicloudsdkcore signer on the requests of core/benches/sign.rs and
prints `<name> <nanoseconds per signature>` lines (best of several rounds)."""
import time

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest

HOST = "dcs.cn-north-4.myhuaweicloud.com"
PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
PREFIX = '{"name":"dcs-bench","padding":"'
BODY = (PREFIX + "a" * (1024 - len(PREFIX) - 2) + '"}').encode()
assert len(BODY) == 1024

creds = BasicCredentials("HPUAEXAMPLEAK12345", "exampleSecretKey0123456789abcdef", PROJECT)


def get_request():
    return SdkRequest(method="GET", schema="https", host=HOST, resource_path="/v2/%s/instances" % PROJECT,
                      query_params=[("offset", "0"), ("limit", "10"), ("name", "dcs-demo")],
                      header_params={"Content-Type": "application/json", "X-Sdk-Date": "20260315T081530Z"}, body=b"")


def post_request():
    return SdkRequest(method="POST", schema="https", host=HOST, resource_path="/v2/%s/instances" % PROJECT,
                      query_params=[], header_params={"Content-Type": "application/json",
                                                      "X-Sdk-Date": "20260315T081530Z"}, body=BODY)


def best_ns(make, n=20000, rounds=5):
    best = None
    for _ in range(rounds):
        t0 = time.perf_counter_ns()
        for _ in range(n):
            creds.sign_request(make())
        per = (time.perf_counter_ns() - t0) / n
        best = per if best is None else min(best, per)
    return best


print("get_3_query %.1f" % best_ns(get_request))
print("post_1k_json %.1f" % best_ns(post_request))
