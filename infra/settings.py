"""The stack's settings: what Pulumi.<stack>.yaml says (and secrets set with ``pulumi config set --secret``).

Every value is checked before any resource is declared; an error names the config key
(``egov-cloud:flavors.large``) and what it should be. Secrets are only ever read as Pulumi secrets
(``bootstrapToken``): they go into the instances' user data as secret outputs, never into a plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from network.state import state_dir

PROJECT = "egov-cloud"
ROOT = Path(__file__).resolve().parent.parent  # where Pulumi.yaml is
SIZES = ("small", "medium", "large", "xlarge")
TIERS = ("web", "app", "db")


class SettingsError(Exception):
    """A stack setting that cannot be used: names the config key, says what it should be."""

    def __init__(self, key: str, message: str, hint: str) -> None:
        super().__init__(f"{PROJECT}:{key}: {message}")
        self.key, self.message, self.hint = key, f"{PROJECT}:{key}: {message}", hint


@dataclass(frozen=True)
class Settings:
    """The stack's settings, checked."""

    inventory: Path
    external_network: str | None
    images: dict[str, str]
    flavors: dict[str, str]
    dns_zone: str
    dns_email: str
    provision: str = "ledger"  # ledger: systems the migration has started; plan: every system to move
    ipv6_mode: str = "dhcpv6-stateful"
    key_pair: str | None = None
    dns_nameservers: tuple[str, ...] = ()
    quota_cores_per_system: int = 8
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def state_dir(self) -> Path:
        """The inventory's state directory (the migration ledger)."""
        return state_dir(self.inventory)


def _text(values: Mapping[str, Any], key: str, default: str | None = None) -> str | None:
    value = values.get(key, default)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise SettingsError(key, f"expected text, got {value!r}", "see Pulumi.shanwei.yaml")
    return value.strip()


def _mapping(values: Mapping[str, Any], key: str, wanted: tuple[str, ...]) -> dict[str, str]:
    value = values.get(key)
    if not isinstance(value, Mapping):
        raise SettingsError(
            key, f"expected a mapping of {', '.join(wanted)}", f"e.g. {key}: {{{wanted[0]}: …}}"
        )
    out = {}
    for name in wanted:
        item = value.get(name, value.get("default"))
        if not isinstance(item, str) or not item:
            raise SettingsError(f"{key}.{name}", "is missing", f"give {key}.{name} (or {key}.default)")
        out[name] = item
    unknown = sorted(set(value) - {*wanted, "default"})
    if unknown:
        raise SettingsError(
            f"{key}.{unknown[0]}", "is not a known key", f"keys: {', '.join(wanted)}, default"
        )
    return out


def settings_from(values: Mapping[str, Any], root: Path = ROOT) -> Settings:
    """Settings from the stack's config values (plain keys, without the ``egov-cloud:`` prefix)."""
    inventory_text = _text(values, "inventory")
    if inventory_text is None:
        raise SettingsError(
            "inventory", "is not set", "set it to the inventory directory, e.g. inventories/shanwei"
        )
    inventory = (root / inventory_text).resolve()
    if not (inventory / "city.yaml").is_file():
        raise SettingsError("inventory", f"{inventory} is not an inventory directory", "check the path")
    provision = _text(values, "provision", "ledger")
    if provision not in ("ledger", "plan"):
        raise SettingsError("provision", f"{provision!r} is neither ledger nor plan", "ledger or plan")
    ipv6_mode = _text(values, "ipv6Mode", "dhcpv6-stateful")
    if ipv6_mode not in ("dhcpv6-stateful", "slaac"):
        raise SettingsError(
            "ipv6Mode", f"{ipv6_mode!r} is not supported", "dhcpv6-stateful (fixed addresses) or slaac"
        )
    zone = _text(values, "dnsZone")
    if zone is None or not zone.endswith("."):
        raise SettingsError(
            "dnsZone", f"{zone!r} must be a fully qualified zone", "e.g. cloud.shanwei.gov.example."
        )
    servers = values.get("dnsNameservers", [])
    if not isinstance(servers, list) or not all(isinstance(s, str) for s in servers):
        raise SettingsError("dnsNameservers", "expected a list of addresses", "e.g. [2001:db8:e000:2::53]")
    cores = values.get("quotaCoresPerSystem", 8)
    if isinstance(cores, str) and cores.isdigit():
        cores = int(cores)
    if not isinstance(cores, int) or isinstance(cores, bool) or cores < 1:
        raise SettingsError("quotaCoresPerSystem", f"{cores!r} is not a positive integer", "e.g. 8")
    return Settings(
        inventory=inventory,
        external_network=_text(values, "externalNetwork"),
        images=_mapping(values, "images", TIERS),
        flavors=_mapping(values, "flavors", SIZES),
        dns_zone=zone,
        dns_email=_text(values, "dnsEmail", "hostmaster@" + zone.rstrip(".")) or "",
        provision=provision or "ledger",
        ipv6_mode=ipv6_mode or "dhcpv6-stateful",
        key_pair=_text(values, "keyPair"),
        dns_nameservers=tuple(servers),
        quota_cores_per_system=cores,
    )


def read_stack_file(path: Path) -> dict[str, Any]:
    """The plain ``egov-cloud:`` values of a Pulumi.<stack>.yaml (for the offline plan, no Pulumi CLI)."""
    import yaml_rs  # noqa: PLC0415 - the loader the inventory uses

    try:
        data = yaml_rs.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml_rs.YAMLDecodeError) as problem:
        raise SettingsError("config", f"{path} cannot be read ({problem})", "check the stack file") from None
    config = data.get("config") if isinstance(data, Mapping) else None
    if not isinstance(config, Mapping):
        raise SettingsError("config", f"{path} has no config: mapping", "see Pulumi.shanwei.yaml")
    out = {}
    for key, value in config.items():
        if str(key).startswith(f"{PROJECT}:"):
            if isinstance(value, Mapping) and "secure" in value:
                continue  # a secret: only Pulumi decrypts it
            out[str(key).split(":", 1)[1]] = value
    return out
