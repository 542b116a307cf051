"""``inventories/<city>/rollout.yaml``: how the IPv6 rollout routes and in which waves it goes.

```yaml
rollout:
  routing:
    ospfv3: {process: 1, levels: [city, county, town]}   # area 0 at the city, one area per county
    static_default: [village]                            # a default route toward the uplink peer
  lan_vlan_base: 1000        # department LAN gateways on VLAN interfaces base+n at their site's device
  vpn: {asn: 65010, acl_base: 3100}  # MP-BGP between PEs; the zone policy's ACL numbers
  workers: 16                # devices changed at once within a wave
  max_fail_percentage: 10    # per wave unless the wave sets its own (the canary's default is 0)
  trial_seconds: 300         # trial commits (VRP8, Comware) revert after this unless confirmed
  waves: auto                # canary, city, each county's core, its towns, then villages; or a list:
  # waves:
  #   - {name: canary, devices: [SW-CORE-01], max_fail_percentage: 0}
  #   - {name: city, levels: [city]}
  #   - {name: 城区, counties: [sw-cq], levels: [county, town]}
```

Without the file every default above applies. Wave selectors (all optional, combined with AND):
``devices`` (hostname globs), ``levels``, ``counties`` (county site ids: the county and what is
below it), ``roles``. A device goes into the first wave that selects it; province devices (the
province's, not the city's) are never rolled out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError

from network.inventory.model import Level, Role
from network.render.settings import RenderSettings, Strict

ROLLOUT_FILE = "rollout.yaml"


class WaveSpec(Strict):
    """One declared wave: which devices it takes, and how many may fail (percent) before it stops."""

    name: Annotated[str, Field(min_length=1, max_length=80)]
    devices: tuple[str, ...] = ()
    levels: tuple[Level, ...] = ()
    counties: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    max_fail_percentage: Annotated[float, Field(ge=0, le=100)] | None = None


class RolloutConfig(RenderSettings):
    """The ``rollout:`` section of rollout.yaml: the render settings, and the rollout's own."""

    workers: Annotated[int, Field(ge=1, le=256)] = 16
    max_fail_percentage: Annotated[float, Field(ge=0, le=100)] = 10.0
    trial_seconds: Annotated[int, Field(ge=60, le=3600)] = 300
    waves: Literal["auto"] | tuple[WaveSpec, ...] = "auto"


class RolloutFileError(ValueError):
    """rollout.yaml cannot be used: names the file, the key and what is allowed."""


def load_rollout(inventory_dir: Path) -> RolloutConfig:
    """The rollout settings of an inventory (defaults when it has no rollout.yaml)."""
    path = inventory_dir / ROLLOUT_FILE
    if not path.exists():
        return RolloutConfig()
    import yaml_rs  # noqa: PLC0415 - the loader the inventory uses

    try:
        data = yaml_rs.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, yaml_rs.YAMLDecodeError) as problem:
        raise RolloutFileError(f"{path}: cannot be read ({problem})") from None
    if not isinstance(data, dict) or set(data) != {"rollout"}:
        raise RolloutFileError(f"{path}: must hold one mapping, `rollout:` (see docs/rollout.md)")
    try:
        return RolloutConfig.model_validate(data["rollout"] or {})
    except ValidationError as problem:
        first = problem.errors()[0]
        key = ".".join(str(part) for part in ("rollout", *first["loc"]))
        raise RolloutFileError(f"{path}: {key}: {first['msg']}") from None
