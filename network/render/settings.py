"""What the renderer needs to know besides the inventory and the lock: routing and LAN gateway settings.

They are read from ``rollout.yaml``'s ``rollout:`` section (:mod:`network.rollout.config` extends
:class:`RenderSettings` with the waves and budgets), but they belong to the configuration, not to the
rollout: anything that renders a device's intended configuration (the rollout, ``egov verify``, the
golden files) takes a :class:`RenderSettings`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from network.inventory.model import Level


class Strict(BaseModel):
    """Frozen, no unknown keys (a typo in rollout.yaml is an error, not a default)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Ospfv3(Strict):
    """OSPFv3 where the extranet runs it: area 0 at the city, area N for the Nth county (by site id)."""

    process: Annotated[int, Field(ge=1, le=65535)] = 1
    levels: tuple[Level, ...] = (Level.CITY, Level.COUNTY, Level.TOWN)


class Routing(Strict):
    """IPv6 routing toward the parent: OSPFv3 on some levels, a static default on others."""

    ospfv3: Ospfv3 = Ospfv3()
    static_default: tuple[Level, ...] = (Level.VILLAGE,)


class VpnSettings(Strict):
    """MP-BGP between the PEs (``asn``: the extranet's AS) and the numbers of the zone policy's ACLs:
    advanced ACLs (3000-3999 on VRP and Comware) from ``acl_base``, one per filtered interface."""

    asn: Annotated[int, Field(ge=1, le=4294967295)] = 65010
    acl_base: Annotated[int, Field(ge=3000, le=3899)] = 3100


class RenderSettings(Strict):
    """Routing, where department LAN gateways go (VLAN interfaces ``lan_vlan_base + n``), VPN settings."""

    routing: Routing = Routing()
    lan_vlan_base: Annotated[int, Field(ge=2, le=3000)] = 1000
    vpn: VpnSettings = VpnSettings()
