"""SM2 signatures (GB/T 32918, with SM3 and the standard's default ID) through OpenSSL 3's ``openssl``.

OpenSSL 3 signs and verifies SM2 (``openssl pkeyutl -rawin -digest sm3``); Python's ``cryptography`` does
not expose the curve, so the toolkit calls the ``openssl`` command, a well-kept implementation every
Debian machine has. The distinguishing ID is always given (``1234567812345678``, GM/T 0009's default):
OpenSSL 3.0 signs with an empty one when none is named, which other implementations do not verify.

The private key is a reference, never a value: the environment variable ``EGOV_LEDGER_SM2_KEY`` names
a PEM file (written there by Ansible Vault, an AWX credential, or ``openssl genpkey -algorithm SM2``).
Nothing here logs or stores the key; a checkpoint stores the *public* key and the signature.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

KEY_VARIABLE = "EGOV_LEDGER_SM2_KEY"  # names the PEM file of the signing key
PUBLIC_KEY_VARIABLE = (
    "EGOV_LEDGER_SM2_PUBLIC_KEY"  # names the PEM file of the key checkpoints must verify with
)
DISTINGUISHING_ID = "1234567812345678"


class Sm2Error(Exception):
    """A key that cannot be used, or no ``openssl`` with SM2: the message names it, the hint what to do."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def _openssl(*args: str, data: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    binary = shutil.which("openssl")
    if binary is None:
        raise Sm2Error("no openssl command on this machine", "install the openssl package (OpenSSL 3)")
    return subprocess.run([binary, *args], input=data, capture_output=True, check=False)


def key_file(variable: str = KEY_VARIABLE) -> Path | None:
    """The PEM file the environment variable names (None when it is not set)."""
    value = os.environ.get(variable, "").strip()
    if not value:
        return None
    path = Path(value)
    if not path.is_file():
        raise Sm2Error(
            f"{variable}={value}: no such file", "point it at a PEM file (openssl genpkey -algorithm SM2)"
        )
    return path


def public_key(private: Path) -> str:
    """The public key (PEM) of a private key file."""
    done = _openssl("pkey", "-in", str(private), "-pubout")
    if done.returncode != 0 or b"PUBLIC KEY" not in done.stdout:
        raise Sm2Error(
            f"{private}: not a usable SM2 private key", "make one with: openssl genpkey -algorithm SM2"
        )
    return done.stdout.decode("ascii")


def _pkeyutl(*args: str, message: bytes) -> subprocess.CompletedProcess[bytes]:
    return _openssl("pkeyutl", *args, "-rawin", "-digest", "sm3", "-pkeyopt", f"distid:{DISTINGUISHING_ID}",
                    data=message)  # fmt: skip


def sign(message: bytes, private: Path) -> bytes:
    """The DER signature of ``message`` (SM2 with SM3 over Z||M)."""
    done = _pkeyutl("-sign", "-inkey", str(private), message=message)
    if done.returncode != 0 or not done.stdout:
        raise Sm2Error(f"{private}: signing failed ({done.stderr.decode(errors='replace').strip()[:200]})",
                       "is it an SM2 key? openssl genpkey -algorithm SM2 makes one")  # fmt: skip
    return done.stdout


def verify(message: bytes, signature: bytes, public_pem: str) -> bool:
    """Whether ``signature`` is an SM2 signature of ``message`` by the holder of ``public_pem``."""
    with tempfile.TemporaryDirectory() as scratch:
        key, sig = Path(scratch) / "key.pem", Path(scratch) / "sig.der"
        key.write_text(public_pem, encoding="ascii")
        sig.write_bytes(signature)
        done = _pkeyutl("-verify", "-pubin", "-inkey", str(key), "-sigfile", str(sig), message=message)
    return done.returncode == 0 and b"Verified Successfully" in done.stdout
