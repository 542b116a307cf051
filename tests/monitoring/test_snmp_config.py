"""snmp.yml for the installed snmp_exporter, and the launcher that keeps its secrets off every disk.

The installed exporter (Debian's 0.21 in CI) is the judge of the layout it reads (``--dry-run``), and
refuses the other one. The 0.23+ layout cannot be run here (no such build among Debian's packages): its
keys are checked against the YAML fields of upstream's config structs at v0.23.0 and v0.27.0
(prometheus/snmp_exporter config/config.go, copied below).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from exporters.snmp import (
    SNMP_YML,
    SnmpExporterError,
    exporter_command,
    find_binary,
    installed_version,
    parse_version,
    scrape_params,
    snmp_yml,
)
from network.inventory import load_inventory
from network.inventory.model import SnmpAccess
from network.lab.device import build_fabric
from network.lab.server import Lab, run_in_thread, stop_in_thread
from network.lab.snmp import SnmpSecrets
from tests.helpers import ROOT, SHANWEI, copy_inventory, run_egov
from tests.monitoring.conftest import free_port

ACCESS = SnmpAccess(auth="env:T_SNMP_AUTH", priv="env:T_SNMP_PRIV")
ENV = {"T_SNMP_AUTH": "auth-secret-Value-1", "T_SNMP_PRIV": "priv-secret-Value-2"}
# upstream config/config.go, v0.23.0 .. v0.27.0: yaml tags of Config, Auth, Module and WalkParams
UPSTREAM_CONFIG = {"auths", "modules", "version"}
UPSTREAM_AUTH = {"community", "security_level", "username", "password", "auth_protocol", "priv_protocol",
                 "priv_password", "context_name", "version"}  # fmt: skip
UPSTREAM_MODULE = {"walk", "get", "metrics", "max_repetitions", "retries", "timeout",
                   "use_unconnected_udp_socket", "allow_nonincreasing_oids", "filters"}  # fmt: skip


def _dry_run(text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "snmp.yml"
    path.write_text(text, encoding="utf-8")
    return subprocess.run(
        [find_binary(), f"--config.file={path}", "--dry-run"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_the_installed_exporter_reads_what_is_written_for_it(tmp_path: Path) -> None:
    version = installed_version()
    written = snmp_yml(ACCESS, version)
    done = _dry_run(written, tmp_path)
    assert done.returncode == 0, done.stderr
    other = (0, 26, 0) if version < (0, 23, 0) else (0, 21, 0)
    refused = _dry_run(snmp_yml(ACCESS, other), tmp_path)
    assert refused.returncode != 0, "the other layout must not pass for this version"


def test_the_023_layout_has_upstreams_keys() -> None:
    document = yaml.safe_load(snmp_yml(ACCESS, (0, 26, 0)))
    assert set(document) <= UPSTREAM_CONFIG
    auth = document["auths"]["egov"]
    assert set(auth) <= UPSTREAM_AUTH and auth["version"] == 3 and auth["priv_protocol"] == "AES"
    assert set(document["modules"]) == {"if_mib", "ip_mib"}
    assert all(set(module) <= UPSTREAM_MODULE for module in document["modules"].values())
    assert scrape_params((0, 26, 0)) == {"module": ["if_mib"], "auth": ["egov"]}
    old = yaml.safe_load(snmp_yml(ACCESS, (0, 21, 0)))
    assert set(old) == {"if_mib", "ip_mib"}
    assert all(module["version"] == 3 and "auth" in module for module in old.values())
    assert scrape_params((0, 21, 0)) == {"module": ["if_mib"]}


def test_secrets_are_placeholders_in_the_file() -> None:
    text = snmp_yml(ACCESS, (0, 21, 0))
    assert "${T_SNMP_AUTH}" in text and "${T_SNMP_PRIV}" in text
    assert not any(secret in text for secret in ENV.values())
    v2c = snmp_yml(SnmpAccess(version="2c", community="env:T_COMMUNITY"), (0, 26, 0))
    assert yaml.safe_load(v2c)["auths"]["egov"] == {"version": 2, "community": "${T_COMMUNITY}"}
    with pytest.raises(SnmpExporterError, match="environment"):
        snmp_yml(SnmpAccess(auth="vault:snmp#auth", priv="env:P"), (0, 21, 0))


def test_the_launcher_fills_them_in_memory_only(tmp_path: Path) -> None:
    path = tmp_path / SNMP_YML
    path.write_text(snmp_yml(ACCESS, installed_version()), encoding="utf-8")
    command, fd = exporter_command(path, "127.0.0.1:0", environ=ENV)
    try:
        if fd is None:  # 0.26 and later expand the file themselves
            assert "--config.expand-environment-variables" in command
        else:
            assert f"--config.file=/proc/self/fd/{fd}" in command
            os.lseek(fd, 0, os.SEEK_SET)
            in_memory = os.read(fd, 1 << 20).decode()
            assert ENV["T_SNMP_AUTH"] in in_memory and ENV["T_SNMP_PRIV"] in in_memory
            assert os.readlink(f"/proc/self/fd/{fd}").startswith("/memfd:")  # not a file on any disk
    finally:
        if fd is not None:
            os.close(fd)
    assert not any(secret in path.read_text() for secret in ENV.values())
    with pytest.raises(SnmpExporterError, match="T_SNMP_PRIV is not set"):
        exporter_command(path, "127.0.0.1:0", environ={"T_SNMP_AUTH": "x" * 8})


def test_versions_are_read_as_snmp_exporter_prints_them() -> None:
    assert parse_version("snmp_exporter, version 0.21.0 (branch: debian/sid, revision: 0.21.0-1)") == (
        0,
        21,
        0,
    )
    assert parse_version("0.26") == (0, 26, 0)
    with pytest.raises(SnmpExporterError):
        parse_version("latest")


def test_config_command_writes_snmp_yml_and_says_what_is_missing(tmp_path: Path) -> None:
    out = tmp_path / "prom"
    done = run_egov("monitoring", "config", str(SHANWEI), "--out", str(out), "--snmp-exporter",
                    "127.0.0.1:9116", "--snmp-exporter-version", "0.26")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "auths:" in (out / SNMP_YML).read_text()
    assert "params: {module: [if_mib], auth: [egov]}" in (out / "prometheus.yml").read_text()
    inventory = copy_inventory(SHANWEI, tmp_path / "city")
    city = inventory / "city.yaml"
    city.write_text(city.read_text().split("  snmp:")[0], encoding="utf-8")
    missing = run_egov("monitoring", "config", str(inventory), "--out", str(tmp_path / "p2"),
                       "--snmp-exporter", "127.0.0.1:9116", "--snmp-exporter-version", "0.21")  # fmt: skip
    assert missing.returncode == 2 and "city.yaml has no snmp: block" in missing.stderr
    assert "Traceback" not in missing.stderr and not (tmp_path / "p2").exists()
    bad = run_egov("monitoring", "config", str(SHANWEI), "--out", str(tmp_path / "p3"),
                   "--snmp-exporter", "127.0.0.1:9116", "--snmp-exporter-version", "newest")  # fmt: skip
    assert bad.returncode == 2 and "not an snmp_exporter version" in bad.stderr


def test_the_launcher_command_refuses_a_missing_secret(tmp_path: Path) -> None:
    (tmp_path / SNMP_YML).write_text(snmp_yml(ACCESS, (0, 21, 0)), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("T_SNMP")}
    egov = str(Path(sys.executable).with_name("egov"))
    done = subprocess.run([egov, "monitoring", "snmp-exporter", str(tmp_path)], capture_output=True,
                          text=True, env=env, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 2 and "T_SNMP_AUTH is not set" in done.stderr, done.stderr


def test_the_real_exporter_reads_the_twin_interfaces_and_ipv6_addresses(tmp_path: Path) -> None:
    """snmp_exporter with our snmp.yml against twin agents: if_mib's lookups give ifName on every
    interface series, ip_mib's InetAddress index and its two lookups give an IPv6 address its interface."""
    fabric = build_fabric(load_inventory(ROOT / "tests" / "fixtures" / "lab").inventory)
    device = fabric.devices["CTY-A-T1-AR-01"]
    interface = device.running.interfaces["GigabitEthernet0/0/0"]
    interface.ipv6_enabled, interface.ipv6 = True, ["2001:DB8:8010:9::1/64"]
    twin = Lab(fabric, "egov", "snmp-config-test-pw", snmp=SnmpSecrets.resolve(ACCESS, ENV))
    loop, listeners = run_in_thread(twin)
    listen = f"127.0.0.1:{free_port()}"
    (tmp_path / SNMP_YML).write_text(snmp_yml(ACCESS, installed_version()), encoding="utf-8")
    command, fd = exporter_command(tmp_path / SNMP_YML, listen, environ=ENV)
    exporter = subprocess.Popen(command, pass_fds=() if fd is None else (fd,), env={**os.environ, **ENV},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        agent = next(f"{e.host}:{e.snmp_port}" for e in listeners if e.hostname == device.hostname)
        params = "&".join(f"{k}={v[0]}" for k, v in scrape_params(installed_version(), "ip_mib").items())
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://{listen}/snmp?{params}&target={agent}", timeout=20
                ) as got:
                    addresses = got.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        interfaces = (
            urllib.request.urlopen(
                f"http://{listen}/snmp?{params.replace('ip_mib', 'if_mib')}&target={agent}", timeout=20
            )
            .read()
            .decode()
        )
    finally:
        exporter.terminate()
        exporter.wait(timeout=20)
        if fd is not None:
            os.close(fd)
        stop_in_thread(twin, loop)
    wanted = 'ifName="GigabitEthernet0/0/0",ipAddressAddr="2001:0DB8:8010:0009:0000:0000:0000:0001"} 1'
    assert wanted in addresses, addresses
    speeds = [line for line in interfaces.splitlines() if line.startswith("ifHighSpeed{")]
    assert speeds and all('ifName="' in line for line in speeds)
    assert len(speeds) == len(device.running.interfaces)
