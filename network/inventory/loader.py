"""Load an inventory directory: one YAML file per kind of entity, each record checked on its own.

A record that fails the schema is reported and left out; the rest of its file is still loaded, so
one typo never hides the other problems. Nothing here writes anything.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from network.inventory.findings import Finding, Severity
from network.inventory.inventory import Inventory
from network.inventory.model import (
    CdnEdge,
    City,
    Department,
    Device,
    Entity,
    FlowRule,
    Link,
    Milestone,
    NetworkZone,
    Resolver,
    Site,
    System,
    VpnInstance,
    Website,
    Zone,
)
from network.inventory.refs import NodeRef
from network.inventory.schema_errors import findings_from_validation
from network.inventory.source import read_source


class InventoryNotFound(Exception):
    """The inventory directory does not exist or is not a directory (exit code 2)."""

    def __init__(self, root: Path, hint: str) -> None:
        super().__init__(f"{root}: not an inventory directory")
        self.root = root
        self.hint = hint


class FileMeta(BaseModel):
    """The optional ``meta:`` block of an inventory file."""

    model_config = {"frozen": True, "extra": "forbid"}
    synthetic: bool = False
    source: str | None = None
    generated_by: str | None = None


@dataclass(frozen=True)
class FileKind:
    """One kind of entity and the file that holds it."""

    kind: str
    model: type[Entity]
    many: bool = True
    required: bool = False
    id_field: str = "id"

    @property
    def filename(self) -> str:
        """The file's name in the inventory directory."""
        return f"{self.kind}.yaml"


FILE_KINDS: tuple[FileKind, ...] = (
    FileKind("city", City, many=False, required=True, id_field="code"),
    FileKind("sites", Site, required=True),
    FileKind("departments", Department),
    FileKind("devices", Device, id_field="hostname"),
    FileKind("links", Link),
    FileKind("systems", System),
    FileKind("milestones", Milestone),
    FileKind("websites", Website),
    FileKind("zones", Zone),
    FileKind("resolvers", Resolver),
    FileKind("cdn_edges", CdnEdge),
    FileKind("network_zones", NetworkZone),
    FileKind("vpn_instances", VpnInstance, id_field="name"),
    FileKind("flows", FlowRule),
)

# Files other parts of the toolkit keep in an inventory directory; the loader leaves them alone.
OTHER_FILES: frozenset[str] = frozenset({"addressing.yaml", "allocations.lock.yaml"})


@dataclass(frozen=True)
class LoadResult:
    """An inventory and the findings of reading it."""

    inventory: Inventory
    findings: tuple[Finding, ...]


def load_inventory(root: Path) -> LoadResult:
    """Read every file of the inventory at ``root``; raises InventoryNotFound only for a bad directory."""
    if not root.exists():
        raise InventoryNotFound(root, "give the path of a directory like inventories/shanwei")
    if not root.is_dir():
        raise InventoryNotFound(root, "give the directory that holds city.yaml, not a file")
    findings: list[Finding] = []
    records: dict[str, Any] = {}
    broken: dict[str, frozenset[str]] = {}
    unreadable: set[str] = set()
    for file_kind in FILE_KINDS:
        loaded, bad_keys, readable = _load_kind(root, file_kind, findings)
        records[file_kind.kind] = loaded
        broken[file_kind.kind] = bad_keys
        if not readable:
            unreadable.add(file_kind.kind)
    findings.extend(_unknown_files(root))
    city = records["city"][0] if records["city"] else None
    inventory = Inventory(
        root=root,
        city=city,
        sites=tuple(records["sites"]),
        departments=tuple(records["departments"]),
        devices=tuple(records["devices"]),
        links=tuple(records["links"]),
        systems=tuple(records["systems"]),
        milestones=tuple(records["milestones"]),
        websites=tuple(records["websites"]),
        zones=tuple(records["zones"]),
        resolvers=tuple(records["resolvers"]),
        cdn_edges=tuple(records["cdn_edges"]),
        network_zones=tuple(records["network_zones"]),
        vpn_instances=tuple(records["vpn_instances"]),
        flows=tuple(records["flows"]),
        broken=broken,
        unreadable=frozenset(unreadable),
    )
    return LoadResult(inventory, tuple(findings))


def _load_kind(
    root: Path, file_kind: FileKind, findings: list[Finding]
) -> tuple[list[Any], frozenset[str], bool]:
    name = file_kind.filename
    if not (root / name).exists():
        if file_kind.required:
            findings.append(
                Finding(
                    "S008",
                    f"{name} is missing",
                    NodeRef(name, ()),
                    hint=f"every inventory needs {name}: see inventories/shanwei/{name}",
                )
            )
            return [], frozenset(), False
        return [], frozenset(), True
    source = read_source(root, name)
    own: list[Finding] = list(source.findings)
    try:
        if not source.readable:
            return [], frozenset(), False
        if source.data is None:  # empty file, already reported
            return [], frozenset(), not file_kind.required
        return _load_body(source.data, file_kind, own)
    finally:
        findings.extend(_required_not_empty(own) if file_kind.required else own)


def _required_not_empty(findings: list[Finding]) -> list[Finding]:
    """An empty required file (city.yaml, sites.yaml) is an error, not a warning."""
    return [
        replace(f, severity=Severity.ERROR, hint=f"{f.at.file} is required: it must declare its records")
        if f.code == "S005"
        else f
        for f in findings
    ]


def _load_body(
    data: Any, file_kind: FileKind, findings: list[Finding]
) -> tuple[list[Any], frozenset[str], bool]:
    name = file_kind.filename
    body = _body(data, file_kind, findings)
    if body is None:
        return [], frozenset(), False
    if file_kind.many:
        return _load_records(body, file_kind, findings)
    item_at = NodeRef(name, (file_kind.kind,))
    record = _validate(body, file_kind, item_at, findings)
    return ([record] if record else []), frozenset(), True


def _body(data: Any, file_kind: FileKind, findings: list[Finding]) -> Any:
    """The value under the file's kind key, after checking the file's top-level shape."""
    name, key = file_kind.filename, file_kind.kind
    at = NodeRef(name, ())
    if not isinstance(data, dict):
        got = _shape(data)
        hint = f"start the file with `{key}:`"
        if isinstance(data, list):
            hint += " (several `---` documents are not supported)" if _looks_multi_doc(data) else ""
        findings.append(
            Finding(
                "S007",
                f"{name} must be a mapping with key {key!r}, not {got}",
                at,
                hint=hint,
                line=1,
                column=1,
            )
        )
        return None
    for top in data:
        if top not in (key, "meta"):
            close = difflib.get_close_matches(str(top), [key, "meta"], n=1, cutoff=0.6)
            findings.append(
                Finding(
                    "S012",
                    f"unknown top-level key {top!r} in {name}",
                    at.child(str(top)),
                    hint=f"did you mean {close[0]!r}?"
                    if close
                    else f"expected {key!r} and optionally 'meta'",
                )
            )
    if "meta" in data:
        _check_meta(data["meta"], NodeRef(name, ("meta",)), findings)
    if key not in data:
        findings.append(
            Finding(
                "S011",
                f"{name} has no {key!r} key",
                at,
                hint=f"start the file with `{key}:`",
                line=1,
                column=1,
            )
        )
        return None
    body = data[key]
    if body is None or body == []:
        findings.append(
            Finding(
                "S005",
                f"{name} declares no {key}",
                at.child(key),
                hint=f"list the {key} under `{key}:` or remove the file",
            )
        )
        return [] if file_kind.many else None
    expected = list if file_kind.many else dict
    if not isinstance(body, expected):
        findings.append(
            Finding(
                "S007",
                f"{key!r} must be a {'list' if file_kind.many else 'mapping'}, not {_shape(body)}",
                at.child(key),
                hint="a list item starts with `- `" if file_kind.many else "indent its keys",
            )
        )
        return None
    return body


def _check_meta(meta: Any, at: NodeRef, findings: list[Finding]) -> None:
    try:
        FileMeta.model_validate(meta)
    except ValidationError as error:
        findings.extend(findings_from_validation(error, at, FileMeta))


def _load_records(
    body: Sequence[Any], file_kind: FileKind, findings: list[Finding]
) -> tuple[list[Any], frozenset[str], bool]:
    loaded: list[Any] = []
    bad_keys: set[str] = set()
    model, name, key = file_kind.model, file_kind.filename, file_kind.kind
    validate = model.model_validate
    for index, item in enumerate(body):
        try:
            record = validate(item)
        except ValidationError as error:
            at = NodeRef(name, (key, index))
            if not isinstance(item, dict):
                findings.append(
                    Finding(
                        "S007",
                        f"each of {key} must be a mapping, not {_shape(item)}",
                        at,
                        hint="write the record's keys under its `- `",
                    )
                )
                continue
            findings.extend(findings_from_validation(error, at, model))
            bad = item.get(file_kind.id_field)
            if isinstance(bad, str | int):
                bad_keys.add(str(bad))
            continue
        record.locate(NodeRef(name, (key, index)))
        loaded.append(record)
    return loaded, frozenset(bad_keys), True


def _validate(body: Any, file_kind: FileKind, at: NodeRef, findings: list[Finding]) -> Any:
    try:
        record = file_kind.model.model_validate(body)
    except ValidationError as error:
        findings.extend(findings_from_validation(error, at, file_kind.model))
        return None
    record.locate(at)
    return record


def _unknown_files(root: Path) -> list[Finding]:
    known = {kind.filename for kind in FILE_KINDS} | OTHER_FILES
    out = []
    for path in sorted(root.iterdir()):
        if path.suffix in (".yaml", ".yml") and path.name not in known:
            close = difflib.get_close_matches(path.name, sorted(known), n=1, cutoff=0.7)
            hint = (
                f"did you mean {close[0]!r}?" if close else f"inventory files are {', '.join(sorted(known))}"
            )
            out.append(
                Finding(
                    "S009",
                    f"{path.name} is not an inventory file and is ignored",
                    NodeRef(path.name, ()),
                    hint=hint,
                    line=1,
                    column=1,
                )
            )
    return out


def _shape(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__} ({str(value)[:40]!r})"


def _looks_multi_doc(data: list[Any]) -> bool:
    return len(data) > 1 and all(isinstance(item, dict) for item in data)
