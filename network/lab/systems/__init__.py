"""The systems lab: sample business systems on loopback, to rehearse migrations for real.

For a few systems of an inventory it runs, on 127.0.81.0/24 (source) and 127.0.82.0/24 (target):
a source and a target PostgreSQL server (Debian's binaries, one cluster per side), the source's file
shares and empty target directories, and a small HTTPS application per system and side that serves
the system's health endpoint from its database and files. Certificates come from a lab CA; the
service names are in a hosts-format name map. ``systems-lab.json`` describes it all in the format of
the migration's endpoints file (passwords are references to ``EGOV_LAB_PASSWORD``, never written).

- :mod:`network.lab.systems.pki`      the lab CA and one certificate per service name
- :mod:`network.lab.systems.cluster`  a PostgreSQL cluster: initdb, start, roles, stop
- :mod:`network.lab.systems.data`     sample rows and files of a chosen size
- :mod:`network.lab.systems.app`      the HTTPS health application
- :mod:`network.lab.systems.lab`      the whole lab: choose systems, build, describe, stop
- :mod:`network.lab.systems.serve`    what `egov lab up --systems` runs
"""
