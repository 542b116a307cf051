"""The services lab: real DNS (knot, unbound) and web servers (nginx) for a city's zones and websites."""
