"""Copy real captures from public projects' test data into tests/fixtures/captures (a maintainer's tool).

    python scripts/import_captures.py MIRRORS_DIR

MIRRORS_DIR holds the projects as git directories named ``owner+name/repo`` (what the library's
``fetch`` brings). Each capture is copied unchanged (in whole configurations, secrets and their hashes
are replaced by ``<removed>``, the lines kept) as ``<platform>/<command>/<name>.raw``; the
source's own expected parse goes beside it unchanged (``.yml`` of ntc-templates, ``.napalm.json``) or,
for genieparser whose expectations are Python literals, as the same data in JSON (``.genie.json``).
Every file's provenance (repository, path, commit, licence) is written to ``sources.yml``. Identical
captures are kept once. The tests never run this: they read only what it wrote.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "captures"


@dataclass(frozen=True)
class Source:
    repo: str
    licence: str
    root: str  # folder in the repository
    kind: str  # ntc | napalm | genie | plain
    platform: str
    command: str
    pattern: str  # what a capture's path ends with, under root
    limit: int = 1000
    name: str = ""  # the capture's name, for a source of one file


# In a whole configuration, what follows these words is a secret or its hash: kept out of the corpus
# (the line stays, so line numbers are the source's).
SECRET = re.compile(
    r"(?m)(\b(?:secret \d+|password (?:\d+|cipher|hash|irreversible-cipher)|key \w+ cipher"
    r"|snmp-server community|snmp-agent community (?:read|write)(?: simple| cipher)?)) \S+"
)


def _masked(source: Source, raw: bytes) -> tuple[bytes, bool]:
    if source.command not in ("display_current-configuration", "show_running-config"):
        return raw, False
    text = raw.decode("utf-8", errors="surrogateescape")
    masked = SECRET.sub(r"\1 <removed>", text)
    return masked.encode("utf-8", errors="surrogateescape"), masked != text


NTC = "networktocode/ntc-templates"
NAPALM = "napalm-automation/napalm"
VRP = "napalm-automation-community/napalm-huawei-vrp"
CE = "napalm-automation-community/napalm-ce"
GENIE = "CiscoTestAutomation/genieparser"
APACHE = "Apache-2.0"
GP = "src/genie/libs/parser"
XE = f"{GP}/iosxe/tests"
MD, IOS = "test/unit/mocked_data", "test/ios/mocked_data"  # the NAPALM drivers' mocked data

# (repository, folder, kind of parse beside, platform, command, what a capture's path ends with[, at most]).
# Every source is Apache-2.0. napalm-huawei-vrp's test_get_interfaces_counters/*/show_interfaces.txt and
# test_get_interfaces_ip/*/show_ipv6_interface.txt are not taken: they are Cisco IOS output, not VRP.
V, H, C = "huawei_vrp", "h3c_comware", "cisco_ios"
# fmt: off
ROWS: list[tuple[Any, ...]] = [
    (NTC, "tests/hp_comware/display_interface", "ntc", H, "display_interface", ".raw"),
    (NTC, "tests/hp_comware/display_interface_brief", "ntc", H, "display_interface_brief", ".raw"),
    (NTC, "tests/hp_comware/display_device_manuinfo", "ntc", H, "display_device_manuinfo", ".raw"),
    (NTC, "tests/huawei_vrp/display_interface", "ntc", V, "display_interface", ".raw"),
    (NTC, "tests/huawei_vrp/display_interface_brief", "ntc", V, "display_interface_brief", ".raw"),
    (NTC, "tests/huawei_vrp/display_ipv6_neighbors", "ntc", V, "display_ipv6_neighbors", ".raw"),
    (NTC, "tests/huawei_vrp/display_version", "ntc", V, "display_version", ".raw"),
    (NTC, "tests/huawei_vrp/display_ip_routing-table_verbose", "ntc", V, "display_ipv6_routing-table_verbose",
     "_ipv6.raw"),
    (NTC, "tests/cisco_ios/show_version", "ntc", C, "show_version", ".raw"),
    (NTC, "tests/cisco_ios/show_interfaces", "ntc", C, "show_interfaces", ".raw"),
    (NTC, "tests/cisco_ios/show_ipv6_interface_brief", "ntc", C, "show_ipv6_interface_brief", ".raw"),
    (NTC, "tests/cisco_ios/show_ipv6_neighbors", "ntc", C, "show_ipv6_neighbors", ".raw"),
    (VRP, f"{MD}/test_get_facts", "plain", V, "display_version", "/display_version.txt"),
    (VRP, f"{MD}/test_get_facts", "plain", V, "display_esn", "/display_esn.txt"),
    (VRP, f"{MD}/test_get_facts", "plain", V, "display_interface_brief", "/display_interface_brief.txt"),
    (VRP, f"{MD}/test_get_interfaces", "plain", V, "display_interface", "/display_interface.txt"),
    (CE, f"{MD}/test_get_facts", "napalm", V, "display_version", "/display_version.txt"),
    (CE, f"{MD}/test_get_facts", "plain", V, "display_interface_brief", "/display_interface_brief.txt"),
    (CE, f"{MD}/test_get_interfaces", "napalm", V, "display_interface", "/display_interface.txt"),
    (CE, f"{MD}/test_get_interfaces_ip", "plain", V, "display_ipv6_interface", "/display_ipv6_interface.txt"),
    (NAPALM, f"{IOS}/test_get_facts", "napalm", C, "show_version", "/show_version.txt"),
    (NAPALM, f"{IOS}/test_get_interfaces", "napalm", C, "show_interfaces", "/show_interfaces.txt"),
    (NAPALM, f"{IOS}/test_get_interfaces_counters", "napalm", C, "show_interfaces", "/show_interfaces.txt"),
    (NAPALM, f"{IOS}/test_get_ipv6_neighbors_table", "napalm", C, "show_ipv6_neighbors",
     "/show_ipv6_neighbors.txt"),
    (GENIE, f"{GP}/ios/tests/ShowVersion/cli/equal", "genie", C, "show_version", "_output.txt"),
    (GENIE, f"{XE}/ShowVersion/cli/equal", "genie", C, "show_version", "_output.txt", 27),
    (GENIE, f"{GP}/ios/tests/ShowInterfaces/cli/equal", "genie", C, "show_interfaces", "_output.txt"),
    (GENIE, f"{XE}/ShowInterfaces/cli/equal", "genie", C, "show_interfaces", "_output.txt", 20),
    (GENIE, f"{XE}/ShowIpv6Neighbors/cli/equal", "genie", C, "show_ipv6_neighbors", "_output.txt"),
    (GENIE, f"{XE}/ShowIpv6InterfaceBrief/cli/equal", "genie", C, "show_ipv6_interface_brief", "_output.txt"),
]
# fmt: on
SOURCES = [Source(repo, APACHE, *rest) for repo, *rest in ROWS]

# Whole configurations, for the isolation check's parser (network/verify/config.py). faddr's are RANCID
# backups of its lab (an NE40E on VRP8 and a 7206 on IOS 15.2, both on EVE-NG; tests/fixtures/lab/LAB.md
# there says what was configured); netutils' are its parser tests' devices (Comware sanitised to
# 192.0.2.0/24).
FADDR, NETUTILS = "kido5217/faddr", "networktocode/netutils"
RANCID = "tests/fixtures/rancid/group_01_3rows/configs"
NU = "tests/unit/mock/config/parser/base"
RUN = "display_current-configuration"
SOURCES += [
    Source(FADDR, "MIT", RANCID, "plain", V, RUN, "/huawei-vrp-v800-ne40", name="faddr_rancid_ne40e_vrp8"),
    Source(
        FADDR,
        "MIT",
        RANCID,
        "plain",
        C,
        "show_running-config",
        "/cisco-ios-15-7206",
        name="faddr_rancid_7206_ios15",
    ),
    Source(
        NETUTILS,
        APACHE,
        f"{NU}/hp_comware",
        "plain",
        H,
        RUN,
        "/hp_comware_full_sent.txt",
        name="netutils_parser_comware7_full",
    ),
    Source(
        NETUTILS,
        APACHE,
        f"{NU}/cisco_ios",
        "plain",
        C,
        "show_running-config",
        "/ios_full_sent.txt",
        name="netutils_parser_iosv_full",
    ),
]

SHORT = {NTC: "ntc", NAPALM: "napalm", VRP: "napalm-vrp", CE: "napalm-ce", GENIE: "genie"}


def _git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True).stdout


def _name(source: Source, path: str) -> str:
    if source.name:
        return source.name
    rel = path[len(source.root) + 1 :]
    if source.kind == "ntc":
        return Path(rel).stem
    if source.kind == "genie":
        return f"genie_{source.root.split('/')[-5]}_{rel.removesuffix('_output.txt')}"
    case = rel.removesuffix(source.pattern).replace("/", "_")
    getter = source.root.rsplit("/", 1)[-1].removeprefix("test_")
    return f"{SHORT[source.repo]}_{getter}_{case}"


def _parse_beside(source: Source, repo: Path, path: str) -> tuple[str, bytes] | None:
    """The source's own expected parse of the capture, as the extension it is kept under."""
    tree = set(_git(repo, "ls-tree", "-r", "--name-only", "HEAD", str(Path(path).parent)).decode().split())
    if source.kind == "ntc":
        beside = str(Path(path).with_suffix(".yml"))
        return (".yml", _git(repo, "show", f"HEAD:{beside}")) if beside in tree else None
    if source.kind == "napalm":
        beside = str(Path(path).parent / "expected_result.json")
        return (".napalm.json", _git(repo, "show", f"HEAD:{beside}")) if beside in tree else None
    if source.kind == "genie":
        beside = path.removesuffix("_output.txt") + "_expected.py"
        if beside not in tree:
            return None
        module = ast.parse(_git(repo, "show", f"HEAD:{beside}").decode())
        for node in module.body:
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "expected_output":
                data = ast.literal_eval(node.value)
                return (".genie.json", json.dumps(data, indent=1, sort_keys=True).encode() + b"\n")
    return None


def main(mirrors: Path) -> int:
    rows: list[dict[str, str]] = []
    seen: set[str] = set()
    listed = yaml.safe_load((CORPUS / "sources.yml").read_text(encoding="utf-8")) or []
    for source in SOURCES:
        repo = mirrors / source.repo.replace("/", "+") / "repo"
        if not repo.is_dir():  # not fetched this time: keep what an earlier run copied from it
            kept = [r for r in listed if r["repository"] == source.repo and r["path"].startswith(source.root)]
            kept = [r for r in kept if r["path"].endswith(source.pattern) and r not in rows]
            print(f"{source.repo}: no mirror in {mirrors}, {len(kept)} captures kept", file=sys.stderr)
            rows += kept
            continue
        commit = _git(repo, "rev-parse", "HEAD").decode().strip()
        paths = sorted(
            p
            for p in _git(repo, "ls-tree", "-r", "--name-only", "HEAD", source.root).decode().split()
            if p.endswith(source.pattern)
        )[: source.limit]
        for path in paths:
            raw, masked = _masked(source, _git(repo, "show", f"HEAD:{path}"))
            digest = hashlib.sha256(raw.strip()).hexdigest()
            if digest in seen or not raw.strip():
                continue
            seen.add(digest)
            name = _name(source, path)
            folder = CORPUS / source.platform / source.command
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{name}.raw").write_bytes(raw)
            row = {
                "file": f"{source.platform}/{source.command}/{name}.raw",
                "repository": source.repo,
                "path": path,
                "commit": commit,
                "licence": source.licence,
            }
            if masked:
                row["changed"] = "secrets and their hashes replaced by <removed>"
            if beside := _parse_beside(source, repo, path):
                suffix, data = beside
                (folder / f"{name}{suffix}").write_bytes(data)
                row["parse"] = f"{name}{suffix}"
            rows.append(row)
    header = "# Provenance of every capture, written by scripts/import_captures.py; see SOURCES.md.\n"
    text = yaml.safe_dump(rows, sort_keys=False, allow_unicode=True, width=200)
    (CORPUS / "sources.yml").write_text(header + text, encoding="utf-8")
    print(f"{len(rows)} captures")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
