"""`siting schema --out` given a path whose ending names a folder (a closing slash, "." or
"..") is refused, naming the path as typed, with nothing written or made. Before: the closing
slash was dropped (`Path("so/zz.json/")` is `so/zz.json`) and a file `so/zz.json` written, and
`so/.` wrote a file named `so`. `solve --out` names a folder, so a closing slash is its own
business there; `schema --out` names a file."""
from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main


@pytest.mark.parametrize(("typed", "ending"), [("so/zz.json/", "a slash"), ("so/.", '"."'), ("so/..", '".."'),
                                               ("zz.json/", "a slash")])
def test_schema_out_ending_in_a_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str], typed: str, ending: str) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["schema", "--out", typed]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"error: 1 problem in the input:\n  - --out | must be the path of a file, and a path that ends in {ending} "
        f"names a folder (got {typed}); give the file's own name, e.g. --out scenario.schema.json\n")
    assert list(tmp_path.iterdir()) == []


def test_schema_out_ending_in_a_name_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """The same folder without the closing slash's ambiguity: the file is written there."""
    monkeypatch.chdir(tmp_path)
    assert main(["schema", "--out", "so/zz.json"]) == 0
    assert capsys.readouterr().out == f"scenario schema written to {tmp_path / 'so' / 'zz.json'}\n"
    assert (tmp_path / "so" / "zz.json").is_file()
