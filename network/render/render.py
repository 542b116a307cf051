"""Render a device's intent with its platform's Jinja2 template (``network/render/templates``).

Templates are strict (an undefined name is an error, not an empty string) and render only what
dual-stack adds: the result is merged into the running configuration by the drivers (hier_config),
so IPv4 and everything else on the device stays as it is.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from network.render.intent import DeviceIntent

TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATES = {
    "huawei_vrp5": "huawei_vrp.j2",
    "huawei_vrp8": "huawei_vrp.j2",
    "h3c_comware7": "h3c_comware7.j2",
    "cisco_ios": "cisco_ios.j2",
}


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # device configuration, not HTML
    )


def render_intent(intent: DeviceIntent) -> str:
    """The dual-stack configuration lines for one device, in its platform's syntax."""
    template = _environment().get_template(TEMPLATES[intent.platform])
    areas = (
        sorted({intent.ospf.area, *(link.area for link in intent.links if link.area)}) if intent.ospf else []
    )
    return template.render(d=intent, areas=areas)
