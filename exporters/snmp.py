"""snmp_exporter for the extranet: its ``snmp.yml`` for the installed version, and a launcher that keeps
the SNMP secrets out of every file.

``snmp.yml`` holds two modules, ``if_mib`` (what the toolkit's rules join to links: ifName, ifAlias,
ifDescr, admin and oper status, ifHighSpeed, ifHCInOctets/ifHCOutOctets, errors, sysUpTime) and
``ip_mib`` (IP-MIB's ipAddressTable: dual-stack on the wire, scraped less often), and the SNMP access
of the inventory's ``city.snmp``.
snmp_exporter changed its layout in 0.23: before, each module carries its ``version`` and ``auth``;
from 0.23, ``auths:`` and ``modules:`` are apart, and the scrape names both (``module=if_mib&auth=egov``).
:func:`snmp_yml` writes the layout of the version it is given (:func:`installed_version` reads it).

Secrets are written as ``${NAME}`` of the environment variable the inventory's reference names
(``env:EGOV_SNMP_AUTH`` -> ``${EGOV_SNMP_AUTH}``), the syntax snmp_exporter 0.26 and later expand
with ``--config.expand-environment-variables``. :func:`exec_snmp_exporter` starts the installed
exporter on that file: 0.26 and later expand it themselves; older ones are given the expanded text
through an anonymous in-memory file (``memfd``, ``/proc/self/fd/N``), so the secrets never reach a
disk. It replaces the calling process (``exec``): the pid that started it is the exporter's.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from exporters.binaries import BinaryNotFound
from exporters.binaries import find_binary as find
from network.emit import dump_mapping
from network.inventory.model import SnmpAccess

SNMP_YML = "snmp.yml"
MODULE, IP_MODULE, AUTH = "if_mib", "ip_mib", "egov"
IF_TABLE, IFX_TABLE = "1.3.6.1.2.1.2.2", "1.3.6.1.2.1.31.1.1"
BINARIES = ("snmp_exporter", "prometheus-snmp-exporter")  # upstream's name, Debian's
EXPANDS_ENVIRONMENT = (0, 26, 0)  # --config.expand-environment-variables
SPLIT_AUTHS = (0, 23, 0)  # auths: apart from modules:
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_IF_INDEX = [{"labelname": "ifIndex", "type": "gauge"}]
_IF_NAME = [
    {"labels": ["ifIndex"], "labelname": "ifName", "oid": "1.3.6.1.2.1.31.1.1.1.1", "type": "DisplayString"}
]
_ADDRESS_INDEX = [{"labelname": "ipAddressAddr", "type": "InetAddress"}]
_ADDRESS_LOOKUPS = [
    {"labels": ["ipAddressAddr"], "labelname": "ifIndex", "oid": "1.3.6.1.2.1.4.34.1.3", "type": "gauge"},
    *_IF_NAME,
]

# (name, oid, type, help) of the if_mib module's per-interface metrics (IF-MIB, RFC 2863)
_INTERFACE_METRICS = (
    ("ifDescr", "1.3.6.1.2.1.2.2.1.2", "DisplayString", "A textual string about the interface"),
    ("ifAdminStatus", "1.3.6.1.2.1.2.2.1.7", "gauge", "The desired state of the interface (1 up, 2 down)"),
    ("ifOperStatus", "1.3.6.1.2.1.2.2.1.8", "gauge", "The operational state of the interface (1 up, 2 down)"),
    ("ifInErrors", "1.3.6.1.2.1.2.2.1.14", "counter", "Inbound packets that contained errors"),
    ("ifOutErrors", "1.3.6.1.2.1.2.2.1.20", "counter", "Outbound packets not sent because of errors"),
    ("ifHCInOctets", "1.3.6.1.2.1.31.1.1.1.6", "counter", "Octets received on the interface (64-bit)"),
    ("ifHCOutOctets", "1.3.6.1.2.1.31.1.1.1.10", "counter", "Octets sent out of the interface (64-bit)"),
    ("ifHighSpeed", "1.3.6.1.2.1.31.1.1.1.15", "gauge", "The interface's current bandwidth in Mbit/s"),
    ("ifAlias", "1.3.6.1.2.1.31.1.1.1.18", "DisplayString", "The interface's description (alias)"),
)


class SnmpExporterError(Exception):
    """snmp_exporter cannot be found, read or started; names what and gives a hint."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def find_binary(binary: str | None = None) -> str:
    """The snmp_exporter to run: the one given, else upstream's or Debian's name on PATH."""
    try:
        return find(BINARIES, binary)
    except BinaryNotFound as problem:
        raise SnmpExporterError(
            f"snmp_exporter is not installed ({problem})",
            "install Debian's prometheus-snmp-exporter (.ci/run does), or give --snmp-exporter-version",
        ) from None


def parse_version(text: str) -> tuple[int, int, int]:
    """``snmp_exporter, version 0.21.0 (branch: ...)`` or ``0.23`` as (0, 21, 0)."""
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    if match is None:
        raise SnmpExporterError(
            f"not an snmp_exporter version: {text.strip()[:80]!r}", "write it as 0.21 or 0.26.0"
        )
    major, minor, patch = match.groups()
    return int(major), int(minor), int(patch or 0)


def installed_version(binary: str | None = None) -> tuple[int, int, int]:
    """The version the installed snmp_exporter reports (``--version`` prints it on stderr or stdout)."""
    path = find_binary(binary)
    done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30, check=False)
    return parse_version(done.stdout + done.stderr)


def _placeholder(reference: str | None) -> str | None:
    """``env:NAME`` as ``${NAME}``: what the launcher (or snmp_exporter itself) fills in when it starts."""
    if reference is None:
        return None
    scheme, _, name = reference.partition(":")
    if scheme != "env":
        raise SnmpExporterError(
            f"city.snmp: {reference}: snmp_exporter takes its secrets from the environment",
            "use env:NAME references in city.snmp (Ansible or systemd can set the variable from Vault)",
        )
    return "${" + name + "}"


def auth_block(access: SnmpAccess) -> dict[str, Any]:
    """The SNMP access as snmp_exporter's ``auth`` (secrets as placeholders)."""
    if access.version == "2c":
        return {"community": _placeholder(access.community)}
    block: dict[str, Any] = {
        "security_level": access.security_level,
        "username": access.username,
        "password": _placeholder(access.auth),
        "auth_protocol": access.auth_protocol,
    }
    if access.security_level == "authPriv":
        block |= {"priv_protocol": access.priv_protocol, "priv_password": _placeholder(access.priv)}
    return block


def _metric(name: str, oid: str, kind: str, help_text: str, indexes: Any, lookups: Any) -> dict[str, Any]:
    help_text = f"{help_text} - {oid}"  # snmp_exporter's generator ends each help with the OID
    return {"name": name, "oid": oid, "type": kind, "help": help_text, "indexes": indexes, "lookups": lookups}


def if_mib(timeout: str = "5s") -> dict[str, Any]:
    """The ``if_mib`` module (without the auth): ifTable and ifXTable walked whole, as upstream's
    generator walks them: a GETBULK of 25 carries rows of every column, so a device with a few
    interfaces answers in a handful of PDUs (walking each column apart costs a PDU per column)."""
    metrics = [
        {"name": "sysUpTime", "oid": "1.3.6.1.2.1.1.3", "type": "gauge",
         "help": "Hundredths of a second since the agent (re)started - 1.3.6.1.2.1.1.3"},
        *(_metric(name, oid, kind, text, _IF_INDEX, _IF_NAME)
          for name, oid, kind, text in _INTERFACE_METRICS),
    ]  # fmt: skip
    return {
        "walk": [IF_TABLE, IFX_TABLE],
        "get": ["1.3.6.1.2.1.1.3.0"],
        "max_repetitions": 25,
        "retries": 1,
        "timeout": timeout,
        "metrics": metrics,
    }


def ip_mib(timeout: str = "5s") -> dict[str, Any]:
    """The ``ip_mib`` module: every address in IP-MIB's ipAddressTable with its status and interface
    (dual-stack seen on the wire). Addresses change rarely: its job scrapes less often than if_mib's."""
    metrics = [
        _metric("ipAddressStatus", "1.3.6.1.2.1.4.34.1.7", "gauge",
                "Status of an address (1 preferred, 6 tentative, 7 duplicate)",
                _ADDRESS_INDEX, _ADDRESS_LOOKUPS),
    ]  # fmt: skip
    return {
        "walk": ["1.3.6.1.2.1.4.34.1.3", "1.3.6.1.2.1.4.34.1.7", "1.3.6.1.2.1.31.1.1.1.1"],
        "max_repetitions": 25,
        "retries": 1,
        "timeout": timeout,
        "metrics": metrics,
    }


MODULES = {"if_mib": if_mib, "ip_mib": ip_mib}


def snmp_yml(access: SnmpAccess, version: tuple[int, int, int], timeout: str = "5s") -> str:
    """snmp.yml for snmp_exporter ``version``: the if_mib and ip_mib modules, the inventory's access."""
    snmp_version = 2 if access.version == "2c" else 3
    body: dict[str, Any]
    if version >= SPLIT_AUTHS:
        auth = {"version": snmp_version, **auth_block(access)}
        body = {"auths": {AUTH: auth}, "modules": {name: build(timeout) for name, build in MODULES.items()}}
    else:
        body = {}
        for name, build in MODULES.items():
            walk = build(timeout)
            metrics = walk.pop("metrics")
            body[name] = {**walk, "version": snmp_version, "auth": auth_block(access), "metrics": metrics}
    layout = (
        "auths/modules (0.23 and later)"
        if version >= SPLIT_AUTHS
        else "modules with their auth (before 0.23)"
    )
    release = ".".join(map(str, version))
    header = [
        f"Written by `egov monitoring config --snmp-exporter` for snmp_exporter {release}: {layout}.",
        "Secrets are environment variables written ${like this}, filled in when the exporter starts:",
        "  egov monitoring snmp-exporter DIR",
        "  (or: snmp_exporter >= 0.26 with --config.expand-environment-variables)",
    ]
    return dump_mapping(body, header)


def scrape_params(version: tuple[int, int, int], module: str = MODULE) -> dict[str, list[str]]:
    """The ``/snmp`` parameters Prometheus passes: the module, and from 0.23 the auth by name."""
    return {"module": [module], "auth": [AUTH]} if version >= SPLIT_AUTHS else {"module": [module]}


def expand(text: str, environ: Mapping[str, str], where: str) -> str:
    """Fill in every ``${NAME}``; SnmpExporterError names a variable that is not set."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in environ:
            raise SnmpExporterError(
                f"{where}: the environment variable {name} is not set",
                f"export {name}=… before starting snmp_exporter (it is never written to a file)",
            )
        return environ[name].replace("\\", "\\\\").replace('"', '\\"')

    return _PLACEHOLDER.sub(value, text)


def exporter_command(
    config: Path, listen: str, binary: str | None = None, environ: Mapping[str, str] | None = None
) -> tuple[list[str], int | None]:
    """The command line that runs snmp_exporter on ``config`` and the memfd it reads (None: the file).

    Secrets are checked before anything starts: a variable that is not set ends it here.
    """
    env = os.environ if environ is None else environ
    path = find_binary(binary)
    try:
        text = config.read_text(encoding="utf-8")
    except OSError as problem:
        raise SnmpExporterError(
            f"{config}: cannot be read ({problem.strerror})",
            "write it with `egov monitoring config --snmp-exporter`",
        ) from None
    expanded = expand(text, env, str(config))
    command = [path, f"--web.listen-address={listen}"]
    if installed_version(path) >= EXPANDS_ENVIRONMENT:
        return [*command, f"--config.file={config}", "--config.expand-environment-variables"], None
    fd = os.memfd_create("snmp.yml", 0)  # no MFD_CLOEXEC: the exporter inherits it
    os.write(fd, expanded.encode())
    return [*command, f"--config.file=/proc/self/fd/{fd}"], fd


def exec_snmp_exporter(config: Path, listen: str, binary: str | None = None) -> None:
    """Become snmp_exporter on ``config`` (this process's pid is the exporter's); never returns."""
    command, _ = exporter_command(config, listen, binary)
    os.execv(command[0], command)
