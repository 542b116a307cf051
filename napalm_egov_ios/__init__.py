"""NAPALM driver ``egov_ios``, loaded by ``napalm.get_network_driver("egov_ios")``."""

from network.devices.drivers import IosDriver

__all__ = ["IosDriver"]
