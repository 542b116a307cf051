"""Render a device's intent with its platform's Jinja2 template (``network/render/templates``).

Templates are strict (an undefined name is an error, not an empty string) and render only what
dual-stack adds: the result is merged into the running configuration by the drivers (hier_config),
so IPv4 and everything else on the device stays as it is.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from network.inventory.platforms import platform_spec
from network.render.intent import DeviceIntent

TEMPLATE_DIR = Path(__file__).parent / "templates"


@cache
def _environment(directory: Path = TEMPLATE_DIR) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # device configuration, not HTML
    )


def render_intent(intent: DeviceIntent) -> str:
    """The dual-stack configuration lines for one device, in its platform's syntax."""
    spec = platform_spec(intent.platform)
    directory = Path(spec.template_dir) if spec.template_dir else TEMPLATE_DIR
    template = _environment(directory).get_template(spec.template)
    areas = (
        sorted({intent.ospf.area, *(link.area for link in intent.links if link.area)}) if intent.ospf else []
    )
    return template.render(d=intent, areas=areas, platform=spec)
