"""Intended dual-stack configuration per device and platform (Jinja2 templates over the intent)."""

from network.render.intent import DeviceIntent, IntentBuilder, IntentError
from network.render.render import render_intent

__all__ = ["DeviceIntent", "IntentBuilder", "IntentError", "render_intent"]
