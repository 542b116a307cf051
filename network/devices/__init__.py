"""The device layer: typed results and parsers for Huawei VRP, H3C Comware and Cisco IOS output."""
