# The two commands: `make demo` and `make test`. Both set up what they need first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
INVENTORY ?= inventories/shanwei

.PHONY: demo test lint bench setup schema sample clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	@echo "== 1. Validate the Shanwei inventory (schema, references, hierarchy, tiers, coverage, classification)"
	$(BIN)/egov validate $(INVENTORY)
	@echo
	@echo "== 2. What it holds: sites per level, links per tier against the plan's targets, systems per department"
	$(BIN)/egov inventory summary $(INVENTORY)
	@echo "== 3. The IPv6 address plan: is the committed lock current? Then the tree of prefixes"
	$(BIN)/egov plan $(INVENTORY) --check
	$(BIN)/egov plan show $(INVENTORY) --depth 1
	@echo "   ... and the first rows of the NetBox import"
	$(BIN)/egov plan export $(INVENTORY) --format netbox-csv | head -6
	@echo
	@echo "== 3b. The device parsers on 154 real captures from public sources, against ntc-templates' TextFSM"
	$(BIN)/python bench/parse_corpus.py --repeat 1 --rounds 3
	@echo
	@echo "== 4. The lab twin: every device simulated over SSH on loopback, read and changed through the drivers;"
	@echo "   the rollout, and a wave killed (kill -9) with trial commits pending, then resumed"
	scripts/demo_lab.sh $(INVENTORY)
	@echo
	@echo "== 4b. The extranet's zones: the offline isolation check, a business network cut over into its VPN instance, a planted leak"
	scripts/demo_zones.sh $(INVENTORY)
	@echo
	@echo "== 5. Migrating a department's system onto the cloud: transfer, SHA-256/SM3 proof, tests, cutover"
	scripts/demo_migrate.sh $(INVENTORY)
	@echo
	@echo "== 6. The government cloud node as code: the Pulumi program's offline plan and its MLPS policies"
	scripts/demo_cloud.sh $(INVENTORY)
	@echo
	@echo "== 7. Monitoring: the exporter, Prometheus's rules and alerts on the twin and the programme so far"
	scripts/demo_monitoring.sh $(INVENTORY)
	@echo
	@echo "== 7b. DNS, websites and CDN over IPv6: zone files as code, every site scored, the exporter beside blackbox_exporter, a cutover in DNS"
	scripts/demo_services.sh $(INVENTORY)
	@echo
	@echo "== 8. A broken copy, to show what an engineer sees (expected to fail)"
	rm -rf out/demo-broken && mkdir -p out && cp -r $(INVENTORY) out/demo-broken
	sed -i '0,/capacity: 1G/s//capacity: 100M/' out/demo-broken/links.yaml
	sed -i '0,/platform: huawei_vrp5/s//platform: huawei_vrp6/' out/demo-broken/devices.yaml
	$(BIN)/egov validate out/demo-broken; test $$? -eq 1

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy network egov exporters infra
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/ansible-lint --profile production playbooks/
	promtool check rules exporters/rules/egov.rules.yml exporters/rules/egov.alerts.yml
	promtool test rules exporters/rules/tests/egov.test.yml

bench: $(STAMP)
	$(BIN)/python bench/validate_scale.py --update-docs
	$(BIN)/python bench/plan_scale.py --update-docs
	$(BIN)/python bench/lab_scale.py --update-docs
	$(BIN)/python bench/rollout_scale.py --update-docs
	$(BIN)/python bench/rollout_safety.py --update-docs
	$(BIN)/python bench/migration_scale.py --update-docs
	$(BIN)/python bench/exporter_scale.py --update-docs
	$(BIN)/python bench/cloud_scale.py --update-docs
	$(BIN)/python bench/parse_corpus.py --update-docs
	$(BIN)/python bench/snmp_poll.py --update-docs --ssh-repeat 3
	$(BIN)/python bench/ipv6_services.py --update-docs
	$(BIN)/python bench/verify_scale.py --update-docs

schema: $(STAMP)
	$(BIN)/egov schema --out docs/schema

sample: $(STAMP)
	$(BIN)/egov inventory generate --profile shanwei --force $(INVENTORY)

clean:
	rm -rf $(VENV) out bench/out .pytest_cache .mypy_cache .ruff_cache .hypothesis
