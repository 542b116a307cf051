"""Moving departments' non-classified systems onto the government cloud, with proof.

- :mod:`network.migration.lifecycle`  the states a system passes through and the legal transitions
- :mod:`network.migration.ledger`     the SQLite ledger: one record per system, an append-only event log
- :mod:`network.migration.plan`       waves, deadlines and each system's place in them
- :mod:`network.migration.integrity`  file manifests (SHA-256 and SM3) and their comparison
- :mod:`network.migration.endpoints`  where each system's source and target are (the lab or production)
- :mod:`network.migration.runbook`    the steps: precheck, transfer, verify, function test, security
  check, cutover, finalize, rollback — each one recorded in the ledger with its evidence
"""
