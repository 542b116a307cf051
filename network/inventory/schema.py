"""JSON Schemas of the inventory files, generated from the model, for editors and CI."""

from __future__ import annotations

from typing import Any

from network.inventory.loader import FILE_KINDS, FileMeta

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def file_schema(kind: str) -> dict[str, Any]:
    """The schema of ``<kind>.yaml``: a mapping with the kind's key (and an optional ``meta``)."""
    file_kind = next((k for k in FILE_KINDS if k.kind == kind), None)
    if file_kind is None:
        raise KeyError(kind)
    record = file_kind.model.model_json_schema(mode="validation")
    definitions = record.pop("$defs", {})
    meta = FileMeta.model_json_schema(mode="validation")
    body: dict[str, Any] = {"type": "array", "items": record} if file_kind.many else record
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"{kind}.schema.json",
        "title": f"e-gov extranet inventory: {file_kind.filename}",
        "type": "object",
        "properties": {kind: body, "meta": meta},
        "required": [kind],
        "additionalProperties": False,
        "$defs": definitions,
    }


def all_schemas() -> dict[str, dict[str, Any]]:
    """File name -> schema, for every inventory file."""
    return {f"{kind.kind}.schema.json": file_schema(kind.kind) for kind in FILE_KINDS}
