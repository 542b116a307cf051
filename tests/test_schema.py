"""The published JSON Schemas: current, and they accept the sample and reject what validate rejects."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import jsonschema
import pytest
import yaml_rs

from network.addressing.policy import policy_schema
from network.inventory.loader import FILE_KINDS
from network.inventory.schema import all_schemas
from tests.helpers import ROOT, SHANWEI, run_egov

SCHEMA_DIR = ROOT / "docs" / "schema"


def _as_json(value: Any) -> Any:
    # Editors check YAML as JSON: dates are strings there.
    return json.loads(
        json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, dt.date) else str(v))
    )


def test_published_schemas_are_current() -> None:
    result = run_egov("schema", "--out", str(SCHEMA_DIR), "--check")
    assert result.returncode == 0, "regenerate with: egov schema --out docs/schema\n" + result.stdout


@pytest.mark.parametrize("kind", [k.kind for k in FILE_KINDS])
def test_the_sample_satisfies_its_schema(kind: str) -> None:
    schema = all_schemas()[f"{kind}.schema.json"]
    jsonschema.Draft202012Validator.check_schema(schema)
    data = _as_json(yaml_rs.loads((SHANWEI / f"{kind}.yaml").read_text(encoding="utf-8")))
    jsonschema.Draft202012Validator(schema).validate(data)


def test_the_schema_rejects_an_unknown_key() -> None:
    schema = all_schemas()["devices.schema.json"]
    data = _as_json(yaml_rs.loads((SHANWEI / "devices.yaml").read_text(encoding="utf-8")))
    data["devices"][0]["rol"] = "core"
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    assert errors and "rol" in errors[0].message


def test_sample_files_point_editors_at_the_schema() -> None:
    for kind in FILE_KINDS:
        first = (SHANWEI / kind.filename).read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../../docs/schema/{kind.kind}.schema.json"


def test_the_addressing_policy_satisfies_its_schema() -> None:
    schema = policy_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    data = _as_json(yaml_rs.loads((SHANWEI / "addressing.yaml").read_text(encoding="utf-8")))
    jsonschema.Draft202012Validator(schema).validate(data)
