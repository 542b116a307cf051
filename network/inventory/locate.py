"""Find the line and column of a YAML path in a file, only when a finding needs it.

Loading uses yaml-rs, which is fast but keeps no positions. When findings are reported, each file
with findings is parsed once more with rapidyaml (``parse_in_place``), whose scalars point into the
source buffer: the byte offset of a key or value gives its line and column.
"""

from __future__ import annotations

import ctypes
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import ryml

from network.inventory.findings import Finding
from network.inventory.refs import PathStep

_NONE: int = ryml.NONE


class _PyBuffer(ctypes.Structure):
    # The layout of CPython's Py_buffer (stable across 3.x).
    _fields_ = [
        ("buf", ctypes.c_void_p),
        ("obj", ctypes.py_object),
        ("len", ctypes.c_ssize_t),
        ("itemsize", ctypes.c_ssize_t),
        ("readonly", ctypes.c_int),
        ("ndim", ctypes.c_int),
        ("format", ctypes.c_char_p),
        ("shape", ctypes.c_void_p),
        ("strides", ctypes.c_void_p),
        ("suboffsets", ctypes.c_void_p),
        ("internal", ctypes.c_void_p),
    ]


_get_buffer = ctypes.pythonapi.PyObject_GetBuffer
_get_buffer.argtypes = [ctypes.py_object, ctypes.POINTER(_PyBuffer), ctypes.c_int]
_release_buffer = ctypes.pythonapi.PyBuffer_Release
_release_buffer.argtypes = [ctypes.POINTER(_PyBuffer)]


def _address(obj: object) -> int:
    """The memory address of a buffer (bytearray or memoryview)."""
    view = _PyBuffer()
    if _get_buffer(obj, ctypes.byref(view), 0) != 0:  # pragma: no cover - CPython raises instead
        raise TypeError("object has no buffer")
    try:
        return int(view.buf or 0)
    finally:
        _release_buffer(ctypes.byref(view))


class Locator:
    """Lines and columns of YAML paths in one file's text."""

    def __init__(self, text: bytes) -> None:
        self._buffer = bytearray(text)
        self._newline_index: list[int] | None = None
        try:
            self._tree = ryml.parse_in_place(self._buffer)
        except Exception:  # rapidyaml raises its own types; any failure means no positions
            self._tree = None
        self._base = _address(self._buffer)

    @property
    def tree(self) -> Any:
        """The rapidyaml tree (None when rapidyaml could not parse the text)."""
        return self._tree

    def offset_of(self, scalar: memoryview) -> int | None:
        """Byte offset of a scalar of the tree in the text."""
        return self._inside(scalar)

    def position(self, path: Iterable[PathStep]) -> tuple[int, int] | None:
        """1-based line and column of the deepest node of ``path`` that exists in the file."""
        tree = self._tree
        if tree is None:
            return None
        node = tree.root_id()
        if tree.is_stream(node):
            node = tree.first_child(node)
        best = None
        for step in path:
            child = self._step(node, step)
            if child == _NONE:
                break
            node = child
            best = self._offset(node)
        if best is None:
            best = self._offset(node)
        return None if best is None else self.line_column(best)

    def _step(self, node: int, step: PathStep) -> int:
        tree = self._tree
        assert tree is not None
        if isinstance(step, int):
            if tree.is_seq(node) and 0 <= step < tree.num_children(node):
                return int(tree.child(node, step))
            return _NONE
        if tree.is_map(node) and isinstance(step, str):
            return int(tree.find_child(node, step.encode()))
        return _NONE  # a step that cannot be followed (e.g. a null key): stop at the deepest node found

    def _offset(self, node: int) -> int | None:
        """Byte offset of a node: its key, its value, or its first child's."""
        tree = self._tree
        assert tree is not None
        for _ in range(64):
            if tree.has_key(node):
                return self._inside(tree.key(node))
            if tree.has_val(node) and not tree.val_is_null(node):
                return self._inside(tree.val(node))
            first = tree.first_child(node)
            if first == _NONE:
                return None
            node = first
        return None

    def _inside(self, scalar: memoryview | None) -> int | None:
        if scalar is None:  # e.g. an empty key: rapidyaml has no text for it
            return None
        offset = _address(scalar) - self._base
        return offset if 0 <= offset <= len(self._buffer) else None

    def line_column(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of a byte offset."""
        if self._newline_index is None:
            self._newline_index = [match.start() for match in re.finditer(b"\n", self._buffer)]
        newlines = self._newline_index
        line_index = bisect_right(newlines, offset - 1)
        line_start = newlines[line_index - 1] + 1 if line_index else 0
        column = len(self._buffer[line_start:offset].decode("utf-8", "replace")) + 1
        return line_index + 1, column


def resolve_locations(findings: Iterable[Finding], root: Path) -> list[Finding]:
    """Fill in line and column of each finding that has none, parsing each file at most once."""
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_file[finding.at.file].append(finding)
    resolved: list[Finding] = []
    for file, group in by_file.items():
        resolved.extend(_resolve_file(root, file, group))
    return sorted(resolved, key=Finding.sort_key)


def _resolve_file(root: Path, file: str, group: list[Finding]) -> Iterator[Finding]:
    needs = [f for f in group if f.line is None and f.at.path]
    locator = None
    if needs and file:
        try:
            text = (root / file).read_bytes()
        except OSError:
            text = b""
        if text:
            locator = Locator(text)
    for finding in group:
        if finding.line is None and finding.at.path and locator is not None:
            position = locator.position(finding.at.path)
            if position is not None:
                yield finding.with_position(*position)
                continue
        yield finding
