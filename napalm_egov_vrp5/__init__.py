"""NAPALM driver ``egov_vrp5``, loaded by ``napalm.get_network_driver("egov_vrp5")``."""

from network.devices.drivers import Vrp5Driver

__all__ = ["Vrp5Driver"]
