"""The transport's safety rule: loopback only unless production is chosen; credentials by reference."""

from __future__ import annotations

import ipaddress
import socket

import pytest
from netmiko.ssh_dispatcher import CLASS_MAPPER

from network.devices.transport import (
    ConnectionParams,
    CredentialError,
    TargetRefused,
    check_target,
    connect,
    resolve_credential,
)
from network.inventory.platforms import specs


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "::ffff:127.0.0.9", "localhost"])
def test_loopback_is_allowed(host: str) -> None:
    assert all(a.is_loopback or getattr(a, "ipv4_mapped", None) for a in check_target(host))


@pytest.mark.parametrize(
    "host", ["10.0.0.1", "172.16.5.5", "192.168.1.1", "192.0.2.1", "2001:db8::1", "8.8.8.8", "0.0.0.0"]
)
def test_anything_else_is_refused(host: str) -> None:
    with pytest.raises(TargetRefused) as refused:
        check_target(host)
    assert "production mode is off" in refused.value.reason and "--production" in refused.value.hint


def test_names_are_judged_by_what_they_resolve_to() -> None:
    with pytest.raises(TargetRefused):
        check_target("core.city.example", resolver=lambda _: ["127.0.0.1", "198.51.100.7"])
    assert check_target("lab", resolver=lambda _: ["127.0.0.2"]) == [ipaddress.ip_address("127.0.0.2")]
    with pytest.raises(TargetRefused, match="cannot be resolved"):
        check_target("nowhere.invalid")


def test_production_and_namespaces_are_explicit() -> None:
    assert check_target("192.0.2.1", production=True) == [ipaddress.ip_address("192.0.2.1")]
    namespace = ipaddress.ip_network("198.51.100.0/28")  # a test's own network namespace
    assert check_target("198.51.100.2", allowed=[namespace])
    with pytest.raises(TargetRefused):
        check_target("198.51.100.20", allowed=[namespace])


def test_connect_refuses_before_opening_any_socket() -> None:
    # Watch every socket connect in this process: a refused target must cause none at all.
    opened = []
    original = socket.socket.connect

    def watching(self: socket.socket, address: object) -> object:
        opened.append(address)
        return original(self, address)

    socket.socket.connect = watching  # type: ignore[method-assign]
    try:
        with pytest.raises(TargetRefused):
            connect(ConnectionParams("192.0.2.10", 22, "admin", "huawei_vrp8"), "secret")
    finally:
        socket.socket.connect = original  # type: ignore[method-assign]
    assert opened == []


def test_stock_netmiko_device_types() -> None:
    assert {spec.netmiko_type for spec in specs().values()} <= set(CLASS_MAPPER)
    assert ConnectionParams("127.0.0.1", 22, "u", "huawei_vrp5").device_type == "huawei"
    with pytest.raises(TargetRefused, match="no transport"):
        _ = ConnectionParams("127.0.0.1", 22, "u", "juniper_junos").device_type


def test_credentials_are_references() -> None:
    assert resolve_credential("env:EGOV_TEST_SECRET", {"EGOV_TEST_SECRET": "s3cr3t"}) == "s3cr3t"
    with pytest.raises(CredentialError) as missing:
        resolve_credential("env:EGOV_UNSET", {})
    assert "EGOV_UNSET" in missing.value.hint and "s3cr3t" not in str(missing.value)
    with pytest.raises(CredentialError, match="not resolved by this command"):
        resolve_credential("vault:network/core#password", {})
