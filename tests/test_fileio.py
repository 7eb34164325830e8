"""Loading untrusted files: YAML 1.1 surprises, aliases, tags, duplicate keys, encodings and size."""
from pathlib import Path

import pytest

from ehcp_docs import fileio
from ehcp_docs.errors import InputError


def load(text: str, name: str = "f.yaml"):
    return fileio.parse_text(text, name)


@pytest.mark.parametrize("text,expected", [
    ("a: NO", "NO"), ("a: yes", "yes"), ("a: 12:30", "12:30"), ("a: 0123", "0123"),
    ("a: 2015-03-02", "2015-03-02"), ("a: 1.5", "1.5"), ("a: 12", 12), ("a: true", True),
    ("a: false", False), ("a: ~", None), ("a:", None), ("a: 'true'", "true"), ("a: '12'", "12"),
    ("a: .inf", ".inf"), ("a: 0x1F", "0x1F"),
])
def test_scalars_keep_the_text_written(text, expected):
    assert load(text) == {"a": expected}


@pytest.mark.parametrize("text,fragment", [
    ("a: &x 1\nb: *x", "anchors and aliases"),
    ("a: !!python/object/apply:os.system ['ls']", "tag"),
    ("a: !!binary aGVsbG8=", "tag"),
    ("a: 1\na: 2", "appears twice"),
    ("a: [1, 2", "not valid YAML"),
    ("---\na: 1\n---\nb: 2", "more than one YAML document"),
    ("? [a, b]\n: 1", "key must be plain text"),
])
def test_refused_yaml(text, fragment):
    with pytest.raises(InputError) as e:
        load(text)
    assert fragment in e.value.message
    assert e.value.message.startswith("f.yaml: ")


def test_alias_bomb_is_refused_before_it_can_explode():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8))
    with pytest.raises(InputError, match="anchors and aliases"):
        load(bomb)


def test_deep_nesting_is_refused_without_recursion_error():
    with pytest.raises(InputError, match="nested more than"):
        load("a: " + "[" * 100 + "]" * 100)
    with pytest.raises(InputError, match="nesting depth"):
        load("a: " + "[" * 5000 + "]" * 5000)
    with pytest.raises(InputError, match="nested"):
        fileio.parse_text("[" * 100000 + "]" * 100000, "f.json", json_only=True)


def test_json_duplicate_keys_and_constants():
    with pytest.raises(InputError, match="appears twice"):
        fileio.parse_text('{"a": 1, "a": 2}', "f.json", json_only=True)
    with pytest.raises(InputError, match="NaN"):
        fileio.parse_text('{"a": NaN}', "f.json", json_only=True)
    assert fileio.parse_text('{"a": 1.50}', "f.json", json_only=True) == {"a": "1.50"}


def test_encodings(tmp_path: Path):
    (tmp_path / "bom.yaml").write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert fileio.load_document(tmp_path / "bom.yaml") == {"a": 1}
    (tmp_path / "u16.yaml").write_bytes("a: 1".encode("utf-16"))
    with pytest.raises(InputError, match="UTF-16"):
        fileio.load_document(tmp_path / "u16.yaml")
    (tmp_path / "latin.yaml").write_bytes("a: Zo\xeb".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        fileio.load_document(tmp_path / "latin.yaml")
    (tmp_path / "ctrl.yaml").write_bytes(b"a: x\x07y\n")
    with pytest.raises(InputError, match="control character"):
        fileio.load_document(tmp_path / "ctrl.yaml")


def test_size_cap_and_links(tmp_path: Path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * (fileio.MAX_FILE_BYTES + 10))
    with pytest.raises(InputError, match="over the limit"):
        fileio.load_document(big)
    link = tmp_path / "link.yaml"
    link.symlink_to(big)
    with pytest.raises(InputError, match="symbolic link"):
        fileio.load_document(link)
    with pytest.raises(InputError, match="not found"):
        fileio.load_document(tmp_path / "missing.yaml")


def test_dump_round_trips_through_the_loader():
    value = {"a": "NO", "b": "0123", "c": "2026-01-01", "d": 5, "e": True, "f": None, "g": ["x: y", "&z"],
             "h": "Zoë & <b>"}
    assert load(fileio.dump_yaml(value)) == value


def test_atomic_write_leaves_no_temp_files(tmp_path: Path):
    target = tmp_path / "d" / "f.txt"
    fileio.atomic_write(target, b"one")
    fileio.atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["f.txt"]
    assert target.stat().st_mode & 0o777 == 0o600
