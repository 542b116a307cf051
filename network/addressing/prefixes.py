"""Pure prefix arithmetic for the IPv6 plan: nibbles, slots, allocation orders.

Everything here works on integers (network address as int, prefix length) so that province-scale
plans (~100,000 allocations) take well under a second; ``ipaddress`` objects appear only at the edges.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator, Sequence
from functools import cache
from ipaddress import IPv6Address, IPv6Network

IPV6_BITS = 128
NIBBLE = 4
P2P_CONFIGURED = 127  # RFC 6164: /127 on inter-router point-to-point links
P2P_RESERVED = 64  # RFC 6164 section 5.1: reserve the whole /64 the /127 comes from
LAN_LENGTH = 64  # RFC 4291/7421: a /64 per LAN segment (SLAAC needs it)


def is_nibble_aligned(length: int) -> bool:
    """A length on a 4-bit boundary: prefixes then read as whole hex digits (RFC 3531 practice, RIPE-690)."""
    return length % NIBBLE == 0


def nibble_round_up(bits: int) -> int:
    """The smallest multiple of 4 that is >= bits (and at least 4)."""
    return max(NIBBLE, -(-bits // NIBBLE) * NIBBLE)


def width_for(slots_needed: int, reserve: float) -> int:
    """The smallest nibble-aligned width whose slots hold ``slots_needed`` and leave ``reserve`` free.

    >>> width_for(8, 0.25)   # 8 slots used of 16 leaves 50% free
    4
    >>> width_for(21, 0.25)  # 21 of 32 would leave 34% free, but 32 is not a nibble: 256
    8
    """
    bits = NIBBLE
    while slots_needed > (1 - reserve) * (1 << bits):
        bits += NIBBLE
    return bits


@cache
def bisection_order(width: int) -> tuple[int, ...]:
    """Slot indexes in RFC 3531 bisection order: 0, then the middle, then the quarters, …

    Each new child lands as far as possible from its siblings, so each can later grow into the space
    beside it (a shorter prefix) without renumbering. This is bit-reversal of the counter.
    """
    return tuple(int(format(i, f"0{width}b")[::-1], 2) for i in range(1 << width)) if width else (0,)


def slot_prefix(parent: int, parent_length: int, child_length: int, slot: int) -> int:
    """The network address (int) of slot ``slot`` of width ``child_length - parent_length`` in a parent."""
    return parent | (slot << (IPV6_BITS - child_length))


def slot_of(address: int, parent_length: int, child_length: int) -> int:
    """Which slot of a parent an address falls in."""
    return (address >> (IPV6_BITS - child_length)) & ((1 << (child_length - parent_length)) - 1)


def contains(outer: int, outer_length: int, inner: int, inner_length: int) -> bool:
    """True when prefix inner/inner_length lies inside outer/outer_length."""
    if inner_length < outer_length:
        return False
    shift = IPV6_BITS - outer_length
    return (inner >> shift) == (outer >> shift)


def overlaps(a: int, a_length: int, b: int, b_length: int) -> bool:
    """True when two prefixes share any address."""
    shortest = min(a_length, b_length)
    shift = IPV6_BITS - shortest
    return (a >> shift) == (b >> shift)


def aligned(address: int, length: int) -> bool:
    """True when no host bits are set below the prefix length."""
    return address & ((1 << (IPV6_BITS - length)) - 1) == 0


def blocked_slots(
    parent: int, parent_length: int, child_length: int, reserved: Sequence[tuple[int, int]]
) -> set[int]:
    """Slots of a parent that touch a reserved block (never to be allocated)."""
    out: set[int] = set()
    for block, block_length in reserved:
        if not overlaps(parent, parent_length, block, block_length):
            continue
        if block_length <= parent_length:
            return set(range(1 << (child_length - parent_length)))  # the whole parent is reserved
        first = slot_of(block, parent_length, child_length)
        if block_length >= child_length:
            out.add(first)  # a block inside one slot blocks that slot
        else:
            out.update(range(first, first + (1 << (child_length - block_length))))
    return out


def text(address: int, length: int) -> str:
    """``2001:db8::/32`` from integers."""
    return f"{address_text(address)}/{length}"


def address_text(address: int) -> str:
    """``2001:db8::1`` from an integer, compressed per RFC 5952 (lower case, longest zero run as ``::``).

    ``inet_ntop`` (C) is several times faster than ``ipaddress`` and agrees with it except for
    addresses it prints with an embedded IPv4 part (``::ffff:192.0.2.1``): those go to ipaddress.
    """
    out = socket.inet_ntop(socket.AF_INET6, address.to_bytes(16, "big"))
    return out if "." not in out else str(IPv6Address(address))


def parse(prefix: str) -> tuple[int, int]:
    """(network int, length) from ``2001:db8::/32``; raises ValueError for bad input or host bits."""
    network = IPv6Network(prefix)
    return int(network.network_address), network.prefixlen


def order(width: int, sparse: bool) -> Iterator[int]:
    """Slot indexes of a parent in allocation order (slot 0, the site's own block, first)."""
    if sparse:
        yield from bisection_order(width)
    else:
        yield from range(1 << width)
