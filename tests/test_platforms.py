"""One spec per platform (network.inventory.platforms), and a platform a third party adds by entry point.

The third-party platform is a real installed distribution as far as Python can tell: a ``.dist-info``
with an ``entry_points.txt`` on the path of a fresh interpreter, exactly what ``pip install`` leaves.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from network.devices.drivers import driver_for
from network.devices.names import family
from network.inventory.platforms import BUILTIN, UnknownPlatform, known_platforms, platform_spec, specs
from network.render.render import TEMPLATE_DIR
from tests.helpers import ROOT

SPEC_MODULE = """
from network.inventory.platforms import PlatformSpec

SPEC = PlatformSpec(
    "acme_vrp", "Acme", "huawei", 5, "huawei", "HUAWEI_VRP", "acme.j2",
    "network.devices.drivers:Vrp5Driver", "network.lab.session:Session",
    napalm_driver="egov_vrp5", model="ACME-1", template_dir={template_dir!r},
)
"""

PROBE = """
import json
from network.devices.drivers import driver_for
from network.devices.transport import ConnectionParams
from network.inventory.platforms import known_platforms, platform_spec
from network.inventory.model import Level
from network.render.intent import DeviceIntent
from network.render.render import render_intent

intent = DeviceIntent("ACME-01", "acme_vrp", Level.TOWN, "LoopBack0", "2001:db8::1", links=())
print(json.dumps({
    "known": "acme_vrp" in known_platforms(),
    "driver": driver_for("acme_vrp").__name__,
    "device_type": ConnectionParams("127.0.0.1", 22, "u", "acme_vrp").device_type,
    "model": platform_spec("acme_vrp").model,
    "config": render_intent(intent),
}))
"""


def test_every_builtin_platform_is_one_complete_spec() -> None:
    names = [spec.name for spec in BUILTIN]
    assert len(names) == len(set(names))
    assert {"huawei_vrp5", "huawei_vrp8", "h3c_comware5", "h3c_comware7", "cisco_ios"} <= known_platforms()
    for spec in BUILTIN:
        assert driver_for(spec.name).platform == spec.name  # the driver the spec names is that platform's
        assert spec.load("twin_session").__name__.endswith("Session")
        assert (TEMPLATE_DIR / spec.template).is_file()
        assert spec.commit in ("trial", "delay", "none")
        assert family(spec.name) == spec.family


def test_comware_5_differs_from_7_where_the_devices_do() -> None:
    five, seven = platform_spec("h3c_comware5"), platform_spec("h3c_comware7")
    assert (five.netmiko_type, five.family, five.template) == (
        seven.netmiko_type,
        seven.family,
        seven.template,
    )
    assert (five.commit, seven.commit) == ("none", "delay")  # Comware 5 has no `configuration commit delay`
    assert (five.ipv6_global, seven.ipv6_global) == ("ipv6", "")  # Comware 5 needs `ipv6` in system view


def test_an_unknown_platform_names_the_known_ones() -> None:
    with pytest.raises(UnknownPlatform, match="h3c_comware5"):
        platform_spec("juniper_junos")
    with pytest.raises(KeyError):
        driver_for("juniper_junos")


def test_a_third_party_platform_by_entry_point_works_end_to_end(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "acme.j2").write_text(
        "interface {{ d.loopback_interface }}\n ipv6 address {{ d.loopback | upper }}/128\n", encoding="utf-8"
    )
    (tmp_path / "acme_platform.py").write_text(
        SPEC_MODULE.format(template_dir=str(templates)), encoding="utf-8"
    )
    info = tmp_path / "acme_platform-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: acme-platform\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[egov.platforms]\nacme_vrp = acme_platform:SPEC\n", encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["known"] and result["driver"] == "Vrp5Driver" and result["device_type"] == "huawei"
    assert result["model"] == "ACME-1"
    assert result["config"] == "interface LoopBack0\n ipv6 address 2001:DB8::1/128\n"
    assert "acme_vrp" not in specs()  # this interpreter has no such package: nothing leaked


@pytest.mark.parametrize(
    ("module", "why"),
    [
        ("SPEC = 'not a spec'\n", "is not a PlatformSpec"),
        ("raise ImportError('no such SDK')\n", "cannot be loaded"),
    ],
)
def test_a_broken_platform_package_is_named_without_a_traceback(
    tmp_path: Path, module: str, why: str
) -> None:
    (tmp_path / "broken_platform.py").write_text(module, encoding="utf-8")
    info = tmp_path / "broken_platform-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: broken-platform\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[egov.platforms]\nbroken = broken_platform:SPEC\n", encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "NO_COLOR": "1"}
    egov = Path(sys.executable).with_name("egov")
    done = subprocess.run(
        [str(egov), "validate", str(ROOT / "tests" / "fixtures" / "minimal")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "entry point egov.platforms:broken (broken_platform:SPEC)" in done.stderr and why in done.stderr
    assert "hint:" in done.stderr and "Traceback" not in done.stderr
