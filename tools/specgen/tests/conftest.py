import json
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SPECGEN = os.path.dirname(HERE)
REPO = os.path.dirname(os.path.dirname(SPECGEN))
sys.path.insert(0, SPECGEN)

import seeds  # noqa: E402


def seeds_available():
    return os.path.isdir(seeds.seeds_dir(REPO))


@pytest.fixture(scope="session")
def spec():
    with open(os.path.join(REPO, "spec", "dcs.openapi.json"), encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="session")
def operations(spec):
    out = {}
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            out[op["operationId"]] = (method.upper(), path, op)
    return out


@pytest.fixture(scope="session")
def seed_dir():
    """The seed folder; its absence skips locally and fails in CI."""
    if not seeds_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"seeds missing at {seeds.seeds_dir(REPO)} (required when CI=true)")
        pytest.skip("seeds absent")
    return seeds.seeds_dir(REPO)


@pytest.fixture(scope="session")
def sdk():
    """The official SDK; its absence skips locally and fails in CI."""
    try:
        import huaweicloudsdkdcs  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("huaweicloudsdkdcs is not installed (required when CI=true)")
        pytest.skip("huaweicloudsdkdcs not installed")
    import crosscheck
    return crosscheck
