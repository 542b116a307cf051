"""Turn pydantic validation errors into findings a network engineer can act on."""

from __future__ import annotations

import difflib
import types
from datetime import date
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from network.inventory.findings import Finding
from network.inventory.refs import NodeRef, PathStep

# Keys that hold secrets: never in an inventory file.
SECRET_KEYS = frozenset(
    {
        "password",
        "passwd",
        "secret",
        "token",
        "api_key",
        "apikey",
        "private_key",
        "enable_password",
        "community",
        "psk",
        "pre_shared_key",
    }
)


def findings_from_validation(error: ValidationError, at: NodeRef, model: type[BaseModel]) -> list[Finding]:
    """One finding per pydantic error, located at the offending key."""
    out = []
    for detail in error.errors(include_url=False):
        loc: tuple[PathStep, ...] = tuple(detail["loc"])
        out.append(_finding(detail, loc, at, model))
    return out


def _finding(detail: Any, loc: tuple[PathStep, ...], at: NodeRef, model: type[BaseModel]) -> Finding:
    kind = detail["type"]
    where = at.child(*loc)
    field = _dotted(loc)
    if kind == "missing":
        name = str(loc[-1])
        return Finding(
            "S011",
            f"missing field {name!r}",
            at.child(*loc[:-1]),
            hint=f"add `{name}:`" + _describe(model, loc),
        )
    if kind == "extra_forbidden":
        key = str(loc[-1])
        if key.lower() in SECRET_KEYS:
            return Finding(
                "D002",
                f"{key!r}: inventory files hold no secrets",
                where,
                hint="remove it; put a reference in `credentials:` (env:NAME or vault:path#key)",
            )
        known = fields_at(model, loc[:-1])
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(sorted(known))}"
        if key == "<<":
            hint = "YAML merge keys (<<) are not supported: write the keys out"
        return Finding("S012", f"unknown key {key!r}", where, hint=hint)
    if kind == "credential_reference":
        return Finding(
            "D002",
            f"{field}: {detail['msg']}",
            where,
            hint="store the secret in the environment, Ansible Vault or Pulumi config",
        )
    return Finding("S010", f"{field}: {_message(detail)}", where, hint=_value_hint(detail, model, loc))


def _message(detail: Any) -> str:
    message = str(detail["msg"])
    value = detail.get("input")
    if isinstance(value, dict | list):
        return f"{message} (got a {'mapping' if isinstance(value, dict) else 'list'})"
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{message} (got {shown})"


def _value_hint(detail: Any, model: type[BaseModel], loc: tuple[PathStep, ...]) -> str:
    kind = str(detail["type"])
    value = detail.get("input")
    if kind.startswith("date") or (isinstance(value, str) and _expects(model, loc, date)):
        return "write a full date, e.g. 2020-06-30 for June 2020"
    if kind == "bandwidth":
        return "bandwidths are written like 10G, 1G, 100M or 20M"
    if kind in {"ip_any_address", "ip_any_network", "ip_v4_network", "ip_v6_network", "address_text"}:
        return "write an address like 192.0.2.1 or a prefix like 198.51.100.0/29 (no host bits)"
    if kind in {"enum", "literal_error"}:
        expected = detail.get("ctx", {}).get("expected")
        return f"use one of {expected}" if expected else ""
    if kind == "string_pattern_mismatch":
        return "ids are lower-case ASCII letters, digits, '.', '_' and '-' (hostnames may use upper case)"
    return _describe(model, loc).removeprefix(" — ")


def _describe(model: type[BaseModel], loc: tuple[PathStep, ...]) -> str:
    info = _field_info(model, loc)
    if info is not None and info.description:
        return f" — {info.description}"
    return ""


def _expects(model: type[BaseModel], loc: tuple[PathStep, ...], wanted: type) -> bool:
    info = _field_info(model, loc)
    return info is not None and wanted in _leaf_types(info.annotation)


def _field_info(model: type[BaseModel], loc: tuple[PathStep, ...]) -> Any:
    names = [step for step in loc if isinstance(step, str)]
    if not names:
        return None
    parent = _model_at(model, loc[: max(i for i, step in enumerate(loc) if isinstance(step, str))])
    return None if parent is None else parent.model_fields.get(names[-1])


def fields_at(model: type[BaseModel], loc: tuple[PathStep, ...]) -> list[str]:
    """The field names of the model found at ``loc`` inside ``model`` (for "did you mean")."""
    found = _model_at(model, loc)
    return list(found.model_fields) if found is not None else []


def _model_at(model: type[BaseModel], loc: tuple[PathStep, ...]) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    for step in loc:
        if current is None:
            return None
        if isinstance(step, int):
            continue
        info = current.model_fields.get(step)
        if info is None:
            return None
        current = next((t for t in _leaf_types(info.annotation) if _is_model(t)), None)
    return current


def _is_model(candidate: Any) -> bool:
    return isinstance(candidate, type) and issubclass(candidate, BaseModel)


def _leaf_types(annotation: Any) -> list[Any]:
    origin = get_origin(annotation)
    if origin is None:
        return [annotation]
    if origin in (Union, types.UnionType) or origin in (tuple, list, dict):
        out = []
        for arg in get_args(annotation):
            if arg is not Ellipsis:
                out.extend(_leaf_types(arg))
        return out
    args = get_args(annotation)  # Annotated[...] and friends: the first argument is the type
    return _leaf_types(args[0]) if args else [annotation]


def _dotted(loc: tuple[PathStep, ...]) -> str:
    return NodeRef("", loc).dotted() or "value"
