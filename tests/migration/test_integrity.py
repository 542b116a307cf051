"""SM3 and the manifests: the standard's vectors, the fallback against OpenSSL, every kind of difference."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from network.migration import sm3
from network.migration.integrity import Manifest, ManifestError, build_manifest, compare, hash_file

# GB/T 32905-2016, appendix A: "abc" and "abcd" repeated 16 times.
VECTORS = [
    (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
    (b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),
]


@pytest.mark.parametrize(("data", "digest"), VECTORS)
def test_sm3_standard_vectors_pure_python(data: bytes, digest: str) -> None:
    assert sm3.SM3(data).hexdigest() == digest


@pytest.mark.parametrize(("data", "digest"), VECTORS)
def test_sm3_standard_vectors_through_new(data: bytes, digest: str) -> None:
    assert sm3.new(data).hexdigest() == digest


@pytest.mark.skipif(not sm3.openssl_has_sm3(), reason="this OpenSSL has no SM3")
@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300), st.integers(min_value=0, max_value=300))
def test_the_fallback_agrees_with_openssl_at_any_split(data: bytes, cut: int) -> None:
    ours = sm3.SM3()
    ours.update(data[:cut])
    copy = ours.copy()
    ours.update(data[cut:])
    copy.update(data[cut:])
    expected = hashlib.new("sm3", data).hexdigest()
    assert ours.hexdigest() == expected == copy.hexdigest()


def _tree(root: Path) -> Path:
    (root / "a" / "b").mkdir(parents=True)
    (root / "empty").mkdir()
    (root / "index.html").write_text("<h1>政务</h1>\n", encoding="utf-8")
    (root / "a" / "one.bin").write_bytes(os.urandom(3000))
    (root / "a" / "b" / "two.bin").write_bytes(os.urandom(2 * 1024 * 1024 + 7))  # more than one chunk
    (root / "link").symlink_to("a/one.bin")
    return root


def test_a_manifest_lists_files_dirs_and_links_with_both_digests(tmp_path: Path) -> None:
    root = _tree(tmp_path / "t")
    manifest = build_manifest(root)
    assert set(manifest.entries) == {"a", "a/b", "empty", "index.html", "a/one.bin", "a/b/two.bin", "link"}
    big = manifest.entries["a/b/two.bin"]
    data = (root / "a" / "b" / "two.bin").read_bytes()
    assert big.digests == {"sha256": hashlib.sha256(data).hexdigest(), "sm3": sm3.new(data).hexdigest()}
    assert manifest.entries["link"].target == "a/one.bin" and manifest.entries["link"].kind == "link"
    assert manifest.entries["empty"].kind == "dir"
    assert manifest.files == 3 and manifest.bytes == sum(
        len(p.read_bytes()) for p in root.rglob("*.*") if p.is_file() and not p.is_symlink()
    )


def test_the_manifest_digest_is_stable_and_survives_json(tmp_path: Path) -> None:
    root = _tree(tmp_path / "t")
    first, second = build_manifest(root, workers=1), build_manifest(root, workers=4)
    assert first.digest() == second.digest() and first.digest("sm3") == second.digest("sm3")
    again = Manifest.from_json(json.loads(json.dumps(first.to_json())))
    assert again.digest() == first.digest() and compare(first, again).equal


def test_a_copy_is_identical(tmp_path: Path) -> None:
    source = _tree(tmp_path / "s")
    target = tmp_path / "t"
    shutil.copytree(source, target, symlinks=True)
    diff = compare(build_manifest(source), build_manifest(target))
    assert diff.equal and diff.summary() == "identical"


@pytest.mark.parametrize("damage", ["flip", "truncate", "remove", "add", "mode", "relink"])
def test_every_kind_of_damage_is_found(tmp_path: Path, damage: str) -> None:
    source = _tree(tmp_path / "s")
    target = tmp_path / "t"
    shutil.copytree(source, target, symlinks=True)
    victim = target / "a" / "b" / "two.bin"
    if damage == "flip":
        data = bytearray(victim.read_bytes())
        data[1_500_000] ^= 0x01
        victim.write_bytes(bytes(data))
    elif damage == "truncate":
        victim.write_bytes(victim.read_bytes()[:-1])
    elif damage == "remove":
        victim.unlink()
    elif damage == "add":
        (target / "a" / "extra.txt").write_text("x")
    elif damage == "mode":
        victim.chmod(0o600)
    elif damage == "relink":
        (target / "link").unlink()
        (target / "link").symlink_to("index.html")
    diff = compare(build_manifest(source), build_manifest(target))
    assert not diff.equal
    expected = {
        "flip": ("changed", "a/b/two.bin (sha256, sm3)"),
        "truncate": ("changed", "a/b/two.bin (size, sha256, sm3)"),
        "remove": ("missing", "a/b/two.bin"),
        "add": ("extra", "a/extra.txt"),
        "mode": ("changed", "a/b/two.bin (mode)"),
        "relink": ("changed", "link (target)"),
    }[damage]
    assert f"1 {expected[0]}: {expected[1]}" in diff.summary()


def test_hash_file_matches_sha256sum_semantics(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"")
    assert hash_file(str(path), ("sha256",)) == {"sha256": hashlib.sha256(b"").hexdigest()}


def test_unreadable_trees_are_named(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="not a directory"):
        build_manifest(tmp_path / "nope")
    with pytest.raises(ValueError, match="unknown algorithm"):
        build_manifest(tmp_path, ("md5",))
