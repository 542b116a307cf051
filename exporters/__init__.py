"""Prometheus monitoring of the e-gov extranet and its programme: exporter, rules, dashboards.

- :mod:`exporters.catalogue`   every metric the exporter can give: name, type, help, labels
- :mod:`exporters.source`      the inventory the collectors read, reloaded in the background
- :mod:`exporters.collectors`  intent (the plan), programme (journal, ledger, milestones), exporter
- :mod:`exporters.probe`       ``/probe?target=DEVICE``: one device through its driver, within a deadline
- :mod:`exporters.server`      the HTTP(S) server: /metrics, /probe, /-/healthy, /-/ready
- :mod:`exporters.config`      prometheus.yml and file-based target discovery from the inventory
- ``exporters/rules/``         recording and alerting rules, with promtool unit tests
- ``exporters/dashboards/``    Grafana dashboards built with grafana-foundation-sdk, and provisioning
"""
