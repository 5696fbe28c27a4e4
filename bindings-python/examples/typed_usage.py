"""A typed dcskit program: `mypy --strict` checks it against the generated stubs (tests run it
through mypy only; it is also runnable against an emulator: `python typed_usage.py URL`)."""

from __future__ import annotations

import asyncio
import sys
from typing import List

import dcskit
from dcskit.types import CreateInstanceBody, InstanceListInfo, ListInstancesResponse


def names_of_running(client: dcskit.Client) -> List[str]:
    page: ListInstancesResponse = client.list_instances(limit=10, status="RUNNING")
    count: int = page.get("instance_num", 0)
    print(f"{count} instances in all")
    infos: List[InstanceListInfo] = page.get("instances", [])
    return [i.get("name", "") for i in infos]


def every_instance_id(client: dcskit.Client) -> List[str]:
    # The paginator yields InstanceListInfo items across pages.
    return [inst["instance_id"] for inst in client.paginate("list_instances", limit=50)]


def create(client: dcskit.Client) -> str:
    body: CreateInstanceBody = {
        "name": "typed-example",
        "engine": "Redis",
        "engine_version": "6.0",
        "capacity": 1,
        "spec_code": "redis.ha.xu1.tiny.r2.128",
        "az_codes": ["cn-north-4a"],
        "vpc_id": "vpc-1",
        "subnet_id": "subnet-1",
    }
    out = client.create_instance(body=body)
    instance_id: str = out["instances"][0]["instance_id"]
    client.wait("instance_running", instance_id=instance_id, timeout=600)
    return instance_id


async def show_all(aclient: dcskit.AsyncClient, ids: List[str]) -> List[str]:
    shown = await asyncio.gather(*(aclient.show_instance(instance_id=i) for i in ids))
    statuses = [s.get("status", "?") for s in shown]
    async for item in aclient.paginate("ListInstances", limit=20):
        statuses.append(str(item.get("status")))
    return statuses


def report_summary(path: str) -> int:
    report: dcskit.Report = dcskit.analyze(path, top=10, progress=lambda done, total, keys: None)
    biggest = report.largest_keys[:3]
    print(biggest, report.type_bytes)
    return report.total_num


def handle_errors(client: dcskit.Client) -> None:
    try:
        client.show_instance(instance_id="missing")
    except dcskit.ThrottledError as e:
        print("retry after", e.retry_after)
    except dcskit.ServiceError as e:
        print(e.status_code, e.error_code, e.error_msg, e.request_id)
    except dcskit.InvalidInputError as e:
        print("bad parameter", e.param)
    except dcskit.DcsError as e:
        print(e.code)


if __name__ == "__main__":
    url = sys.argv[1]
    c = dcskit.Client(endpoint=url, ak="AK", sk="SK", project_id="0123456789abcdef0123456789abcdef")
    iid = create(c)
    print(names_of_running(c), every_instance_id(c))
    print(asyncio.run(show_all(dcskit.AsyncClient(endpoint=url, ak="AK", sk="SK"), [iid])))
    handle_errors(c)
