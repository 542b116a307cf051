"""The inventory of a city's e-gov extranet: typed model, loader and validation rules.

>>> from pathlib import Path
>>> from network.inventory import validate
>>> report = validate(Path("inventories/shanwei"))
>>> report.errors
0
"""

from network.inventory.findings import RULES, Finding, Rule, Severity
from network.inventory.inventory import Inventory, tier_between
from network.inventory.loader import InventoryNotFound, load_inventory
from network.inventory.model import (
    City,
    Department,
    Device,
    Level,
    Link,
    Milestone,
    Site,
    System,
    Tier,
)
from network.inventory.validate import Report, validate

__all__ = [
    "RULES",
    "City",
    "Department",
    "Device",
    "Finding",
    "Inventory",
    "InventoryNotFound",
    "Level",
    "Link",
    "Milestone",
    "Report",
    "Rule",
    "Severity",
    "Site",
    "System",
    "Tier",
    "load_inventory",
    "tier_between",
    "validate",
]
