"""The IPv6 rollout: waves of devices, each checked, changed and checked again, journaled."""
