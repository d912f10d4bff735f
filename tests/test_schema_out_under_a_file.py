"""`siting schema --out` below a path that is a file, not a folder: the message says which file
stands in the way, as `solve --out` says it, not the system's "File exists"."""
from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main


@pytest.mark.parametrize("below", ["x.json", "sub/x.json"])
def test_schema_out_below_a_file_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str], below: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("mine\n", encoding="utf-8")
    assert main(["schema", "--out", f"afile/{below}"]) == 2
    assert capsys.readouterr().err == (
        "error: 1 problem in the input:\n  - --out | the file's folder cannot be created: afile is a file "
        f"(got afile/{below}); choose another folder\n")
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]
