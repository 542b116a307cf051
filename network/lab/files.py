"""Names the lab's files and settings use (kept apart so that `egov` starts without loading SSH code)."""

USERNAME = "egov"
PASSWORD_VARIABLE = "EGOV_LAB_PASSWORD"
LAB_JSON = "lab.json"
PIDFILE = ".egov-lab.pid"
LOGFILE = ".egov-lab.log"
CONTROL_FILE = ".egov-lab.control.json"  # the lab's current conditions; `egov lab set` rewrites it
SYSTEMS_JSON = "systems-lab.json"  # the systems lab's endpoints (`egov lab up --systems`)
SYSTEMS_PIDFILE = ".egov-lab-systems.pid"
SYSTEMS_LOGFILE = ".egov-lab-systems.log"
SYSTEMS_DIR = "systems-lab"  # its files: shares, name map, certificates
SERVICES_JSON = "services-lab.json"  # the services lab's address map (`egov lab up --services`)
SERVICES_PIDFILE = ".egov-lab-services.pid"
SERVICES_LOGFILE = ".egov-lab-services.log"
SERVICES_DIR = "services-lab"  # its configs, zones, pages, certificates and conditions.json
TSIG_VARIABLE = "EGOV_DNS_TSIG"  # the lab's TSIG key (hmac-sha256:NAME:SECRET) when zones name none
