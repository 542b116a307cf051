"""The lab twin's SNMP side: one SNMP agent per twin device on loopback UDP, all in one pysnmp engine.

Each device answers on its own UDP socket: on 127.0.0.1 with a port the system chooses, or on the
device's own 127.x.y.z with one shared port (``per_device_address``, as its SSH listener). The agents
speak SNMPv2c (a community) and SNMPv3 USM (authPriv or authNoPriv, SHA or SHA-256 with AES-128), with
the credentials the inventory's ``city.snmp`` names as references, resolved from the environment when
the lab starts: never written to lab.json or any file.

pysnmp (the maintained ``pysnmp`` 7 line) does the protocol: message parsing, community and USM
checks (a wrong key is refused by pysnmp itself, as a device refuses it), encryption, reports. The
command responder is the twin's own: it finds the device by the socket the request came in on and
answers GET, GETNEXT and GETBULK from the device's objects *now* (:mod:`network.lab.mib`), read from
the same counters and configuration the CLI prints, bypassing VACM (every object is readable).

Faults (:mod:`network.lab.conditions`), decided per request: ``drop`` and ``auth`` leave it unanswered
(the manager times out, as it does for a wrong community), ``slow`` answers after ``delay`` seconds.
All agents share one snmpEngineID (one engine): a twin's limitation that managers (snmp_exporter,
net-snmp) do not mind, since they discover the engine of each target on their own.
"""

from __future__ import annotations

import asyncio
import bisect
import socket
from dataclasses import dataclass, field
from typing import Any

from pysnmp.carrier.asyncio.dgram import udp
from pysnmp.entity import config, engine
from pysnmp.entity.rfc3413 import cmdrsp, context
from pysnmp.proto import rfc1902, rfc1905
from pysnmp.proto.api import v2c

from network.devices.transport import resolve_credential
from network.inventory.model import SnmpAccess
from network.lab.device import Fabric, TwinDevice
from network.lab.mib import Oid, Value, mib_rows

MAX_BULK_VARBINDS = 256  # a GETBULK answer's most variable bindings (the message size limit applies too)
_AUTH = {"SHA": config.USM_AUTH_HMAC96_SHA, "SHA256": config.USM_AUTH_HMAC192_SHA256}
_PRIV = {"AES": config.USM_PRIV_CFB128_AES}


@dataclass(frozen=True)
class SnmpSecrets:
    """The SNMP access of the inventory with its secrets resolved (held in memory only, never shown)."""

    access: SnmpAccess
    community: str | None = field(default=None, repr=False)
    auth_key: str | None = field(default=None, repr=False)
    priv_key: str | None = field(default=None, repr=False)

    @classmethod
    def resolve(cls, access: SnmpAccess, environ: dict[str, str] | None = None) -> SnmpSecrets:
        """Resolve the references (``env:NAME``); CredentialError names the one that cannot be."""
        community = resolve_credential(access.community, environ) if access.community else None
        auth = resolve_credential(access.auth, environ) if access.auth else None
        priv = resolve_credential(access.priv, environ) if access.priv else None
        for name, key in (("auth", auth), ("priv", priv)):
            if key is not None and len(key) < 8:
                raise ValueError(f"city.snmp.{name}: an SNMPv3 pass phrase has at least 8 characters")
        return cls(access, community, auth, priv)


@dataclass
class SnmpListener:
    """Where one twin device's SNMP agent answers."""

    hostname: str
    host: str
    port: int


def _value(value: Value) -> Any:
    kind, raw = value.kind, value.value
    if kind == "octets":
        return rfc1902.OctetString(raw.encode() if isinstance(raw, str) else raw)
    if kind == "oid":
        return rfc1902.ObjectName(raw)
    if kind == "ticks":
        return rfc1902.TimeTicks(raw)
    if kind == "gauge":
        return rfc1902.Gauge32(raw)
    if kind == "counter32":
        return rfc1902.Counter32(raw)
    if kind == "counter64":
        return rfc1902.Counter64(raw)
    return rfc1902.Integer32(raw)


class _Responder(cmdrsp.CommandResponderBase):  # type: ignore[misc]  # pysnmp is untyped
    """GET, GETNEXT and GETBULK for every twin, answered from the device the request reached."""

    SUPPORTED_PDU_TYPES = (
        rfc1905.GetRequestPDU.tagSet,
        rfc1905.GetNextRequestPDU.tagSet,
        rfc1905.GetBulkRequestPDU.tagSet,
    )

    def __init__(self, snmp_engine: engine.SnmpEngine, agents: SnmpAgents) -> None:
        super().__init__(snmp_engine, context.SnmpContext(snmp_engine))
        self.agents = agents
        self._deferred: set[Any] = set()

    def handle_management_operation(
        self, snmpEngine: engine.SnmpEngine, stateReference: Any, contextName: Any, PDU: Any
    ) -> None:
        domain, _ = snmpEngine.message_dispatcher.get_transport_info(stateReference)
        device = self.agents.by_domain[tuple(domain)]
        self.agents.requests += 1
        fault = self.agents.fabric.conditions.fault_for(device.hostname)
        if fault is not None and fault.kind in ("drop", "auth"):
            return  # unanswered: the manager times out
        varbinds = answer(mib_rows(device), PDU)
        if fault is not None and fault.kind == "slow":
            self._deferred.add(stateReference)
            loop = asyncio.get_running_loop()
            loop.call_later(fault.delay, self._send_late, snmpEngine, stateReference, varbinds)
            return
        self.send_varbinds(snmpEngine, stateReference, 0, 0, varbinds)

    def _send_late(self, snmp_engine: engine.SnmpEngine, reference: Any, varbinds: list[Any]) -> None:
        self._deferred.discard(reference)
        try:
            self.send_varbinds(snmp_engine, reference, 0, 0, varbinds)
        finally:
            self.release_state_information(reference)

    def release_state_information(self, stateReference: Any) -> None:
        if stateReference not in self._deferred:  # a slow answer keeps its request until it is sent
            super().release_state_information(stateReference)


def answer(rows: list[tuple[Oid, Value]], pdu: Any) -> list[tuple[Any, Any]]:
    """The variable bindings answering a GET, GETNEXT or GETBULK request from the sorted rows."""
    names = [row[0] for row in rows]
    asked = [tuple(name) for name, _ in v2c.apiPDU.get_varbinds(pdu)]
    tag = pdu.tagSet

    def exact(oid: Oid) -> tuple[Any, Any]:
        at = bisect.bisect_left(names, oid)
        if at < len(rows) and names[at] == oid:
            return rfc1902.ObjectName(oid), _value(rows[at][1])
        return rfc1902.ObjectName(oid), rfc1905.noSuchInstance

    def following(oid: Oid) -> tuple[Oid, tuple[Any, Any]]:
        at = bisect.bisect_right(names, oid)
        if at < len(rows):
            return names[at], (rfc1902.ObjectName(names[at]), _value(rows[at][1]))
        return oid, (rfc1902.ObjectName(oid), rfc1905.endOfMibView)

    if tag == rfc1905.GetRequestPDU.tagSet:
        return [exact(oid) for oid in asked]
    if tag == rfc1905.GetNextRequestPDU.tagSet:
        return [following(oid)[1] for oid in asked]
    non_repeaters = min(max(int(v2c.apiBulkPDU.get_non_repeaters(pdu)), 0), len(asked))
    repetitions = max(int(v2c.apiBulkPDU.get_max_repetitions(pdu)), 0)
    out = [following(oid)[1] for oid in asked[:non_repeaters]]
    repeaters = asked[non_repeaters:]
    if repeaters:
        repetitions = min(repetitions, max(1, (MAX_BULK_VARBINDS - len(out)) // len(repeaters)))
    cursor = list(repeaters)
    for _ in range(repetitions):
        ended = True
        for i, oid in enumerate(cursor):
            cursor[i], binding = following(oid)
            ended &= binding[1] is rfc1905.endOfMibView
            out.append(binding)
        if ended:
            break
    return out


@dataclass
class SnmpAgents:
    """The SNMP agents of a fabric's twins: start() binds one UDP socket per device, close() ends them."""

    fabric: Fabric
    secrets: SnmpSecrets
    host: str = "127.0.0.1"
    per_device_address: bool = False
    port: int = 0
    listeners: list[SnmpListener] = field(default_factory=list)
    by_domain: dict[Oid, TwinDevice] = field(default_factory=dict)
    requests: int = 0
    _engine: engine.SnmpEngine | None = None

    def _configure(self, snmp_engine: engine.SnmpEngine) -> None:
        access, secrets = self.secrets.access, self.secrets
        if access.version == "2c":
            config.add_v1_system(snmp_engine, "egov-lab", secrets.community)
            return
        priv = access.security_level == "authPriv"
        config.add_v3_user(
            snmp_engine,
            access.username,
            _AUTH[access.auth_protocol],
            secrets.auth_key,
            _PRIV[access.priv_protocol] if priv else config.USM_PRIV_NONE,
            secrets.priv_key if priv else None,
        )

    async def start(self, addresses: dict[str, str] | None = None) -> list[SnmpListener]:
        """Bind every device's agent; ``addresses`` (hostname -> 127.x.y.z) with ``per_device_address``."""
        snmp_engine = self._engine = engine.SnmpEngine()
        self._configure(snmp_engine)
        for number, (hostname, device) in enumerate(self.fabric.devices.items()):
            host = (addresses or {}).get(hostname, self.host)
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            # no SO_REUSEADDR: on UDP it lets the kernel hand one ephemeral port to two devices
            sock.bind((host, self.port if self.per_device_address else 0))
            sock.setblocking(False)
            domain = (*udp.DOMAIN_NAME, number + 1)
            transport = udp.UdpAsyncioTransport().open_server_mode(sock=sock)
            config.add_transport(snmp_engine, domain, transport)
            self.by_domain[domain] = device
            self.listeners.append(SnmpListener(hostname, host, sock.getsockname()[1]))
        _Responder(snmp_engine, self)
        await asyncio.sleep(0)  # let the transports' endpoints open
        return self.listeners

    def close(self) -> None:
        """Close every socket."""
        if self._engine is not None and self._engine.transport_dispatcher is not None:
            self._engine.transport_dispatcher.close_dispatcher()
        self._engine = None
