"""SM3, China's cryptographic hash (GB/T 32905-2016), in pure Python: the fallback where OpenSSL lacks it.

:func:`new` returns OpenSSL's implementation through ``hashlib`` when the linked OpenSSL has SM3
(OpenSSL 3 does), else this module's :class:`SM3`. Both give the same digests (the standard's own
test vectors are in the tests); the fallback is slow (well under 1 MB/s), so it is only a fallback.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any, Protocol

_IV = (0x7380166F, 0x4914B2B9, 0x172442D7, 0xDA8A0600, 0xA96F30BC, 0x163138AA, 0xE38DEE4D, 0xB0FB0E4E)
_MASK = 0xFFFFFFFF


class Hash(Protocol):
    """What hashlib's objects and :class:`SM3` share."""

    name: str

    def update(self, data: bytes, /) -> None: ...
    def hexdigest(self) -> str: ...


def _rotl(x: int, n: int) -> int:
    n %= 32
    return ((x << n) | (x >> (32 - n))) & _MASK


_T = [_rotl(0x79CC4519 if j < 16 else 0x7A879D8A, j) for j in range(64)]


def _p0(x: int) -> int:
    return x ^ _rotl(x, 9) ^ _rotl(x, 17)


def _p1(x: int) -> int:
    return x ^ _rotl(x, 15) ^ _rotl(x, 23)


def _compress(v: tuple[int, ...], block: bytes) -> tuple[int, ...]:
    w = list(struct.unpack(">16I", block))
    for j in range(16, 68):
        w.append(_p1(w[j - 16] ^ w[j - 9] ^ _rotl(w[j - 3], 15)) ^ _rotl(w[j - 13], 7) ^ w[j - 6])
    w1 = [w[j] ^ w[j + 4] for j in range(64)]
    a, b, c, d, e, f, g, h = v
    for j in range(64):
        a12 = _rotl(a, 12)
        ss1 = _rotl((a12 + e + _T[j]) & _MASK, 7)
        ss2 = ss1 ^ a12
        if j < 16:
            ff, gg = a ^ b ^ c, e ^ f ^ g
        else:
            ff, gg = (a & b) | (a & c) | (b & c), (e & f) | (~e & g)
        tt1 = (ff + d + ss2 + w1[j]) & _MASK
        tt2 = (gg + h + ss1 + w[j]) & _MASK
        a, b, c, d = tt1, a, _rotl(b, 9), c
        e, f, g, h = _p0(tt2), e, _rotl(f, 19), g
    return tuple(x ^ y for x, y in zip(v, (a, b, c, d, e, f, g, h), strict=True))


class SM3:
    """An SM3 hash object with hashlib's interface (update, digest, hexdigest, copy)."""

    name = "sm3"
    digest_size = 32
    block_size = 64

    def __init__(self, data: bytes = b"") -> None:
        self._v: tuple[int, ...] = _IV
        self._buffer = b""
        self._length = 0
        if data:
            self.update(data)

    def update(self, data: bytes, /) -> None:
        """Add bytes."""
        self._length += len(data)
        buffer = self._buffer + bytes(data)
        full = len(buffer) - len(buffer) % 64
        v = self._v
        for start in range(0, full, 64):
            v = _compress(v, buffer[start : start + 64])
        self._v, self._buffer = v, buffer[full:]

    def copy(self) -> SM3:
        """An independent copy of the state."""
        other = SM3()
        other._v, other._buffer, other._length = self._v, self._buffer, self._length
        return other

    def digest(self) -> bytes:
        """The 32-byte digest of everything added so far."""
        bits = self._length * 8
        padding = b"\x80" + b"\x00" * ((55 - self._length) % 64) + struct.pack(">Q", bits)
        v = self._v
        tail = self._buffer + padding
        for start in range(0, len(tail), 64):
            v = _compress(v, tail[start : start + 64])
        return struct.pack(">8I", *v)

    def hexdigest(self) -> str:
        """The digest in hex."""
        return self.digest().hex()


def openssl_has_sm3() -> bool:
    """True when hashlib (the linked OpenSSL) provides SM3."""
    try:
        hashlib.new("sm3")
    except ValueError:
        return False
    return True


_OPENSSL = openssl_has_sm3()


def new(data: bytes = b"", prefer_openssl: bool = True) -> Any:
    """An SM3 hash object: OpenSSL's when available (and preferred), else the pure-Python one."""
    if prefer_openssl and _OPENSSL:
        return hashlib.new("sm3", data)
    return SM3(data)


def implementation() -> str:
    """Which SM3 :func:`new` uses: ``openssl`` or ``python``."""
    return "openssl" if _OPENSSL else "python"
