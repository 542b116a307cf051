"""The twin prints what real devices print: someone else's parser (ntc-templates' TextFSM) agrees.

For every display command the twin serves for which ntc-templates has a template on that platform,
the twin's output over real SSH is parsed twice, by ntc-templates and by our parsers, and every field
both read must agree: the same adapters turn ntc-templates' rows into the toolkit's fields as for the
real captures (tests/devices/corpus.py). The twin is first given IPv6 on a link, so the neighbour
tables and routes have rows. Where ntc's own template is wrong on real output (tests/fixtures/captures/
hand.yml says where), the same correction applies here.
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from ntc_templates.parse import parse_output
from textfsm import TextFSMError

from network.inventory import load_inventory
from network.lab.device import Fabric, build_fabric
from network.lab.server import Listener
from tests.devices.corpus import CORPUS, KIND, NTC, full_names
from tests.devices.test_capture_corpus import PARSERS, differences
from tests.lab.test_twin import LAB_INVENTORY, _session, lab  # noqa: F401 - the module's twin, over SSH

# The lab inventory, plus an H3C Comware 5 town switch (the lab's own inventory has none).
COMWARE5 = """  - hostname: CTY-A-T1-SW-05
    site: cty-a-t1
    role: access
    platform: h3c_comware5
    model: S5120-28C-EI
    management: 192.0.2.7
    credentials: env:EGOV_SSH_ACCESS
    interfaces:
      - {name: GigabitEthernet1/0/1, speed: 1G}
      - {name: GigabitEthernet1/0/2, speed: 100M}
"""


@pytest.fixture(scope="module")
def fabric(tmp_path_factory: pytest.TempPathFactory) -> Fabric:
    inventory = tmp_path_factory.mktemp("lab") / "lab"
    shutil.copytree(LAB_INVENTORY, inventory)
    devices = inventory / "devices.yaml"
    devices.write_text(devices.read_text(encoding="utf-8") + COMWARE5, encoding="utf-8")
    return build_fabric(load_inventory(inventory).inventory)


# The twin's commands with a template in ntc-templates, per device of tests/fixtures/lab.
COMMANDS = {
    "huawei_vrp": [
        "display version",
        "display interface",
        "display interface brief",
        "display ipv6 neighbors",
        "display ipv6 routing-table verbose",
    ],
    "h3c_comware": ["display interface", "display interface brief", "display device manuinfo"],
    "cisco_ios": ["show version", "show interfaces", "show ipv6 interface brief", "show ipv6 neighbors"],
}
NTC_PLATFORM = {"huawei_vrp": "huawei_vrp", "h3c_comware": "hp_comware", "cisco_ios": "cisco_ios"}
DEVICES = {
    "CTY-A-T1-AR-01": "huawei_vrp",  # VRP5
    "CTY-CORE-01": "huawei_vrp",  # VRP8
    "CTY-A-T1-V1-CPE": "h3c_comware",  # Comware 7
    "CTY-A-T1-SW-05": "h3c_comware",  # Comware 5
    "CTY-A-T1-IOS-ROUTER-02": "cisco_ios",
}
CASES = [(host, command) for host, family in DEVICES.items() for command in COMMANDS[family]]

# Where ntc-templates' own template fails on real output, the twin's output is compared with what the
# twin holds (its interfaces' state, read as a person reads the device) instead, and the test checks
# that the template still fails on the real capture named here.
NTC_FAILS = {
    ("CTY-CORE-01", "display interface"): (
        "huawei_vrp/display_interface/napalm-vrp_get_interfaces_vrp5.raw",
        "ntc-templates' VRP template raises on VRP8's `Link quality grade : GOOD` (NE40E)",
    ),
}


def _held(twin: Fabric, hostname: str) -> dict[str, Any]:
    """What the twin holds for each interface, in the toolkit's fields."""
    device = twin.devices[hostname]
    return {
        name: {
            "enabled": not interface.shutdown,
            "up": not interface.shutdown,
            "speed": device.speed(interface),
            "mtu": 1500,
            "mac": device.mac(name),
            "description": interface.description,
            "ipv4": sorted(interface.ipv4),
        }
        for name, interface in device.running.interfaces.items()
    }


@pytest.fixture(scope="module")
def dual_stack(fabric: Fabric) -> Fabric:
    """Every link of the twin given an IPv6 prefix at both ends (2001:db8:ff<n>::/64), as a rollout would."""
    done: set[tuple[str, str]] = set()
    for n, ((hostname, name), _end) in enumerate(sorted(fabric.peers.items())):
        far = fabric.peer(hostname, name)
        if far is None or (hostname, name) in done:
            continue
        here = fabric.devices[hostname].running.interfaces[name]
        peer, remote = far
        for host, interface in ((hostname, here), (peer.hostname, remote)):
            interface.ipv6_enabled = True
            interface.ipv6 = [f"2001:DB8:FF{n:02X}::{1 if host == hostname else 2}/64"]
        done |= {(hostname, name), (peer.hostname, remote.name)}
    return fabric


def _output(listener: Listener, command: str) -> str:
    connection = _session(listener)
    try:
        return str(connection.send_command(command))
    finally:
        connection.disconnect()


@pytest.mark.parametrize(("hostname", "command"), CASES, ids=[f"{h}:{c}" for h, c in CASES])
def test_ntc_templates_reads_the_twin_as_we_do(
    dual_stack: Fabric,
    lab: dict[str, Listener],  # noqa: F811
    hostname: str,
    command: str,
) -> None:
    family = DEVICES[hostname]
    text = _output(lab[hostname], command)
    assert text.strip(), f"{hostname} printed nothing for {command!r}"
    folder = command.replace(" ", "_")
    key = f"{family}/{folder}"
    ntc_platform = NTC_PLATFORM[family]
    if (hostname, command) in NTC_FAILS:
        capture, _why = NTC_FAILS[(hostname, command)]
        real = (CORPUS / capture).read_text(encoding="utf-8")
        for output in (real, text):  # the template fails on the real device and on the twin alike
            with pytest.raises(TextFSMError):
                parse_output(platform=ntc_platform, command=command, data=output)
        theirs: Any = _held(dual_stack, hostname)
    else:
        rows = parse_output(platform=ntc_platform, command=command, data=text)
        assert rows, f"ntc-templates read nothing of the twin's {command!r} on {hostname}:\n{text}"
        theirs = full_names(KIND[folder], family, NTC[key](rows, text))
    ours = PARSERS[key](text)
    problems = differences(ours, theirs)
    assert not problems, f"{hostname} {command!r}:\n  " + "\n  ".join(problems[:20]) + f"\n---\n{text}"
