"""The docs describe the code as built: every rule, every metric, every exit code."""

from __future__ import annotations

import re

from network.inventory import RULES
from network.inventory.metrics import METRICS
from tests.helpers import ROOT

VALIDATION = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
INVENTORY = (ROOT / "docs" / "inventory.md").read_text(encoding="utf-8")


def test_every_rule_is_documented_with_its_name_and_severity() -> None:
    for rule in RULES.values():
        pattern = rf"^### {rule.code} {re.escape(rule.name)} \({rule.severity.value}\)$"
        assert re.search(pattern, VALIDATION, re.MULTILINE), f"docs/validation.md lacks '### {rule.code} ...'"


def test_no_documented_rule_is_gone() -> None:
    documented = set(re.findall(r"^### ([A-Z]\d{3}) ", VALIDATION, re.MULTILINE))
    assert documented == set(RULES)


def test_every_metric_is_documented() -> None:
    for name in METRICS:
        assert f"`{name}`" in INVENTORY, f"docs/inventory.md lacks metric {name}"


def test_readme_shows_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
