"""NAPALM driver ``egov_comware5``, loaded by ``napalm.get_network_driver("egov_comware5")``."""

from network.devices.drivers import Comware5Driver

__all__ = ["Comware5Driver"]
