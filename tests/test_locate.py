"""Finding the line and column of a YAML path."""

from __future__ import annotations

import pytest

from network.inventory.locate import Locator

TEXT = """\
# a comment
devices:
  - hostname: A
    interfaces:
      - {name: GE0/0/1, speed: 1G}
      - name: GE0/0/2
  - hostname: 汕尾-B
    site: sw
flow: {a: [1, 2, {b: 3}]}
"""


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("devices",), (2, 1)),
        (("devices", 0), (3, 5)),
        (("devices", 0, "interfaces", 0, "speed"), (5, 25)),
        (("devices", 0, "interfaces", 1), (6, 9)),
        (("devices", 1, "site"), (8, 5)),
        (("devices", 1, "missing"), (7, 5)),  # a missing key: the deepest node that exists, the record
        (("devices", 7), (2, 1)),
        (("flow", "a", 2, "b"), (9, 19)),
    ],
)
def test_positions(path: tuple[str | int, ...], expected: tuple[int, int]) -> None:
    assert Locator(TEXT.encode()).position(path) == expected


def test_columns_count_characters_not_bytes() -> None:
    locator = Locator("name: 汕尾市\nsite: 城区\n".encode())
    assert locator.position(("site",)) == (2, 1)
    assert locator.line_column(len("name: 汕尾".encode())) == (1, 9)


def test_unparseable_text_gives_no_position() -> None:
    assert Locator(b"a: [1,\n").position(("a",)) is None


def test_a_step_that_is_not_a_key_stops_the_walk() -> None:
    locator = Locator(b"a:\n  b: 1\n")
    assert locator.position(("a", None, "b")) == (1, 1)  # type: ignore[arg-type]  # stops at "a"
