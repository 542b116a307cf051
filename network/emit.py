"""Write YAML for the toolkit's files (inventories, lock files): readable and fast at province scale.

A small emitter for the shapes inventories use: block mappings and lists, with short mappings of
scalars and lists of scalars in flow style. A string is written plain only when it cannot be read
back as anything else; otherwise it is double-quoted (JSON strings are valid YAML).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

_PLAIN = re.compile(
    r"^[A-Za-z\u3400-\u9fff\uff08\uff09\u3001\uff0c_/][\w\u3400-\u9fff\uff08\uff09\u3001\uff0c./\-+() ]*$"
)
_UNIT = re.compile(r"^\d+(\.\d+)?[kMGT]$")  # bandwidths such as 10G: plain, never a number in YAML 1.2
_FLOW_WIDTH = 100


def scalar(value: Any) -> str:
    """One scalar as YAML."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if _UNIT.match(text):
        return text
    if (
        _PLAIN.match(text)
        and text == text.strip()
        and text.lower() not in {"true", "false", "null", "yes", "no", "on", "off"}
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(value: Any) -> str | None:
    """Flow style for a short mapping of scalars or a list of scalars, else None."""
    if isinstance(value, dict):
        if any(isinstance(v, dict | list) for v in value.values()):
            return None
        text = "{" + ", ".join(f"{scalar(k)}: {scalar(v)}" for k, v in value.items()) + "}"
    elif isinstance(value, list):
        if any(isinstance(v, dict | list) for v in value):
            return None
        text = "[" + ", ".join(scalar(v) for v in value) + "]"
    else:
        return scalar(value)
    return text if len(text) <= _FLOW_WIDTH else None


def _mapping(record: dict[str, Any], indent: str, out: list[str], first_prefix: str | None = None) -> None:
    prefix = first_prefix
    for raw_key, value in record.items():
        key = scalar(raw_key)
        lead = prefix if prefix is not None else indent
        prefix = None
        flow = _flow(value)
        if flow is not None:
            out.append(f"{lead}{key}: {flow}")
        elif isinstance(value, dict):
            out.append(f"{lead}{key}:")
            _mapping(value, indent + "  ", out)
        else:
            out.append(f"{lead}{key}:")
            _sequence(value, indent + "  ", out)


def _sequence(items: list[Any], indent: str, out: list[str], records: bool = False) -> None:
    """A block list; nested short mappings go on one line, top-level records never do."""
    for item in items:
        flow = None if records else _flow(item)
        if flow is not None:
            out.append(f"{indent}- {flow}")
        elif isinstance(item, dict) and item:
            _mapping(item, indent + "  ", out, first_prefix=f"{indent}- ")
        else:
            out.append(f"{indent}- {scalar(item)}")


def dump_file(kind: str, body: Any, header: list[str], meta: dict[str, Any] | None = None) -> str:
    """A whole inventory file: header comments, optional ``meta:``, then ``kind:`` and its records."""
    out = [f"# {line}" if line else "#" for line in header]
    if meta:
        _mapping({"meta": meta}, "", out)
    if isinstance(body, dict):
        _mapping({kind: body}, "", out)
    elif isinstance(body, list):
        out.append(f"{kind}:")
        _sequence(body, "  ", out, records=True)
    else:
        out.append(f"{kind}: {scalar(body)}")
    return "\n".join(out) + "\n"


def dump_mapping(body: dict[str, Any], header: list[str]) -> str:
    """A whole YAML document of one mapping (a tool's configuration file), after header comments."""
    out = [f"# {line}" if line else "#" for line in header]
    _mapping(body, "", out)
    return "\n".join(out) + "\n"
