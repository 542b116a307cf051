"""Intended dual-stack configuration per device and platform (Jinja2 templates over the intent)."""

from network.render.intent import DeviceIntent, IntentBuilder, IntentError
from network.render.render import render_intent, render_vpn
from network.render.vpn import VpnDeviceIntent, VpnIntentBuilder

__all__ = [
    "DeviceIntent",
    "IntentBuilder",
    "IntentError",
    "VpnDeviceIntent",
    "VpnIntentBuilder",
    "render_intent",
    "render_vpn",
]
