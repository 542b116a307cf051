"""How far the city's programme has come: facts from the inventory, the rollout journal and the ledger.

- :mod:`network.programme.sources`   read-only snapshots of the rollout journal and the migration ledger
- :mod:`network.programme.progress`  per site, department and system what is done; every milestone's
  metric (``network.inventory.metrics``) as a ratio in [0, 1]

The exporter turns these into metrics; nothing here knows Prometheus.
"""
