"""`siting schema --out` below a symbolic link that points to nothing: the message names the link
and where it points, as `solve --out` names a broken link, not the system's "File exists"; nothing
is written or made."""
from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main


@pytest.mark.parametrize("below", ["x.json", "sub/x.json"])
def test_schema_out_below_a_broken_link_names_the_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str], below: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gone").symlink_to("nowhere")
    assert main(["schema", "--out", f"gone/{below}"]) == 2
    assert capsys.readouterr().err == (
        "error: 1 problem in the input:\n  - --out | the file's folder cannot be created: gone is a broken symbolic "
        f"link: it points to 'nowhere', which does not exist (got gone/{below}); point the link to a folder, or "
        "choose another folder\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gone"]
    assert (tmp_path / "gone").is_symlink()
