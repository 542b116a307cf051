"""The offline isolation check (``egov verify``): configurations against the zone policy, both families."""
