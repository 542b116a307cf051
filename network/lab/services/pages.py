"""The websites' pages in the services lab: a home page linking to second- and third-level pages.

Each site gets three second-level pages, each with two third-level pages below it. The home page also
links to two other city websites (so a dual-stack portal links to IPv4-only department sites, as real
portals do), which is what makes the second-level IPv6 support rate less than 100% where it should be.
Pages are padded to about 6 KB so that a rate-limited listener is measurably slow.
"""

from __future__ import annotations

import html
from pathlib import Path

SECOND_LEVEL = ("news", "services", "open")
THIRD_LEVEL = ("1", "2")
PAD = 6000


def _page(title: str, body: str, marker: str) -> str:
    filler = ("<!-- " + "x" * 70 + " -->\n") * (PAD // 78)
    return (
        '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n<body>\n<h1>{html.escape(title)}</h1>\n"
        f'<p class="marker">{html.escape(marker)}</p>\n{body}\n{filler}</body></html>\n'
    )


def write_site(root: Path, host: str, title: str, others: list[str], marker: str = "") -> None:
    """The pages of ``host`` under ``root``; ``others`` are other sites' hosts the home page links to."""
    root.mkdir(parents=True, exist_ok=True)
    links = [f'<li><a href="/{s}/index.html">{s}</a></li>' for s in SECOND_LEVEL]
    links += [f'<li><a href="https://{o}/">{o}</a></li>' for o in others]
    (root / "index.html").write_text(_page(title, "<ul>" + "".join(links) + "</ul>", marker), "utf-8")
    for section in SECOND_LEVEL:
        folder = root / section
        folder.mkdir(exist_ok=True)
        children = "".join(f'<li><a href="/{section}/{n}.html">{section} {n}</a></li>' for n in THIRD_LEVEL)
        back = '<a href="/">home</a>'
        (folder / "index.html").write_text(
            _page(f"{title} {section}", f"<ul>{children}</ul>{back}", marker), "utf-8"
        )
        for n in THIRD_LEVEL:
            (folder / f"{n}.html").write_text(_page(f"{title} {section} {n}", back, marker), "utf-8")
