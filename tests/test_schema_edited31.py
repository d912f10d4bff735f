"""`siting schema --out` replaces a schema file only while nobody has edited it: the file's
`$comment` ends with the SHA-256 of the text written (with those 64 digits as zeros), and a file
whose bytes no longer give it, or that records none, is left as it is (siting/api.py
`schema_file_state`)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from test_progress import run_cli

from siting.api import SCHEMA_DIGEST_WORDS, scenario_schema_text, schema_file_state, write_scenario_schema
from siting.config.errors import InputError


def test_the_text_records_its_own_sha256() -> None:
    """The digest is the SHA-256 of the very text with the digest's 64 digits as zeros."""
    text = scenario_schema_text()
    comment = json.loads(text)["$comment"]
    digest = comment.split(SCHEMA_DIGEST_WORDS)[1]
    zeroed = text.replace(digest, "0" * 64, 1)
    assert hashlib.sha256(zeroed.encode("utf-8")).hexdigest() == digest


def test_an_unedited_schema_file_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "s.schema.json"
    write_scenario_schema(target)
    assert schema_file_state(target) == "unedited"
    write_scenario_schema(target, of="catalog")
    assert target.read_text(encoding="utf-8") == scenario_schema_text(of="catalog")


def test_an_edited_schema_file_is_left_as_it_is(tmp_path: Path) -> None:
    """A description added to a schema file siting wrote: refused, the file byte for byte as edited."""
    target = tmp_path / "my.schema.json"
    write_scenario_schema(target)
    data = json.loads(target.read_text(encoding="utf-8"))
    data["description"] = "MY EDITED NOTE"
    edited = json.dumps(data, indent=2) + "\n"
    target.write_text(edited, encoding="utf-8")
    assert schema_file_state(target) == "edited"
    with pytest.raises(InputError) as caught:
        write_scenario_schema(target)
    assert caught.value.problems == [
        f"--out | the file was written by `siting schema` but has been edited since, or was written by a siting "
        f"that did not record its SHA-256 (got {target}); it is left as it is: choose another file name, or move "
        "that file away first"]
    assert target.read_text(encoding="utf-8") == edited


def test_a_schema_file_without_a_recorded_sha256_is_left_as_it_is(tmp_path: Path) -> None:
    """The `$comment` says siting wrote it but records no SHA-256 (nothing tells an edit): refused."""
    target = tmp_path / "old.schema.json"
    text = scenario_schema_text()
    digest = json.loads(text)["$comment"].split(SCHEMA_DIGEST_WORDS)[1]
    old = text.replace(SCHEMA_DIGEST_WORDS + digest, "", 1)
    target.write_text(old, encoding="utf-8")
    assert schema_file_state(target) == "edited"
    with pytest.raises(InputError):
        write_scenario_schema(target)
    assert target.read_text(encoding="utf-8") == old


def test_the_command_line_refuses_an_edited_schema_file(tmp_path: Path) -> None:
    target = tmp_path / "my.schema.json"
    assert run_cli("schema", "--out", str(target)).returncode == 0
    edited = target.read_text(encoding="utf-8").replace('"title"', '"title_mine"', 1)
    target.write_text(edited, encoding="utf-8")
    result = run_cli("schema", "--out", str(target))
    assert result.returncode == 2 and "has been edited since" in result.stderr and "Traceback" not in result.stderr
    assert target.read_text(encoding="utf-8") == edited


def test_a_symbolic_link_is_kept_and_its_file_written(tmp_path: Path) -> None:
    """--out names a link to a schema file siting wrote: the file is replaced, the link stays a link;
    a link to nothing is refused, left as it is."""
    real = tmp_path / "schemas" / "s.schema.json"
    write_scenario_schema(real)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_scenario_schema(link, of="catalog")
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.read_text(encoding="utf-8") == scenario_schema_text(of="catalog")
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "nowhere.json")
    with pytest.raises(InputError) as caught:
        write_scenario_schema(dangling)
    assert caught.value.problems == [f"--out | is a symbolic link to a file that is not there (got {dangling}); "
                                     "choose another file name, or mend the link"]
    assert dangling.is_symlink() and not (tmp_path / "nowhere.json").exists()
