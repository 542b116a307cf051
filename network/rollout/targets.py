"""Where the rollout reaches each device, and how it opens a driver: the lab twin, or production.

Shared by ``egov rollout`` and the Ansible modules. The lab: lab.json's addresses, the password from
``EGOV_LAB_PASSWORD``. Production (chosen explicitly): the inventory's management addresses on port 22,
each device's password from its ``credentials`` reference, the user from ``EGOV_SSH_USERNAME``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from network.devices.collect import LabFileError, Target, targets_from_lab
from network.devices.transport import CredentialError, resolve_credential
from network.inventory import Inventory
from network.lab.files import PASSWORD_VARIABLE


class TargetsError(Exception):
    """No usable target: message and hint (a usage error)."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def targets(
    inventory: Inventory, lab: Path | None, production: bool
) -> tuple[dict[str, Target], Callable[..., Any]]:
    """Every reachable device's target, and an opener that returns an open driver for one.

    ``opener(target, timeout=30)``: the driver's timeout in seconds (the exporter's probes give less).
    """
    from network.devices.drivers import driver_for  # noqa: PLC0415 - SSH code loads only when used

    if lab is None and not production:
        raise TargetsError(
            "no target: give a lab (--lab lab.json) or choose production (--production)",
            "rehearse on the lab first",
        )
    if lab is not None:
        password = os.environ.get(PASSWORD_VARIABLE, "")
        if not password:
            raise TargetsError(f"{PASSWORD_VARIABLE} is not set", "export the password `egov lab up` printed")
        try:
            found = {t.hostname: t for t in targets_from_lab(lab)}
        except LabFileError as problem:
            raise TargetsError(
                str(problem), "start the lab with `egov lab up INVENTORY_DIR --detach`"
            ) from None
        secrets = dict.fromkeys(found, password)
    else:
        username = os.environ.get("EGOV_SSH_USERNAME", "egov")
        found, secrets = {}, {}
        for device in inventory.devices:
            found[device.hostname] = Target(
                device.hostname, str(device.management), 22, device.platform, username
            )
            try:
                secrets[device.hostname] = resolve_credential(device.credentials)
            except CredentialError as problem:
                raise TargetsError(f"{device.hostname}: {problem}", problem.hint) from None

    def opener(target: Target, timeout: int = 30) -> Any:
        driver = driver_for(target.platform)(
            target.host,
            target.username,
            secrets[target.hostname],
            timeout=timeout,
            optional_args={"port": target.port, "name": target.hostname, "production": production},
        )
        driver.open()
        return driver

    return found, opener
