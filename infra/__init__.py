"""The city's government cloud node as code: a Pulumi program for OpenStack-compatible clouds.

- :mod:`infra.settings`    the stack's settings (Pulumi config), checked, naming the key that is wrong
- :mod:`infra.blueprint`   what to build, from the inventory, the address lock and the migration ledger
  (pure: no Pulumi), refusing any system without its addresses before a resource is declared
- :mod:`infra.security`    the MLPS security groups and their least-privilege rules, as data
- :mod:`infra.components`  CloudNode, DepartmentTenant, BusinessSystem (ComponentResources)
- :mod:`infra.program`     declares the components from a blueprint (what ``__main__`` runs)
- :mod:`infra.offline`     the program under Pulumi's mock engine: ``egov cloud plan``
- :mod:`infra.policy`      MLPS-derived policies as pure functions, and the PulumiPolicy pack
"""
