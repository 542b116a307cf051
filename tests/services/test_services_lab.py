"""The services lab's real servers: knot answers the generated zones, unbound resolves over both families,
updates need the TSIG key, nginx serves each site over each family; the lab's conditions do what they say."""

from __future__ import annotations

import base64
import secrets
import socket
import ssl

import dns.flags
import dns.message
import dns.query
import dns.rcode
import pytest

from network.devices.transport import TargetRefused
from network.services import update
from network.services.reach import Reach
from tests.services.conftest import ServicesLab


def _ask(lab: ServicesLab, server: str, name: str, rtype: str, recursive: bool = True) -> dns.message.Message:
    host, port = lab.reach.dns(server)
    query = dns.message.make_query(name, rtype)
    if not recursive:
        query.flags &= ~dns.flags.RD
    return dns.query.udp(query, host, port=port, timeout=3)


def _values(response: dns.message.Message) -> list[str]:
    return sorted(item.to_text() for rrset in response.answer for item in rrset)


def test_the_resolvers_answer_each_family_over_its_own_transport(services_lab: ServicesLab) -> None:
    portal_v6 = _ask(services_lab, "2001:db8:e000:2::1:53", "www.sw.gov.example.", "AAAA")
    portal_v4 = _ask(services_lab, "192.0.2.123", "www.sw.gov.example.", "A")
    assert services_lab.reach.dns("2001:db8:e000:2::1:53")[0] == "::1"
    assert _values(portal_v6) == ["2001:db8:e01f::3"] or _values(portal_v6)[0].startswith("2001:db8:e")
    assert _values(portal_v4) and _values(portal_v4)[0].startswith("203.0.113.")
    ipv4_only = _ask(services_lab, "2001:db8:e000:2::1:53", "swb.sw.gov.example.", "AAAA")
    assert ipv4_only.rcode() == dns.rcode.NOERROR and _values(ipv4_only) == []


def test_the_parent_gives_the_delegation_with_aaaa_glue(services_lab: ServicesLab) -> None:
    referral = _ask(services_lab, "2001:db8:f53::1", "sw.gov.example.", "NS", recursive=False)
    assert not referral.flags & dns.flags.AA
    ns = sorted(i.target.to_text() for rrset in referral.authority for i in rrset)
    assert ns == ["ns1.sw.gov.example.", "ns2.sw.gov.example."]
    glue = {(r.name.to_text(), r.rdtype): [i.to_text() for i in r] for r in referral.additional}
    assert glue[("ns1.sw.gov.example.", 28)] == ["2001:db8:e000:2::53"]
    soa = _ask(services_lab, "2001:db8:e000:2::53", "sw.gov.example.", "SOA", recursive=False)
    assert soa.flags & dns.flags.AA


def test_a_dynamic_update_needs_the_key_and_repoints_and_restores(services_lab: ServicesLab) -> None:
    host, port = services_lab.reach.primaries["sys.gov.example."]
    server = update.Server(host, port)
    key = update.key_from_reference("env:EGOV_DNS_TSIG")
    name = "sw-zsj-s02.sys.gov.example."
    before = update.repoint(server, "sys.gov.example.", name, ["127.0.82.12", "::1"], key)
    assert before == {"A": [], "AAAA": []}
    assert update.current(server, "sys.gov.example.", name) == {"A": ["127.0.82.12"], "AAAA": ["::1"]}
    wrong = update.TsigKey("hmac-sha256", key.name, base64.b64encode(secrets.token_bytes(32)).decode())
    with pytest.raises(update.UpdateError, match="the TSIG key was not accepted"):
        update.repoint(server, "sys.gov.example.", name, ["127.0.82.99"], wrong)
    update.restore(server, "sys.gov.example.", name, before, key)
    assert update.current(server, "sys.gov.example.", name) == {"A": [], "AAAA": []}


def test_the_key_is_parsed_strictly() -> None:
    with pytest.raises(update.UpdateError, match=r"hmac-sha256:KEYNAME:BASE64SECRET"):
        update.parse_tsig("md5:name:c2VjcmV0", "env:X")
    with pytest.raises(update.UpdateError, match="not base64"):
        update.parse_tsig("hmac-sha256:name:not base64!", "env:X")
    assert "secret" not in repr(update.parse_tsig("hmac-sha256:name:c2VjcmV0"))


def test_updates_and_probes_refuse_addresses_off_loopback() -> None:
    with pytest.raises(TargetRefused):
        update.Server("192.0.2.121", 53)
    reach = Reach({"192.0.2.121": ("192.0.2.121", 53)}, {}, None)
    with pytest.raises(TargetRefused):
        reach.dns("192.0.2.121")


def _get(lab: ServicesLab, host: str, address: str) -> bytes:
    target = lab.reach.web(address)
    context = ssl.create_default_context(cafile=lab.reach.ca_file)
    family = socket.AF_INET6 if ":" in target[0] else socket.AF_INET
    with (
        socket.create_connection(target, timeout=5)
        if family == socket.AF_INET
        else socket.socket(family) as raw
    ):
        if family == socket.AF_INET6:
            raw.settimeout(5)
            raw.connect(target)
        with context.wrap_socket(raw, server_hostname=host) as tls:
            tls.sendall(f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while chunk := tls.recv(65536):
                data += chunk
    return data


def test_conditions_change_what_the_real_servers_do(services_lab: ServicesLab) -> None:
    host = "www.sw.gov.example"
    v6 = _values(_ask(services_lab, "2001:db8:e000:2::1:53", host + ".", "AAAA"))[0]
    assert b"200 OK" in _get(services_lab, host, v6)
    services_lab.set_conditions({"sites": {host: ["no-aaaa", "v6-down"]}})
    try:
        assert _values(_ask(services_lab, "2001:db8:e000:2::1:53", host + ".", "AAAA")) == []
        with pytest.raises(ConnectionRefusedError):
            _get(services_lab, host, v6)
    finally:
        services_lab.set_conditions({})
    assert _values(_ask(services_lab, "2001:db8:e000:2::1:53", host + ".", "AAAA")) == [v6]
    assert b"200 OK" in _get(services_lab, host, v6)
