"""NAPALM driver ``egov_comware7``, loaded by ``napalm.get_network_driver("egov_comware7")``."""

from network.devices.drivers import Comware7Driver

__all__ = ["Comware7Driver"]
