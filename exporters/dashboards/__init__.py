"""Grafana dashboards as code (build.py) and the JSON and provisioning files it writes."""
