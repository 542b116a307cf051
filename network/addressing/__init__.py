"""The IPv6 address plan: policy, planner, lock file, checks and exports."""

from network.addressing.lock import LOCK_FILE, Lock, LockError, read_lock
from network.addressing.plan import PlanError, PlanResult, plan
from network.addressing.policy import POLICY_FILE, AddressingPolicy, load_policy

__all__ = [
    "LOCK_FILE",
    "POLICY_FILE",
    "AddressingPolicy",
    "Lock",
    "LockError",
    "PlanError",
    "PlanResult",
    "load_policy",
    "plan",
    "read_lock",
]
