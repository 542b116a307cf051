"""Read a settings file (YAML or JSON) into a pydantic model, with file:line in every error.

The inventory has its own loader (many files, findings); settings files beside it — migration
endpoints, monitoring mappings — are single documents under one top-level key. They are read with
yaml-rs like the inventory and, when a value is wrong, the line is found with rapidyaml.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from network.inventory.refs import PathStep

_M = TypeVar("_M", bound=BaseModel)


class SettingsFileError(Exception):
    """A settings file that cannot be used: ``file:line: key: what is wrong``, and a hint."""

    def __init__(self, path: Path, message: str, hint: str, line: int | None = None, key: str = "") -> None:
        self.path, self.line, self.key, self.hint = path, line, key, hint
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {key + ': ' if key else ''}{message}")
        self.message = str(self)


def read_model(path: Path, model: type[_M], top_key: str, hint: str) -> _M:
    """The ``top_key`` section of ``path`` as ``model``; SettingsFileError names file, line and key."""
    import yaml_rs  # noqa: PLC0415 - the loader the inventory uses

    try:
        raw = path.read_bytes()
        data = yaml_rs.loads(raw.decode("utf-8"))
    except OSError as problem:
        raise SettingsFileError(path, f"cannot be read ({problem.strerror})", hint) from None
    except UnicodeDecodeError:
        raise SettingsFileError(path, "is not UTF-8", "convert it: iconv -f GBK -t UTF-8") from None
    except (ValueError, yaml_rs.YAMLDecodeError) as problem:
        first = str(problem).splitlines()[0] if str(problem) else type(problem).__name__
        raise SettingsFileError(path, f"is not valid YAML ({first})", hint) from None
    if not isinstance(data, dict) or top_key not in data:
        raise SettingsFileError(path, f"must hold a mapping under `{top_key}:`", hint, line=1)
    try:
        return model.model_validate(data[top_key] or {})
    except ValidationError as problem:
        error = problem.errors()[0]
        steps: tuple[PathStep, ...] = (top_key, *(s for s in error["loc"] if isinstance(s, str | int)))
        key = ".".join(str(step) for step in steps)
        raise SettingsFileError(path, error["msg"], hint, line=_line(raw, steps), key=key) from None


def _line(raw: bytes, steps: tuple[PathStep, ...]) -> int | None:
    from network.inventory.locate import Locator  # noqa: PLC0415 - rapidyaml only when reporting

    position = Locator(raw).position(steps)
    return position[0] if position else None
