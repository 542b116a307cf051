"""The lab twin's SSH side: real SSH (asyncssh) on loopback, one listener per simulated device.

Interactive shells with a PTY, as netmiko opens them; asyncssh's line editor echoes input like a
device does. Authentication by the lab password (never written to disk) and, when given, by the
public keys of an ``authorized_keys`` file. Devices listen either all on 127.0.0.1 with their own
ports, or each on its own address 127.x.y.z with one shared port (``per_device_address``).

Injected faults (see :mod:`network.lab.conditions`) are decided when a connection opens: an ``auth``
fault refuses the login, ``slow`` delays every answer, ``drop`` and ``drop-commit`` close the
connection without a goodbye.
"""

from __future__ import annotations

import asyncio
import resource
import sys
import threading
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

from network.lab.conditions import Fault
from network.lab.device import Fabric, TwinDevice
from network.lab.session import BaseSession, Closed
from network.lab.snmp import SnmpAgents, SnmpSecrets

FIRST_DEVICE_ADDRESS = 0x7F010001  # 127.1.0.1: device addresses count up from here


@dataclass
class Listener:
    """Where one twin device answers."""

    hostname: str
    host: str
    port: int
    platform: str
    snmp_port: int | None = None  # its SNMP agent's UDP port on the same host, when the lab runs SNMP


class _Server(asyncssh.SSHServer):
    """One connection's server side: decides its fault, then checks the password or key."""

    def __init__(self, lab: Lab, device: TwinDevice) -> None:
        self._lab, self._device = lab, device
        self.fault: Fault | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.fault = self._lab.fabric.conditions.fault_for(self._device.hostname)
        conn.set_extra_info(egov_fault=self.fault)

    def begin_auth(self, username: str) -> bool:
        return True  # always authenticate

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        if self.fault is not None and self.fault.kind == "auth":
            return False
        return username == self._lab.username and password == self._lab.password

    def public_key_auth_supported(self) -> bool:
        return self._lab.authorized_keys is not None

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        if self.fault is not None and self.fault.kind == "auth":
            return False
        keys = self._lab.authorized_keys
        return (
            username == self._lab.username
            and keys is not None
            and keys.validate(key, "127.0.0.1", "127.0.0.1") is not None
        )


def _session(device: TwinDevice, fault: Fault | None) -> BaseSession:
    session: type[BaseSession] = device.spec.load("twin_session")
    return session(device, fault)


async def _shell(device: TwinDevice, process: asyncssh.SSHServerProcess[str]) -> None:
    fault: Fault | None = process.get_extra_info("egov_fault")
    session = _session(device, fault)
    delay = fault.delay if fault is not None and fault.kind == "slow" else 0.0
    banner = "" if device.spec.family == "ios" else "\r\nInfo: The max number of VTY users is 10.\r\n"
    process.stdout.write(f"{banner}\r\n{session.prompt()}")
    try:
        await _converse(session, process, delay)
    finally:
        session.end()


async def _converse(session: BaseSession, process: asyncssh.SSHServerProcess[str], delay: float) -> None:
    device = session.device
    try:
        while not process.stdin.at_eof():
            line = await process.stdin.readline()
            if not line and process.stdin.at_eof():
                break
            output = session.handle(line.rstrip("\r\n"))
            if delay:
                await asyncio.sleep(delay)
            text = output.replace("\n", "\r\n")
            if session.pending_question:  # a Y/N question waits for its answer: no prompt
                process.stdout.write(text)
            else:
                process.stdout.write((f"{text}\r\n" if text else "") + session.prompt())
    except Closed as reason:
        if str(reason) not in ("quit", "exit"):  # an injected drop: no goodbye, the connection just ends
            process.channel.get_connection().abort()
            return
    except (asyncssh.BreakReceived, asyncssh.TerminalSizeChanged, ConnectionError):
        pass
    except Exception:  # a bug in the twin: say so in the lab's log and end this session, never hang
        print(f"egov lab: {device.hostname}: session failed", file=sys.stderr, flush=True)
        traceback.print_exc()
        process.channel.get_connection().abort()
        return
    process.exit(0)


def raise_file_limit(needed: int) -> None:
    """Each listener and session holds a descriptor: lift the soft limit toward the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


@dataclass
class Lab:
    """Simulated devices served over SSH on loopback; start() binds them, close() stops them.

    ``per_device_address``: each device gets its own 127.x.y.z (from 127.1.0.1) on ``port``;
    otherwise all listen on ``host`` with ports the system chooses. With ``snmp`` (the inventory's SNMP
    access, its secrets resolved), each device also answers SNMP on UDP at the same address (on
    ``snmp_port`` with ``per_device_address``), from the same counters (:mod:`network.lab.snmp`).
    """

    fabric: Fabric
    username: str
    password: str
    host: str = "127.0.0.1"
    per_device_address: bool = False
    port: int = 0
    authorized_keys_file: Path | None = None
    listeners: list[Listener] = field(default_factory=list)
    authorized_keys: asyncssh.SSHAuthorizedKeys | None = None
    snmp: SnmpSecrets | None = None
    snmp_port: int = 1161
    agents: SnmpAgents | None = None
    _servers: list[asyncssh.SSHAcceptor] = field(default_factory=list)

    @property
    def devices(self) -> dict[str, TwinDevice]:
        """The twins this lab serves."""
        return self.fabric.devices

    async def start(self) -> list[Listener]:
        """Bind one SSH listener per device and return where each answers."""
        if self.authorized_keys_file is not None:
            self.authorized_keys = asyncssh.read_authorized_keys(str(self.authorized_keys_file))
        raise_file_limit(4 * len(self.devices) + 256)
        key = asyncssh.generate_private_key("ssh-ed25519")
        for number, (hostname, device) in enumerate(self.devices.items()):
            host = self.host
            if self.per_device_address:
                value = FIRST_DEVICE_ADDRESS + number
                host = f"127.{(value >> 16) & 0xFF}.{(value >> 8) & 0xFF}.{value & 0xFF}"
            server = await asyncssh.create_server(
                lambda d=device: _Server(self, d),
                host,
                self.port if self.per_device_address else 0,
                server_host_keys=[key],
                process_factory=lambda process, d=device: _shell(d, process),
                line_editor=True,
                encoding="utf-8",
                reuse_address=True,
            )
            port = server.sockets[0].getsockname()[1]
            self._servers.append(server)
            self.listeners.append(Listener(hostname, host, port, device.platform))
        if self.snmp is not None:
            self.agents = SnmpAgents(
                self.fabric, self.snmp, self.host, self.per_device_address, self.snmp_port
            )
            hosts = {listener.hostname: listener.host for listener in self.listeners}
            agents = {agent.hostname: agent.port for agent in await self.agents.start(hosts)}
            for listener in self.listeners:
                listener.snmp_port = agents[listener.hostname]
        return self.listeners

    def close(self) -> None:
        """Stop every listener."""
        for server in self._servers:
            server.close()
        if self.agents is not None:
            self.agents.close()


def run_in_thread(lab: Lab) -> tuple[asyncio.AbstractEventLoop, list[Listener]]:
    """Start the lab on its own event loop in a daemon thread (for tests and benchmarks)."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: list[list[Listener]] = []
    problems: list[BaseException] = []

    def serve() -> None:
        asyncio.set_event_loop(loop)
        try:
            holder.append(loop.run_until_complete(lab.start()))
        except BaseException as problem:  # reported to the caller below
            problems.append(problem)
            started.set()
            return
        started.set()
        loop.run_forever()

    threading.Thread(target=serve, daemon=True, name="egov-lab").start()
    if not started.wait(120):
        raise RuntimeError("the lab did not start within 120 s")
    if problems:
        raise problems[0]
    return loop, holder[0]


def stop_in_thread(lab: Lab, loop: asyncio.AbstractEventLoop) -> None:
    """Stop a lab started with :func:`run_in_thread`: listeners closed, open sessions ended, loop stopped."""

    async def shutdown() -> None:
        lab.close()
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    try:
        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(timeout=30)
    finally:
        loop.call_soon_threadsafe(loop.stop)
