"""The service-name map the cutover repoints: a hosts-format file, changed atomically under a lock.

One line per name, ``address name``, as in /etc/hosts. A cutover points a system's service name at
its target, a rollback points it back. Writes go to a temporary file that is synced and renamed over
the old one while an exclusive lock is held, so a reader never sees half a file and two cutovers at
once cannot lose each other's change.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class NameMapError(Exception):
    """The name map cannot be read or written (names the file)."""


def read_names(path: Path) -> dict[str, str]:
    """Name -> address (later lines win, comments and blank lines ignored)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as problem:
        raise NameMapError(f"{path}: cannot be read ({problem.strerror})") from None
    names: dict[str, str] = {}
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) >= 2:
            for name in fields[1:]:
                names[name.lower()] = fields[0]
    return names


def lookup(path: Path, name: str) -> str | None:
    """The address a service name points to (None when it is not in the map)."""
    return read_names(path).get(name.lower())


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "a", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def point(path: Path, name: str, address: str) -> str | None:
    """Point ``name`` at ``address``; returns the address it pointed to before (None: it was absent)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path):
        names = read_names(path)
        previous = names.get(name.lower())
        names[name.lower()] = address
        text = "# service names (egov migrate): address name\n" + "".join(
            f"{names[n]} {n}\n" for n in sorted(names)
        )
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return previous
