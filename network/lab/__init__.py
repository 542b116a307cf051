"""The lab twin: simulated devices built from an inventory, reachable over real SSH on loopback."""
