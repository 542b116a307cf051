#!/usr/bin/python
"""Ansible module egov_manifest: a manifest of a directory tree with SHA-256 and SM3 of every file."""

from __future__ import annotations

DOCUMENTATION = r"""
module: egov_manifest
short_description: Manifest a directory tree with SHA-256 and SM3 digests (data-integrity evidence)
description:
  - Lists every file, directory and link under C(path) with its size, permission bits and digests, and
    returns the manifest's own digests. Ansible's checksum options have no SM3 (GB/T 32905-2016), which
    MLPS 2.0 level 3 migrations are expected to use; this module does both in one read of each file.
  - SM3 comes from OpenSSL through hashlib where it has it, else from a pure-Python implementation.
  - With C(dest) the manifest is written there as JSON (not in check mode).
options:
  path: {description: The directory to manifest., type: path, required: true}
  dest: {description: Where to write the manifest JSON., type: path}
  algorithms:
    description: Digests to compute.
    type: list
    elements: str
    default: [sha256, sm3]
    choices: [sha256, sm3]
"""

EXAMPLES = r"""
- name: Manifest the source share
  egov_manifest:
    path: /mnt/source/sw-zsj-s01
    dest: /var/lib/egov/evidence/sw-zsj-s01/source.manifest.json
  register: source_manifest
"""

RETURN = r"""
files: {description: Number of regular files., returned: always, type: int}
bytes: {description: Total bytes of the regular files., returned: always, type: int}
sha256: {description: SHA-256 of the manifest's canonical JSON., returned: always, type: str}
sm3: {description: SM3 of the manifest's canonical JSON (when computed)., returned: always, type: str}
sm3_implementation: {description: openssl or python., returned: always, type: str}
"""

import json  # noqa: E402
import traceback  # noqa: E402
from pathlib import Path  # noqa: E402

from ansible.module_utils.basic import AnsibleModule, missing_required_lib  # noqa: E402

try:
    from network.migration import sm3
    from network.migration.integrity import ManifestError, build_manifest
except ImportError:
    IMPORT_ERROR: str | None = traceback.format_exc()
else:
    IMPORT_ERROR = None


def main() -> None:
    """Entry point."""
    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "required": True},
            "dest": {"type": "path"},
            "algorithms": {
                "type": "list", "elements": "str", "default": ["sha256", "sm3"], "choices": ["sha256", "sm3"],
            },
        },
        supports_check_mode=True,
    )  # fmt: skip
    if IMPORT_ERROR is not None:
        module.fail_json(msg=missing_required_lib("egov-extranet"), exception=IMPORT_ERROR)
    algorithms = tuple(module.params["algorithms"])
    try:
        manifest = build_manifest(Path(module.params["path"]), algorithms)
    except ManifestError as problem:
        module.fail_json(msg=str(problem))
    result = {
        "files": manifest.files,
        "bytes": manifest.bytes,
        "sha256": manifest.digest("sha256"),
        "sm3": manifest.digest("sm3") if "sm3" in algorithms else "",
        "sm3_implementation": sm3.implementation(),
    }
    dest = module.params["dest"]
    changed = False
    if dest and not module.check_mode:
        target = Path(dest)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(manifest.to_json(), ensure_ascii=False, sort_keys=True)
        changed = not target.exists() or target.read_text(encoding="utf-8") != text
        target.write_text(text, encoding="utf-8")
    module.exit_json(changed=changed, dest=dest, **result)


if __name__ == "__main__":
    main()
