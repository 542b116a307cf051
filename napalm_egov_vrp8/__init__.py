"""NAPALM driver ``egov_vrp8``, loaded by ``napalm.get_network_driver("egov_vrp8")``."""

from network.devices.drivers import Vrp8Driver

__all__ = ["Vrp8Driver"]
