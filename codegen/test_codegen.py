"""Generator tests (stdlib unittest): `python3 -m unittest discover -s codegen -p 'test_*.py'`."""
import copy
import json
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import emit_rust  # noqa: E402
import generate  # noqa: E402
from ir import SpecError, build_ir  # noqa: E402
from naming import camel, kebab, snake  # noqa: E402

TOY = HERE / "testdata" / "toy.openapi.json"


def toy():
    return json.loads(TOY.read_text(encoding="utf-8"))


class NamingTest(unittest.TestCase):
    def test_forms(self):
        self.assertEqual(snake("ListACLAccounts"), "list_acl_accounts")
        self.assertEqual(snake("ListInstancesV1"), "list_instances_v1")
        self.assertEqual(camel("ListInstances"), "listInstances")
        self.assertEqual(kebab("CreateOfflineKeyAnalysis"), "create-offline-key-analysis")
        self.assertEqual(snake("X-Language"), "x_language")


class IrTest(unittest.TestCase):
    def setUp(self):
        self.ir = build_ir(toy())
        self.ops = {o["name"]: o for o in self.ir["operations"]}

    def test_operations_in_spec_order_with_names(self):
        self.assertEqual(list(self.ops), ["ListInstancesV1", "ListInstances", "CreateInstance", "ShowInstance",
                                          "DeleteBackgroundTask"])
        li = self.ops["ListInstances"]
        self.assertEqual((li["snake"], li["camel"], li["kebab"], li["method"]),
                         ("list_instances", "listInstances", "list-instances", "GET"))
        self.assertEqual(li["pagination"]["items"], "instances")
        v1 = self.ops["ListInstancesV1"]
        self.assertTrue(v1["deprecated"])
        self.assertEqual(v1["replacement"], "ListInstances")

    def test_params_and_client_filled_project_id(self):
        show = self.ops["ShowInstance"]
        self.assertEqual([p["name"] for p in show["params"]["path"]], ["project_id", "instance_id"])
        self.assertTrue(show["params"]["path"][0]["client_filled"])
        req = self.ir["schemas"]["ShowInstanceRequest"]
        self.assertEqual([p["name"] for p in req["properties"]], ["instance_id"])
        self.assertTrue(req["properties"][0]["required"])

    def test_nested_inline_objects_are_hoisted(self):
        body = self.ir["schemas"]["CreateInstanceBody"]
        policy = next(p for p in body["properties"] if p["name"] == "instance_backup_policy")
        self.assertEqual(policy["schema"], {"kind": "ref", "ref": "CreateInstanceBodyInstanceBackupPolicy"})
        plan = self.ir["schemas"]["CreateInstanceBodyInstanceBackupPolicyPeriodicalBackupPlan"]
        backup_at = next(p for p in plan["properties"] if p["name"] == "backup_at")
        self.assertEqual(backup_at["schema"]["items"]["maximum"], 7)
        req = self.ir["schemas"]["CreateInstanceRequest"]
        self.assertEqual(req["properties"][-1]["name"], "body")
        self.assertEqual(self.ir["schemas"]["ResourceTag"]["usage"], ["request", "response"])

    def test_responses(self):
        create = self.ops["CreateInstance"]
        self.assertEqual(create["success_status"], "200")
        self.assertIn("CreateInstanceResponseInstancesItem", self.ir["schemas"])
        delete = self.ops["DeleteBackgroundTask"]
        self.assertEqual(delete["success_status"], "204")
        self.assertEqual(self.ir["schemas"]["DeleteBackgroundTaskResponse"]["properties"], [])

    def test_waiters(self):
        self.assertEqual(self.ir["waiters"][0]["operation"], "ShowInstance")
        self.assertEqual(self.ops["ShowInstance"]["waiters"], ["instance_running"])

    def test_broken_specs_are_rejected(self):
        spec = toy()
        spec["paths"]["/v2/{project_id}/instances"]["get"]["x-dcskit-replacement"] = "Nope"
        with self.assertRaisesRegex(SpecError, "replacement Nope"):
            build_ir(spec)
        spec = toy()
        del spec["paths"]["/v2/{project_id}/instances/{instance_id}"]["get"]["parameters"][1]
        with self.assertRaisesRegex(SpecError, "placeholder"):
            build_ir(spec)
        spec = toy()
        spec["paths"]["/v2/{project_id}/instances"]["get"]["x-dcskit-pagination"]["items"] = "nope"
        with self.assertRaisesRegex(SpecError, "items"):
            build_ir(spec)


class EmitTest(unittest.TestCase):
    def test_rust_output_is_deterministic_and_complete(self):
        a = emit_rust.emit(build_ir(toy()), "/")
        b = emit_rust.emit(build_ir(copy.deepcopy(toy())), "/")
        self.assertEqual(a, b)
        models = a["core/src/api/generated/models.rs"]
        self.assertIn("pub struct CreateInstanceBody {", models)
        self.assertIn("pub extra: serde_json::Map<String, serde_json::Value>", models)
        client = a["core/src/api/generated/client.rs"]
        self.assertIn("pub async fn list_instances(&self, request: ListInstancesRequest)", client)
        self.assertIn("pub fn list_instances_blocking(", client)
        self.assertIn('#[deprecated(note = "out-of-date v1.0 API; use ListInstances")]', client)
        tables = json.loads(a["core/src/api/generated/spec.json"])
        self.assertEqual(len(tables["operations"]), 5)
        self.assertIn("CreateInstanceBody", tables["schemas"])

    def test_driver_check_mode_reports_stale_files(self):
        with tempfile.TemporaryDirectory() as d:
            rc = generate.run(str(TOY), only=["rust"], check=True, repo_root=d)
            self.assertEqual(rc, 1)
            self.assertEqual(generate.run(str(TOY), only=["rust"], repo_root=d), 0)
            self.assertEqual(generate.run(str(TOY), only=["rust"], check=True, repo_root=d), 0)
            stray = Path(d) / "core/src/api/generated/old.rs"
            stray.write_text("// stale\n")
            self.assertEqual(generate.run(str(TOY), only=["rust"], check=True, repo_root=d), 1)
            generate.run(str(TOY), only=["rust"], repo_root=d)
            self.assertFalse(stray.exists())


if __name__ == "__main__":
    unittest.main()
