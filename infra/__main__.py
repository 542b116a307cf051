"""The Pulumi program of the city's government cloud node: ``pulumi preview`` / ``pulumi up`` run this.

It only reads the stack's configuration and wires the components (the logic is in the modules beside
it): settings checked, then the blueprint (inventory valid, address lock current, migration ledger
read), then the declarations. A problem is reported as one line naming the key, file or system.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root: `infra` and `network`

import pulumi

from infra.blueprint import BlueprintError, load_blueprint
from infra.program import declare
from infra.settings import PROJECT, SettingsError, settings_from

TEXT_KEYS = ("inventory", "externalNetwork", "dnsZone", "dnsEmail", "provision", "ipv6Mode", "keyPair")
OBJECT_KEYS = ("images", "flavors", "dnsNameservers", "quotaCoresPerSystem")

config = pulumi.Config(PROJECT)
values = {key: config.get(key) for key in TEXT_KEYS if config.get(key) is not None}
values.update({key: config.get_object(key) for key in OBJECT_KEYS if config.get_object(key) is not None})
try:
    settings = settings_from(values)
    blueprint = load_blueprint(settings)
except (SettingsError, BlueprintError) as problem:
    details = "".join(f"\n  {line}" for line in getattr(problem, "details", ())[:10])
    raise pulumi.RunError(f"{problem.message} (hint: {problem.hint}){details}") from None
declare(blueprint, settings, config.get_secret("bootstrapToken"))
