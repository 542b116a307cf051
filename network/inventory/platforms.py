"""What a device platform is, in one place: one :class:`PlatformSpec` per platform.

A spec says everything the toolkit needs to know of a platform: its naming family, netmiko device
type, hier_config platform, dual-stack template, loopback and VLAN-interface names, how a change is
committed, its configuration words, and where its driver and its lab-twin session live. The drivers,
the renderer, the rollout, onboarding, the lab twin and the Ansible inventory plugin all read it
from here, and nowhere else spells a platform's particulars.

Third parties add a platform without editing the core: a package registers a ``PlatformSpec`` in the
``egov.platforms`` entry-point group (``name = "package.module:SPEC"``); it is then known to
validation, and its ``driver`` and ``twin_session`` classes are loaded from the dotted paths it gives.
Driver and session are referred to by path, not imported, so that the inventory (the base of the core)
loads no SSH or device code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any


@dataclass(frozen=True)
class PlatformSpec:
    """One device platform.

    ``family`` is the naming and CLI family (``huawei``, ``comware``, ``ios``): how tables abbreviate
    interface names and which display parsers apply. ``commit`` is how a change is made safe:
    ``trial`` (VRP8 ``commit trial N persist ID``), ``delay`` (Comware 7 ``configuration commit delay
    M``) or ``none`` (lines apply as typed; the engine reverts by itself). ``major`` is the OS major
    version ``display version`` reports. ``template`` is a file of ``template_dir`` (None: the
    toolkit's own ``network/render/templates``).
    """

    name: str
    vendor: str
    family: str
    major: int
    netmiko_type: str
    hier_config: str  # the name of a hier_config ``Platform`` member
    template: str
    driver: str  # "module:Class" of the driver (network.devices.base.EgovDriver)
    twin_session: str  # "module:Class" of the lab twin's session (network.lab.session.BaseSession)
    commit: str = "none"
    loopback: str = "LoopBack0"
    vlan_interface: str = "Vlanif"
    leave_section: str = "quit"
    ipv6_global: str = "ipv6"  # the system-view line that turns IPv6 on ("" when it is always on)
    ipv6_interface_enable: bool = True  # `ipv6 enable` on an interface before its addresses
    ipv4_static: str = "ip route-static {prefix} {mask} {hop}"
    ipv6_static: str = "ipv6 route-static {prefix} {length} {hop}"
    napalm_driver: str = ""  # the name napalm.get_network_driver loads the driver by
    mac_prefix: str = "00e0fc"  # the twin's OUI for the platform's interfaces
    model: str = ""  # the model a twin or the generator gives a device that names none
    sys_object_id: str = ""  # SNMPv2-MIB sysObjectID of that model, under the vendor's enterprise arc
    ports: tuple[str, str] = ("GigabitEthernet0/0/{n}", "XGigabitEthernet0/0/{n}")  # downlinks, uplinks
    template_dir: str | None = None
    vpn_template: str = ""  # VPN instances and zone ACLs ("" where the platform has no L3VPN)
    vpn_binding: str = (
        "ip binding vpn-instance"  # puts an interface in a VPN instance, clearing its addresses
    )
    # the display of a VPN instance's routing table a check reads ({ip}: ip or ipv6; {name}: the instance)
    vpn_table: str = "display {ip} routing-table vpn-instance {name} verbose"

    def load(self, what: str) -> Any:
        """The class a ``module:Class`` path of this spec names (``driver``, ``twin_session``)."""
        module, _, name = str(getattr(self, what)).partition(":")
        return getattr(import_module(module), name)


_VRP_SESSION = "network.lab.session:Session"

BUILTIN: tuple[PlatformSpec, ...] = (
    PlatformSpec(
        "huawei_vrp5",
        "Huawei",
        "huawei",
        5,
        "huawei",
        "HUAWEI_VRP",
        "huawei_vrp.j2",
        "network.devices.drivers:Vrp5Driver",
        _VRP_SESSION,
        napalm_driver="egov_vrp5",
        model="AR6280",
        sys_object_id="1.3.6.1.4.1.2011.2.224.5",
        ports=("GigabitEthernet0/0/{n}", "XGigabitEthernet0/0/{n}"),
        vpn_template="huawei_vrp_vpn.j2",
    ),
    PlatformSpec(
        "huawei_vrp8",
        "Huawei",
        "huawei",
        8,
        "huawei_vrpv8",
        "HUAWEI_VRP",
        "huawei_vrp.j2",
        "network.devices.drivers:Vrp8Driver",
        _VRP_SESSION,
        commit="trial",
        napalm_driver="egov_vrp8",
        model="NE40E-X8A",
        sys_object_id="1.3.6.1.4.1.2011.2.62.2.9",
        ports=("GigabitEthernet1/0/{n}", "GigabitEthernet2/0/{n}"),
        vpn_template="huawei_vrp_vpn.j2",
    ),
    PlatformSpec(
        # hier_config's Comware rules (undo, sections) fit Comware 7 as well as 5.
        "h3c_comware7",
        "H3C",
        "comware",
        7,
        "hp_comware",
        "HP_COMWARE5",
        "h3c_comware.j2",
        "network.devices.drivers:Comware7Driver",
        _VRP_SESSION,
        commit="delay",
        vlan_interface="Vlan-interface",
        ipv6_global="",
        ipv6_interface_enable=False,
        napalm_driver="egov_comware7",
        mac_prefix="3822d6",
        model="MSR3660",
        sys_object_id="1.3.6.1.4.1.25506.1.1210",
        ports=("GigabitEthernet1/0/{n}", "Ten-GigabitEthernet1/0/{n}"),
        vpn_template="h3c_comware_vpn.j2",
        vpn_table="display {ip} routing-table vpn-instance {name}",
    ),
    PlatformSpec(
        # Comware 5 needs `ipv6` in system view before any IPv6 works, and has no commit delay. Its
        # model here, the S5120-EI access switch, has no MPLS L3VPN: it cannot be a PE (no vpn_template).
        "h3c_comware5",
        "H3C",
        "comware",
        5,
        "hp_comware",
        "HP_COMWARE5",
        "h3c_comware.j2",
        "network.devices.drivers:Comware5Driver",
        _VRP_SESSION,
        vlan_interface="Vlan-interface",
        ipv6_global="ipv6",
        ipv6_interface_enable=False,
        napalm_driver="egov_comware5",
        mac_prefix="3822d6",
        model="S5120-28C-EI",
        sys_object_id="1.3.6.1.4.1.25506.1.297",
        ports=("GigabitEthernet1/0/{n}", "Ten-GigabitEthernet1/0/{n}"),
    ),
    PlatformSpec(
        "cisco_ios",
        "Cisco",
        "ios",
        15,
        "cisco_ios",
        "CISCO_IOS",
        "cisco_ios.j2",
        "network.devices.drivers:IosDriver",
        "network.lab.ios:IosSession",
        loopback="Loopback0",
        vlan_interface="Vlan",
        leave_section="exit",
        ipv6_global="ipv6 unicast-routing",
        ipv4_static="ip route {prefix} {mask} {hop}",
        ipv6_static="ipv6 route {prefix}/{length} {hop}",
        napalm_driver="egov_ios",
        mac_prefix="aabbcc",
        model="ISR4331",
        sys_object_id="1.3.6.1.4.1.9.1.2068",
        ports=("GigabitEthernet0/0/{n}", "TenGigabitEthernet0/1/{n}"),
        vpn_template="cisco_ios_vpn.j2",
        vpn_binding="vrf forwarding",
        vpn_table="show {ip} route vrf {name}",
    ),
)
BUILTIN_PLATFORMS = frozenset(spec.name for spec in BUILTIN)


class UnknownPlatform(KeyError):
    """A platform no spec describes (names the platforms there are)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown platform {name!r}; platforms: {', '.join(sorted(specs()))}")
        self.name = name


class PlatformSpecError(Exception):
    """An installed package's ``egov.platforms`` entry point that gives no usable spec (exit code 2)."""

    exit_code = 2

    def __init__(self, point: str, value: str, reason: str) -> None:
        self.message = f"entry point egov.platforms:{point} ({value}) {reason}"
        self.hint = (
            "fix or uninstall the package that registers it: its value must name a PlatformSpec of that name"
        )
        super().__init__(self.message)


@cache
def specs() -> dict[str, PlatformSpec]:
    """Every platform: the built-in specs and those installed packages register (``egov.platforms``)."""
    out = {spec.name: spec for spec in BUILTIN}
    for point in entry_points(group="egov.platforms"):
        try:
            spec = point.load()
        except Exception as problem:
            raise PlatformSpecError(point.name, point.value, f"cannot be loaded: {problem}") from None
        if not isinstance(spec, PlatformSpec) or spec.name != point.name:
            raise PlatformSpecError(point.name, point.value, f"is not a PlatformSpec named {point.name!r}")
        out[spec.name] = spec
    return out


def platform_spec(name: str) -> PlatformSpec:
    """The spec of a platform; UnknownPlatform (a KeyError) names the known ones."""
    try:
        return specs()[name]
    except KeyError:
        raise UnknownPlatform(name) from None


def known_platforms() -> frozenset[str]:
    """Built-in platforms plus those registered by installed packages (entry point group egov.platforms)."""
    return frozenset(specs())
