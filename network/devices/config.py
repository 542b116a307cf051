"""Configuration diffs with hier_config: remediation (running -> intended) and rollback, as CLI lines.

hier_config knows each platform's negation (``undo`` on VRP and Comware, ``no`` on IOS) and which
lines are sections. :func:`cli_lines` flattens its result into the lines a session types, leaving
each section with ``quit`` (VRP, Comware) or ``exit`` (IOS) so that the next line lands in the right view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hier_config import HConfig, Platform, WorkflowRemediation, get_hconfig
from hier_config.exceptions import DuplicateChildError

from network.inventory.platforms import platform_spec

# Lines that frame a configuration dump rather than configure anything.
_NOISE = ("#", "!", "return", "end", "Building configuration", "Current configuration")


@dataclass(frozen=True)
class ConfigDiff:
    """What a change does: ``remediation`` turns running into intended, ``rollback`` undoes it (CLI lines)."""

    remediation: tuple[str, ...]
    rollback: tuple[str, ...]
    remediation_text: str = ""
    rollback_text: str = ""

    @property
    def empty(self) -> bool:
        """Running already is the intended configuration."""
        return not self.remediation

    def text(self) -> str:
        """The remediation as an indented tree, for ``compare_config`` and ``--check`` output."""
        return self.remediation_text


def clean(text: str) -> str:
    """A configuration dump without its frame (``#``/``!`` separators, ``return``, banners), and
    without a global line given twice (two renderings joined both switching IPv6 on): the device takes
    it once, and hier_config refuses a duplicate."""
    lines: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(_NOISE):
            continue
        lines.append(line.rstrip())
    out: list[str] = []
    seen: set[str] = set()
    for i, line in enumerate(lines):
        leaf = not line.startswith(" ") and (i + 1 == len(lines) or not lines[i + 1].startswith(" "))
        if leaf and line in seen:
            continue
        if leaf:
            seen.add(line)
        out.append(line)
    return "\n".join(out)


class ConfigTextError(ValueError):
    """A configuration text hier_config cannot take (a section given twice): what and where."""


def hconfig(platform: str, text: str) -> HConfig:
    """The hier_config tree of a configuration text on ``platform``; ConfigTextError when it has a
    section twice (hier_config's DuplicateChildError, named by its path)."""
    try:
        return get_hconfig(Platform[platform_spec(platform).hier_config], clean(text))
    except DuplicateChildError as problem:
        raise ConfigTextError(f"{problem}: give each section once (merge the two)") from None


def cli_lines(tree: HConfig | Any, platform: str) -> tuple[str, ...]:
    """The lines to type for a hier_config tree: sections entered, filled, then left.

    Top-level order: global lines that switch something on, then sections, then global lines that
    switch something off, so that a feature is on before interfaces use it and off only after.
    """
    return _render(tree, platform)[0]


def tree_text(tree: HConfig | Any, platform: str) -> str:
    """The same lines as :func:`cli_lines`, in the same order, indented as a tree for people."""
    return _render(tree, platform)[1]


def _render(tree: HConfig | Any, platform: str) -> tuple[tuple[str, ...], str]:
    leave = platform_spec(platform).leave_section
    lines: list[str] = []
    shown: list[str] = []

    def walk(node: Any, depth: int) -> None:
        for child in node.children:
            lines.append(child.text)
            shown.append("  " * depth + child.text)
            if child.children:
                walk(child, depth + 1)
                lines.append(leave)

    for child in sorted(tree.children, key=_stage):
        lines.append(child.text)
        shown.append(child.text)
        if child.children:
            walk(child, 1)
            lines.append(leave)
    return tuple(lines), "\n".join(shown)


# Sections that define what interfaces then use: VPN instances and ACLs exist before a binding or a filter.
_DEFINITIONS = ("ip vpn-instance ", "vrf definition ", "acl ", "ip access-list ", "ipv6 access-list ")


# Global lines that use a VPN instance (its static routes): after the instance exists.
_USES = (" vpn-instance ", " vrf ")


def _stage(node: Any) -> int:
    """Global switches on first (VRP wants ``ipv6`` before ``ipv6 enable``), then the sections that
    define what others use (VPN instances, ACLs), the other sections, the global lines that use a VPN
    instance, and last the global undos."""
    if node.children:
        return 1 if node.text.startswith(_DEFINITIONS) else 2
    if node.text.startswith(("undo ", "no ")):
        return 4
    return 3 if any(word in f" {node.text} " for word in _USES) else 0


def diff(platform: str, running: str, intended: str) -> ConfigDiff:
    """hier_config remediation and rollback between two full configurations.

    Binding an interface to a VPN instance (VRP and Comware ``ip binding vpn-instance``, IOS ``vrf
    forwarding``) clears its addresses on the device, and unbinding it does too: a remediation that
    binds (or a rollback that unbinds) therefore types the interface's addresses again right after,
    those of the configuration it goes to, although a plain diff would see them unchanged.
    """
    running_tree, intended_tree = hconfig(platform, running), hconfig(platform, intended)
    workflow = WorkflowRemediation(running_tree, intended_tree)
    remediation, rollback = workflow.remediation_config, workflow.rollback_config
    binding = platform_spec(platform).vpn_binding
    _readdress(remediation, intended_tree, binding)
    _readdress(rollback, running_tree, binding)
    return ConfigDiff(
        cli_lines(remediation, platform),
        cli_lines(rollback, platform),
        tree_text(remediation, platform),
        tree_text(rollback, platform),
    )


_ADDRESS_LINES = ("ip address ", "ipv6 address ", "ipv6 enable")


def _readdress(change: HConfig, target: HConfig, binding: str) -> None:
    """After a (un)binding line in an interface of ``change``, the addresses ``target`` gives it."""
    for interface in change.children:
        if not interface.text.startswith("interface "):
            continue
        bound = next((c for c in interface.children if binding in c.text), None)
        if bound is None:
            continue
        for child in list(interface.children):
            if child.text_without_negation.startswith(_ADDRESS_LINES):
                child.delete()  # gone with the (un)binding: what target holds is typed again below
        wanted = target.get_child(equals=interface.text)
        for child in wanted.children if wanted is not None else ():
            if child.text.startswith(_ADDRESS_LINES):
                interface.add_child(child.text)


def merged(platform: str, running: str, lines: str) -> str:
    """The configuration ``running`` becomes when ``lines`` are merged into it (NAPALM's merge)."""
    tree = hconfig(platform, running)
    tree.merge(hconfig(platform, lines))
    return "\n".join(tree.dump_simple())
