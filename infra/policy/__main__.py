"""The MLPS policy pack for ``pulumi preview --policy-pack infra/policy`` (pulumi-policy, CrossGuard)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the project root

from pulumi_policy import EnforcementLevel, PolicyPack

from infra.policy.pack import PACK, stack_policies

PolicyPack(name=PACK, enforcement_level=EnforcementLevel.MANDATORY, policies=list(stack_policies()))
