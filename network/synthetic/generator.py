"""Generate a whole inventory (sites, devices, links, departments, systems, milestones) from a profile.

Deterministic: the same profile and seed give the same files byte for byte. Addresses come only
from documentation ranges (RFC 5737, RFC 3849). Used for the Shanwei sample and for the city- and
province-scale inventories of the benchmarks.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from ipaddress import IPv4Network, IPv6Address, IPv6Network
from typing import Any

from network.inventory.platforms import platform_spec
from network.synthetic.profiles import (
    CLASSIFIED_SYSTEMS,
    COMMON_SYSTEMS,
    FILES_ONLY_SYSTEMS,
    GUANGDONG_CITIES,
    MILESTONE_SYSTEMS,
    SHANWEI,
    CityProfile,
    CountySpec,
    DepartmentSpec,
    TownSpec,
)

Record = dict[str, Any]

_G, _M = 10**9, 10**6
_MGMT_V4 = IPv4Network("192.0.2.0/25")
_LAN_V4 = (
    *IPv4Network("198.51.100.0/24").subnets(new_prefix=29),
    *IPv4Network("203.0.113.0/25").subnets(new_prefix=29),
    *IPv4Network("192.0.2.128/25").subnets(new_prefix=29),
)
_PRIVATE_V4 = tuple(IPv4Network("203.0.113.128/26").subnets(new_prefix=29))  # .192/26: the cloud's
_MGMT_V6 = IPv6Network("2001:db8:ff00::/40")
_LAN_V6 = IPv6Network("2001:db8:fe00::/40")
_VILLAGE_DEMAND = ("10M", "20M", "20M", "50M", "50M", "100M")
_PROVIDERS = ("中国电信", "中国移动", "中国联通")


@dataclass
class _Device:
    record: Record
    next_port: dict[bool, int] = field(default_factory=lambda: {False: 0, True: 0})

    @property
    def hostname(self) -> str:
        return str(self.record["hostname"])

    def port(self, ten_gig: bool, description: str) -> str:
        """Allocate the next free 1G or 10G port, named as the platform names it."""
        number = self.next_port[ten_gig]
        self.next_port[ten_gig] += 1
        name = platform_spec(self.record["platform"]).ports[ten_gig].format(n=number)
        self.record["interfaces"].append(
            {"name": name, "description": description, "speed": "10G" if ten_gig else "1G"}
        )
        return name


@dataclass
class Builder:
    """Accumulates the records of one inventory."""

    rng: random.Random
    ipv4_management: bool
    sites: list[Record] = field(default_factory=list)
    devices: list[Record] = field(default_factory=list)
    links: list[Record] = field(default_factory=list)
    departments: list[Record] = field(default_factory=list)
    systems: list[Record] = field(default_factory=list)
    milestones: list[Record] = field(default_factory=list)
    websites: list[Record] = field(default_factory=list)
    zones: list[Record] = field(default_factory=list)
    resolvers: list[Record] = field(default_factory=list)
    cdn_edges: list[Record] = field(default_factory=list)
    network_zones: list[Record] = field(default_factory=list)
    vpn_instances: list[Record] = field(default_factory=list)
    flows: list[Record] = field(default_factory=list)
    handles: dict[str, _Device] = field(default_factory=dict)
    _mgmt_v4: Iterator[Any] = field(default_factory=lambda: iter(_MGMT_V4.hosts()))
    _mgmt_v6: int = 0
    _lan_v4: int = 0
    _lan_v6: int = 0
    _private: int = 0
    _circuits: int = 0

    # --- sites, devices, links ---

    def site(self, site_id: str, name: str, level: str, parent: str | None, **extra: Any) -> Record:
        record: Record = {"id": site_id, "name": name, "level": level}
        if parent is not None:
            record["parent"] = parent
        record.update(extra)
        self.sites.append(record)
        return record

    def device(self, hostname: str, site: str, role: str, platform: str, village: bool = False) -> _Device:
        if self.ipv4_management and not village:
            management: str = str(next(self._mgmt_v4))
        else:
            self._mgmt_v6 += 1
            management = str(IPv6Address(int(_MGMT_V6.network_address) + self._mgmt_v6))
        record: Record = {
            "hostname": hostname,
            "site": site,
            "role": role,
            "platform": platform,
            "model": platform_spec(platform).model,
            "management": management,
            "credentials": f"env:EGOV_SSH_{role.upper()}",
            "interfaces": [{"name": "LoopBack0", "description": "router id"}],
        }
        self.devices.append(record)
        handle = _Device(record)
        self.handles[hostname] = handle
        return handle

    def link(self, link_id: str, upper: _Device, lower: _Device, capacity: str, local: bool = False) -> None:
        ten_gig = capacity.endswith("G") and capacity != "1G"
        a = upper.port(ten_gig, f"to {lower.hostname}")
        b = lower.port(ten_gig, f"to {upper.hostname}")
        record: Record = {
            "id": link_id,
            "a": {"device": upper.hostname, "interface": a},
            "b": {"device": lower.hostname, "interface": b},
            "capacity": capacity,
        }
        if not local:
            self._circuits += 1
            record["circuit"] = {
                "id": f"GD-EGOV-{self._circuits:06d}",
                "provider": _PROVIDERS[self._circuits % len(_PROVIDERS)],
            }
        self.links.append(record)

    # --- departments and systems ---

    def lan(self) -> str:
        if self.ipv4_management and self._lan_v4 < len(_LAN_V4):
            self._lan_v4 += 1
            return str(_LAN_V4[self._lan_v4 - 1])
        self._lan_v6 += 1
        return str(IPv6Network((int(_LAN_V6.network_address) + (self._lan_v6 << 64), 64)))

    def private_prefix(self) -> str:
        if self.ipv4_management and self._private < len(_PRIVATE_V4):
            self._private += 1
            return str(_PRIVATE_V4[self._private - 1])
        return self.lan()


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


_WAVE_DEADLINES = {
    1: _date("2019-12-31"),
    2: _date("2020-03-31"),
    3: _date("2020-06-30"),
    4: _date("2020-06-30"),
}
_PRIVATE_NETWORKS = {  # by the city department's key without the city's prefix
    "gaj": "公安视频专网",
    "rsj": "社保业务专网",
    "wjj": "卫生健康专网",
    "ybj": "医保业务专网",
    "czj": "财政业务专网",
    "jyj": "教育城域网",
    "scj": "市场监管业务专网",
    "swuj2": "税务业务专网",
}


def _city_devices(b: Builder, key: str, city_id: str, province: _Device) -> tuple[_Device, _Device]:
    upper = key.upper()
    core1 = b.device(f"{upper}-CORE-01", city_id, "core", "huawei_vrp8")
    core2 = b.device(f"{upper}-CORE-02", city_id, "core", "huawei_vrp8")
    firewall = b.device(f"{upper}-FW-01", city_id, "firewall", "huawei_vrp5")
    b.link(f"{city_id}-up1", province, core1, "10G")
    b.link(f"{city_id}-up2", province, core2, "10G")
    b.link(f"{city_id}-core", core1, core2, "10G", local=True)
    b.link(f"{city_id}-fw", core1, firewall, "10G", local=True)
    return core1, core2


def _county(
    b: Builder, county: CountySpec, city_id: str, cores: tuple[_Device, _Device], profile: CityProfile
) -> None:
    b.site(county.key, county.name, "county", city_id, **({"synthetic": True} if county.synthetic else {}))
    upper = county.key.upper()
    comware_agg = b.rng.random() < 0.4
    core = b.device(f"{upper}-CORE-01", county.key, "core", "huawei_vrp8")
    agg = b.device(
        f"{upper}-AGG-01", county.key, "aggregation", "h3c_comware7" if comware_agg else "huawei_vrp8"
    )
    b.link(f"{county.key}-up", cores[0], core, "10G" if b.rng.random() < 0.3 else "1G")
    b.link(f"{county.key}-agg", core, agg, "10G", local=True)
    for town in county.towns:
        _town(b, town, county.key, agg, profile)


def _town(b: Builder, town: TownSpec, county_id: str, agg: _Device, profile: CityProfile) -> None:
    extra = {"synthetic": True} if town.synthetic else {}
    b.site(town.key, town.name, "town", county_id, **extra)
    roll = b.rng.random()
    # Towns: mostly VRP5 AR routers; older H3C Comware 5 switches (S5120) still serve about one town in
    # eight; Comware 7 MSR routers and a few Cisco routers the rest.
    platform = (
        "huawei_vrp5"
        if roll < 0.63
        else "h3c_comware5"
        if roll < 0.75
        else ("h3c_comware7" if roll < 0.93 else "cisco_ios")
    )
    router = b.device(f"{town.key.upper()}-AR-01", town.key, "access", platform)
    b.link(f"{town.key}-up", agg, router, "1G" if b.rng.random() < 0.2 else "100M")
    low, high = profile.villages_per_town
    for number in range(1, b.rng.randint(low, high) + 1):
        village_id = f"{town.key}-v{number:02d}"
        demand = b.rng.choice(_VILLAGE_DEMAND)
        b.site(
            village_id,
            f"{town.name.removesuffix('镇').removesuffix('街道')}第{number}村",
            "village",
            town.key,
            on_demand=demand,
            synthetic=True,
        )
        roll = b.rng.random()
        platform = "huawei_vrp5" if roll < 0.8 else ("h3c_comware7" if roll < 0.97 else "cisco_ios")
        cpe = b.device(f"{village_id.upper()}-CPE", village_id, "access", platform, village=True)
        b.link(f"{village_id}-up", router, cpe, demand)


def _departments(b: Builder, profile: CityProfile, city_id: str, systems_target: int) -> None:
    specs = list(profile.departments)
    for county in profile.counties:
        for suffix, title in (("zfb", "人民政府办公室"), ("gaj", "公安局"), ("zsj", "政务服务数据管理局")):
            specs.append(DepartmentSpec(f"{county.key}-{suffix}", f"{county.name}{title}", ()))
    county_by_prefix = {c.key: c.key for c in profile.counties}
    for index, spec in enumerate(specs):
        site = next((c for c in county_by_prefix if spec.key.startswith(c + "-")), city_id)
        planned = site != city_id and index % 3 == 2
        access: Record = (
            {"state": "planned", "date": _date("2020-06-30")}
            if planned
            else {"state": "connected", "date": _date("2019-10-31") + dt.timedelta(days=index % 60)}
        )
        record: Record = {
            "id": spec.key,
            "name": spec.name,
            "site": site,
            "lans": [b.lan()],
            "access": access,
        }
        network_name = _PRIVATE_NETWORKS.get(spec.key.removeprefix(f"{profile.key}-"))
        if network_name is not None:
            record["private_networks"] = [
                {
                    "id": f"{spec.key}-pn1",
                    "name": network_name,
                    "prefixes": [b.private_prefix()],
                    "cutover": _date("2020-12-31"),
                }
            ]
        b.departments.append(record)
        _systems(b, spec, record, city_id, systems_target // max(1, len(profile.departments)))


def _systems(b: Builder, spec: DepartmentSpec, department: Record, city_id: str, per_department: int) -> None:
    names = list(spec.systems)
    if not names and department["site"] != city_id:
        return
    wanted = max(2, per_department)
    for common in COMMON_SYSTEMS:
        if len(names) >= wanted:
            break
        names.append(common)
    names.extend(f"业务系统{n:02d}" for n in range(1, wanted - len(names) + 1))
    short = spec.name.removeprefix("市")
    for number, name in enumerate(names, start=1):
        full = name if name in spec.systems else f"{short}{name}"
        b.systems.append(_system(b, f"{spec.key}-s{number:02d}", full, name, spec, city_id))


def _system(b: Builder, system_id: str, full: str, base: str, spec: DepartmentSpec, city_id: str) -> Record:
    rng = b.rng
    classified = base in CLASSIFIED_SYSTEMS
    level = 3 if classified or rng.random() < 0.35 else 2
    stores: list[Record] = [
        {
            "kind": rng.choice(("postgresql", "postgresql", "postgresql", "mysql", "oracle", "dameng")),
            "name": system_id.replace("-", "_"),
            "size_gb": rng.choice((5, 20, 50, 120, 400)),
        }
    ]
    if rng.random() < 0.5:
        stores.append({"kind": "files", "name": f"/srv/{system_id}", "size_gb": rng.choice((10, 80, 300))})
    if base in FILES_ONLY_SYSTEMS and not classified:
        # Archives and portals keep files only; no extra draw, so every other record stays as it was.
        size = stores[-1]["size_gb"] if len(stores) > 1 else stores[0]["size_gb"]
        stores = [{"kind": "files", "name": f"/srv/{system_id}", "size_gb": size}]
    migration: Record
    if classified:
        migration = {"strategy": "retain", "target": "department", "reason": "涉密系统，不上云"}
    else:
        roll = rng.random()
        if roll < 0.04:
            migration = {
                "strategy": "retain",
                "target": "department",
                "reason": "本地数据需保留，机房按方案保留",
            }
        elif roll < 0.08:
            migration = {"strategy": "retire", "target": "none", "reason": "功能并入市政务协同办公平台"}
        else:
            wave = rng.randint(1, 4)
            strategy = rng.choices(("rehost", "replatform", "refactor", "repurchase"), (55, 28, 12, 5))[0]
            migration = {
                "strategy": strategy,
                "target": "cloud",
                "wave": wave,
                "deadline": _WAVE_DEADLINES[wave],
            }
    return {
        "id": system_id,
        "name": full,
        "department": spec.key,
        "classification": "classified" if classified else "non-classified",
        "mlps_level": level,
        "hosting": {"room": f"{spec.name}机房", "site": city_id},
        "data_stores": stores,
        "health": f"https://{system_id}.sys.gov.example/healthz",
        "migration": migration,
    }


def _milestones(b: Builder, system_ids_by_name: dict[str, str]) -> None:
    plan = [
        (
            "m03-departments",
            3,
            "完成市、县（市、区）各级政府部门政务外网全接入",
            "2020-06-30",
            {"name": "departments_connected_ratio", "levels": ["city", "county"]},
        ),
        (
            "m03-uplinks",
            3,
            "扩容升级政务外网骨干网和城域网（万兆到省、千兆到县）",
            "2020-06-30",
            {"name": "sites_connected_ratio", "levels": ["city", "county"]},
        ),
        (
            "m04-ipv6",
            4,
            "完成政务外网IPv6改造",
            "2020-12-31",
            {"name": "ipv6_sites_ratio", "levels": ["city", "county", "town"]},
        ),
        (
            "m05-towns",
            5,
            "完成乡镇（街道）政府部门政务外网接入（百兆到镇）",
            "2021-12-31",
            {"name": "sites_connected_ratio", "levels": ["town"]},
        ),
        (
            "m05-villages",
            5,
            "按需推进政务外网向村（社区）延伸",
            "2021-12-31",
            {"name": "sites_connected_ratio", "levels": ["village"]},
        ),
        (
            "m06-offices",
            6,
            "市直部门办公地点按需接入政务外网，实现应接必接",
            "2020-12-31",
            {"name": "departments_connected_ratio", "levels": ["city"]},
        ),
        (
            "m07-private-networks",
            7,
            "非涉密业务专网整合对接到政务外网",
            "2020-12-31",
            {"name": "private_networks_merged_ratio"},
        ),
        (
            "m08-cloud-node",
            8,
            "建设统一的本地化数字政府政务云平台",
            "2019-12-31",
            {"name": "cloud_node_ready"},
        ),
        (
            "m09-systems",
            9,
            "各部门已建非涉密政务信息系统迁移上云",
            "2020-06-30",
            {"name": "systems_on_cloud_ratio"},
        ),
    ]
    titled = {
        4: ("m04-dns-cdn", "升级改造域名系统、内容分发网络（IPv6）", "2020-12-31", "ipv6_services_ratio"),
        10: (
            "m10-citizen-square",
            "市民服务广场：建设政务服务运营管理中心",
            "2021-06-30",
            "systems_on_cloud_ratio",
        ),
        11: ("m11-sharing", "完善市级政务信息资源共享平台", "2020-06-30", "systems_on_cloud_ratio"),
        12: ("m12-base-databases", "完善四大公共基础数据库", "2020-12-31", "systems_on_cloud_ratio"),
        13: ("m13-catalogue", "编制政务信息资源目录（一数之源）", "2020-12-31", "systems_on_cloud_ratio"),
        14: ("m14-open-data", "推进政务数据资源开放利用", "2020-12-31", "systems_on_cloud_ratio"),
    }
    for milestone_id, task, title, due, metric in plan:
        b.milestones.append(
            {"id": milestone_id, "task": task, "title": title, "due": _date(due), "metric": metric}
        )
    for task, (milestone_id, title, due, metric_name) in titled.items():
        ids = [system_ids_by_name[name] for name in MILESTONE_SYSTEMS[task] if name in system_ids_by_name]
        # the IPv6 services milestone measures the city's websites, zones, resolvers and edges: no scope
        binding: Record = {"name": metric_name}
        if metric_name != "ipv6_services_ratio":
            binding["systems"] = ids
        if ids:
            b.milestones.append(
                {"id": milestone_id, "task": task, "title": title, "due": _date(due), "metric": binding}
            )


@dataclass(frozen=True)
class GeneratedInventory:
    """The records of each inventory file, ready to be written."""

    city: Record
    files: dict[str, list[Record]]
    synthetic: bool


# Monitoring reads the devices by SNMPv3 authPriv (SHA, AES); the secrets are environment references.
SNMP_ACCESS = {
    "version": "3",
    "username": "egov-monitor",
    "security_level": "authPriv",
    "auth_protocol": "SHA",
    "auth": "env:EGOV_SNMP_AUTH",
    "priv_protocol": "AES",
    "priv": "env:EGOV_SNMP_PRIV",
}


def generate_city(profile: CityProfile, seed: int) -> GeneratedInventory:
    """A city inventory: province node, city, counties, towns, villages and the city's departments."""
    b = Builder(random.Random(seed), ipv4_management=True)
    province = b.site("gd", "广东省政务外网省级节点", "province", None)
    province_pe = b.device("GD-PE-01", str(province["id"]), "core", "huawei_vrp8")
    city_id = profile.key
    b.site(city_id, profile.name, "city", "gd")
    cores = _city_devices(b, profile.key, city_id, province_pe)
    for county in profile.counties:
        _county(b, county, city_id, cores, profile)
    _departments(b, profile, city_id, 150)
    _milestones(b, {system["name"]: system["id"] for system in b.systems})
    _services(b, profile, city_id)
    _extranet_zones(b, profile.key, city_id, 0)
    city = {
        "name": profile.name,
        "code": profile.code,
        "level": "city",
        "aggregates": {
            "ipv4": ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"],
            "ipv6": ["2001:db8::/32"],
        },
        "cloud": {"name": f"{profile.name}政务云节点", "site": city_id, "mlps_level": 3},
        "snmp": SNMP_ACCESS,
    }
    return GeneratedInventory(city, _files(b), profile.synthetic)


def synthetic_city(
    rng: random.Random,
    key: str,
    name: str,
    code: str,
    counties: int,
    towns: tuple[int, int],
    villages: tuple[int, int],
) -> CityProfile:
    """A city profile with made-up division names."""
    county_specs = []
    for c in range(1, counties + 1):
        county_key = f"{key}-c{c:02d}"
        town_specs = tuple(
            TownSpec(f"{county_key}-t{t:02d}", f"{name[:-1]}{c}区{t}镇", True)
            for t in range(1, rng.randint(*towns) + 1)
        )
        county_specs.append(CountySpec(county_key, f"{name[:-1]}第{c}县", town_specs, True))
    departments = tuple(
        DepartmentSpec(
            f"{key}-{spec.key.removeprefix('sw-')}", spec.name.replace("市", name, 1), spec.systems
        )
        for spec in SHANWEI.departments
    )
    return CityProfile(key, name, code, tuple(county_specs), departments, villages, synthetic=True)


def generate_province(seed: int, systems_per_city: int = 500) -> GeneratedInventory:
    """A Guangdong-sized inventory: 21 cities, ~125 counties, ~1,600 towns, ~26,000 villages, ~10k systems."""
    rng = random.Random(seed)
    b = Builder(rng, ipv4_management=False)
    province = b.site("gd", "广东省政务外网省级节点", "province", None)
    province_pe = b.device("GD-PE-01", str(province["id"]), "core", "huawei_vrp8")
    for number, (key, name, code) in enumerate(GUANGDONG_CITIES):
        profile = synthetic_city(rng, key, name, code, rng.randint(5, 7), (11, 15), (14, 18))
        b.site(key, name, "city", "gd", synthetic=True)
        cores = _city_devices(b, key, key, province_pe)
        for county in profile.counties:
            _county(b, county, key, cores, profile)
        _departments(b, profile, key, systems_per_city)
        _extranet_zones(b, key, key, number, zone="gd-zone")
    _milestones(b, {})
    city = {
        "name": "广东省",
        "code": "440000",
        "level": "province",
        "aggregates": {"ipv6": ["2001:db8::/32"]},
        "cloud": {"name": "广东省政务云", "site": "gd", "mlps_level": 3},
    }
    return GeneratedInventory(city, _files(b), True)


def _files(b: Builder) -> dict[str, list[Record]]:
    files = {
        "sites": b.sites,
        "departments": b.departments,
        "devices": b.devices,
        "links": b.links,
        "systems": b.systems,
        "milestones": b.milestones,
        "websites": b.websites,
        "zones": b.zones,
        "resolvers": b.resolvers,
        "cdn_edges": b.cdn_edges,
        "network_zones": b.network_zones,
        "vpn_instances": b.vpn_instances,
        "flows": b.flows,
    }
    return {kind: records for kind, records in files.items() if records}


# The city's DNS and web services sit in the cloud node's shared project: its services zone
# (192.0.2.120/29, 2001:db8:e000:2::/64) holds the name servers and resolvers, its DMZ the CDN edges.
_NAME_SERVERS = (("ns1", "192.0.2.121", "2001:db8:e000:2::53"), ("ns2", "192.0.2.122", "2001:db8:e000:2::54"))
_RESOLVERS = (("r1", "192.0.2.123", "2001:db8:e000:2::1:53"), ("r2", "192.0.2.124", "2001:db8:e000:2::2:53"))
# The parent zone's servers are the province's (documentation addresses outside the city's plan).
_PARENT_SERVERS = (
    {"name": "ns1.gov.example", "ipv4": "203.0.113.253", "ipv6": "2001:db8:f53::1"},
    {"name": "ns2.gov.example", "ipv4": "203.0.113.254", "ipv6": "2001:db8:f53::2"},
)
_WEBSITE_NAMES = {"sw-zfb": ("www", "汕尾市人民政府门户网站"), "sw-zsj": ("zwfw", "汕尾市政务服务网")}


def _services(b: Builder, profile: CityProfile, city_id: str) -> None:
    """Zones, resolvers, CDN edges and a website per city department (task 4: DNS, websites and CDN)."""
    domain = f"{profile.key}.gov.example"
    for zone_id, name in ((f"{profile.key}-public", domain), (f"{profile.key}-sys", "sys.gov.example")):
        b.zones.append(
            {
                "id": zone_id,
                "name": name,
                "primary": f"ns1.{domain}",
                "servers": [
                    {"name": f"{ns}.{domain}", "ipv4": v4, "ipv6": v6} for ns, v4, v6 in _NAME_SERVERS
                ],
                "parent_servers": list(_PARENT_SERVERS),
                "update_key": "env:EGOV_DNS_TSIG",
            }
        )
    for key, v4, v6 in _RESOLVERS:
        b.resolvers.append({"id": f"{profile.key}-dns-{key}", "site": city_id, "ipv4": v4, "ipv6": v6})
    counties = [c.key for c in profile.counties][:4]
    for n, county in enumerate(counties, start=1):
        b.cdn_edges.append(
            {
                "id": f"{county}-cdn",
                "site": county,
                "ipv4": f"192.0.2.{112 + n}",
                "ipv6": f"2001:db8:e000:1::e:{n}",
            }
        )
    systems: dict[str, list[Record]] = {}
    for system in b.systems:
        systems.setdefault(system["department"], []).append(system)
    for department in b.departments:
        if department["site"] != city_id:
            continue
        key = str(department["id"])
        label, title = _WEBSITE_NAMES.get(
            key, (key.removeprefix(f"{profile.key}-"), f"{department['name']}网站")
        )
        record: Record = {"id": f"{key}-web", "name": title, "host": f"{label}.{domain}", "department": key}
        portal = next(
            (
                s
                for s in systems.get(key, ())
                if "网站" in s["name"] or s["name"].endswith("政务服务管理平台")
            ),
            None,
        )
        if portal is not None and portal["migration"]["target"] == "cloud":
            record["system"] = portal["id"]
        else:  # still in the department's own room, IPv4 only: what the IPv6 indicators count against
            lan = IPv4Network(str(department["lans"][0]))
            record["ipv4"] = str(lan.network_address + 5)
        if key in _WEBSITE_NAMES:
            record["cdn"] = True
        b.websites.append(record)


# --- zones and VPN instances (tasks 6-7) -------------------------------------------------------------

EXTRANET_ASN = 65010  # the city extranet's (private) AS: route distinguishers and targets are ASN:n
# Each VPN instance is a routing table of its own, so every one uses the same two access /30s (the PE's
# address first, the business network's router second): overlap across instances is what VPNs allow.
_VPN_ACCESS_V4 = tuple(IPv4Network("192.0.2.248/29").subnets(new_prefix=30))
# The public zone's shared services: the cloud node's shared project, DMZ and services (as the lock cuts it).
_SHARED_SERVICES = ("192.0.2.112/28", "2001:db8:e000:1::/64", "2001:db8:e000:2::/64")
# Business networks that exchange traffic with each other (an extranet VPN): 医保 settlement with hospitals.
_PAIRED_NETWORKS = (("wjj", "ybj", 443, "医保结算：医院与医保业务专网之间仅 HTTPS"),)


def _extranet_zones(b: Builder, key: str, city_id: str, city_number: int, zone: str = "") -> None:
    """The three zones, a VPN instance per business network (PEs: the city core, and the first county's
    core for the network's county branch), and the flow policy. ``zone``: the zones' id prefix — a
    city's own, or the province's, whose zones every city joins (one public zone spans the province)."""
    upper = key.upper()
    zone = zone or f"{key}-zone"
    departments = [d for d in b.departments if d["id"].startswith(f"{key}-") and d.get("lans")]
    firewall = b.handles[f"{upper}-FW-01"]
    zones = {z["id"]: z for z in b.network_zones}
    if f"{zone}-public" not in zones:
        b.network_zones += [
            {
                "id": f"{zone}-public",
                "name": "公用网络区",
                "kind": "public",
                "mlps_level": 3,
                "departments": [],
                "shared_services": list(_SHARED_SERVICES) if city_number == 0 else [],
            },
            {"id": f"{zone}-private", "name": "专用网络区", "kind": "private", "mlps_level": 3},
            {
                "id": f"{zone}-internet",
                "name": "互联网接入区",
                "kind": "internet",
                "mlps_level": 3,
                "egress": [],
            },
        ]
        b.flows.append(
            {
                "id": f"{zone.removesuffix('-zone')}-public-to-internet-web",
                "source": f"zone:{zone}-public",
                "destination": f"zone:{zone}-internet",
                "protocol": "tcp",
                "ports": [80, 443],
                "reason": "互联网接入区：公用网络区访问互联网网站（HTTP/HTTPS）",
            }
        )
        zones = {z["id"]: z for z in b.network_zones}
    zones[f"{zone}-public"]["departments"] += [d["id"] for d in departments]
    zones[f"{zone}-internet"]["egress"].append(
        {"device": firewall.hostname, "interface": firewall.port(True, "to the Internet")}
    )
    city_pe = b.handles[f"{upper}-CORE-01"]
    county_core = next(
        (h for h in b.handles.values() if h.record["site"] != city_id and h.hostname.startswith(f"{upper}-")
         and h.hostname.endswith("-CORE-01") and h.record["role"] == "core"),
        None,
    )  # fmt: skip
    vpn_of: dict[str, str] = {}
    carried = [(d, d["private_networks"][0]) for d in departments if d.get("private_networks")]
    for n, (department, network) in enumerate(carried, start=1):
        number = city_number * 1000 + 100 + n
        target = f"{EXTRANET_ASN}:{number}"
        pes: list[Record] = [_pe(city_pe, network, 0)]
        if county_core is not None:
            pes.append(_pe(county_core, network, 1))
        b.vpn_instances.append(
            {
                "name": network["id"],
                "department": department["id"],
                "network": network["id"],
                "zone": f"{zone}-private",
                "rd": target,
                "export_targets": [target],
                "import_targets": [target],
                "pes": pes,
            }
        )
        vpn_of[str(department["id"]).removeprefix(f"{key}-")] = network["id"]
    by_name = {v["name"]: v for v in b.vpn_instances}
    for first, second, port, reason in _PAIRED_NETWORKS:
        if first in vpn_of and second in vpn_of:
            source, destination = by_name[vpn_of[first]], by_name[vpn_of[second]]
            source["import_targets"].append(destination["export_targets"][0])
            destination["import_targets"].append(source["export_targets"][0])
            b.flows.append(
                {
                    "id": f"{key}-{first}-to-{second}",
                    "source": f"vpn:{source['name']}",
                    "destination": f"vpn:{destination['name']}",
                    "protocol": "tcp",
                    "ports": [port],
                    "reason": reason,
                }
            )


def _pe(device: _Device, network: Record, n: int) -> Record:
    access = _VPN_ACCESS_V4[n]
    name = device.port(False, f"to {network['name']} ({network['id']})")
    return {
        "device": device.hostname,
        "interfaces": [{"name": name, "ipv4": f"{access[1]}/30", "peer": str(access[2])}],
    }
