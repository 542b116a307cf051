"""The lab twin's SSH side: real SSH (asyncssh) on loopback, one listener per simulated device.

Interactive shells with a PTY, as netmiko opens them; asyncssh's line editor echoes input like a
device does. Password authentication against the lab password (never written to disk).
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field

import asyncssh

from network.lab.device import Session, TwinDevice


@dataclass
class Listener:
    """Where one twin device answers."""

    hostname: str
    host: str
    port: int
    platform: str


class _Auth(asyncssh.SSHServer):
    def __init__(self, username: str, password: str) -> None:
        self._username, self._password = username, password

    def begin_auth(self, username: str) -> bool:
        return True  # always ask for a password

    def password_auth_supported(self) -> bool:
        return True

    def validate_password(self, username: str, password: str) -> bool:
        return username == self._username and password == self._password


async def _shell(device: TwinDevice, process: asyncssh.SSHServerProcess[str]) -> None:
    session = Session(device)
    process.stdout.write(f"\r\nInfo: The max number of VTY users is 10.\r\n\r\n{session.prompt()}")
    try:
        while not process.stdin.at_eof():
            line = await process.stdin.readline()
            if not line and process.stdin.at_eof():
                break
            output = session.handle(line.rstrip("\r\n"))
            if line.strip().lower() == "quit" and session.view == "user" and not output:
                break
            text = output.replace("\n", "\r\n")
            if session.pending_question:  # a Y/N question waits for its answer: no prompt
                process.stdout.write(text)
            else:
                process.stdout.write((f"{text}\r\n" if text else "") + session.prompt())
    except (asyncssh.BreakReceived, asyncssh.TerminalSizeChanged, ConnectionError):
        pass
    process.exit(0)


@dataclass
class Lab:
    """Simulated devices served over SSH on loopback; start() binds them, close() stops them."""

    devices: dict[str, TwinDevice]
    username: str
    password: str
    host: str = "127.0.0.1"
    listeners: list[Listener] = field(default_factory=list)
    _servers: list[asyncssh.SSHAcceptor] = field(default_factory=list)

    async def start(self) -> list[Listener]:
        """Bind one SSH listener per device (ports chosen by the system) and return where they are."""
        key = asyncssh.generate_private_key("ssh-ed25519")
        for hostname, device in self.devices.items():
            server = await asyncssh.create_server(
                lambda: _Auth(self.username, self.password),
                self.host,
                0,
                server_host_keys=[key],
                process_factory=lambda process, d=device: _shell(d, process),
                line_editor=True,
                encoding="utf-8",
            )
            port = server.sockets[0].getsockname()[1]
            self._servers.append(server)
            self.listeners.append(Listener(hostname, self.host, port, device.platform))
        return self.listeners

    def close(self) -> None:
        """Stop every listener."""
        for server in self._servers:
            server.close()


def run_in_thread(lab: Lab) -> tuple[asyncio.AbstractEventLoop, list[Listener]]:
    """Start the lab on its own event loop in a daemon thread (for tests and the CLI)."""
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: list[list[Listener]] = []

    def serve() -> None:
        asyncio.set_event_loop(loop)
        holder.append(loop.run_until_complete(lab.start()))
        started.set()
        loop.run_forever()

    threading.Thread(target=serve, daemon=True, name="egov-lab").start()
    if not started.wait(60):
        raise RuntimeError("the lab did not start within 60 s")
    return loop, holder[0]
