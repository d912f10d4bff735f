"""`siting schema --out` with `..` after folders that are not there (`n1/../x.json`) writes the
file where the path leads and makes no folder it does not need: before, `n1/` was made to step
out of, and left behind empty. Folders that exist are kept as they are, and the `..` after them
left to the system (through a link too)."""
from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main


def tree(folder: Path) -> list[str]:
    """Every file and folder under `folder`, as POSIX paths relative to it, sorted."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@pytest.mark.parametrize(("typed", "written"), [("n1/../x.json", "x.json"), ("n1/n2/../../x.json", "x.json"),
                                                 ("n1/n2/../x.json", "n1/x.json"),
                                                 ("kept/n1/../../x.json", "x.json"),
                                                 ("kept/../n1/../x.json", "x.json")])
def test_schema_out_makes_no_folder_it_steps_out_of(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str], typed: str,
                                                    written: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kept").mkdir()
    assert main(["schema", "--out", typed]) == 0
    assert capsys.readouterr().out == f"scenario schema written to {tmp_path / written}\n"
    folders = [written.rsplit("/", 1)[0]] if "/" in written else []
    assert tree(tmp_path) == sorted(["kept", written, *folders])


def test_schema_out_steps_out_of_an_existing_link_as_the_system_does(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """`link/../x.json`, `link` a link to `real/sub`: `..` is `real`, the link's target's parent."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "real" / "sub").mkdir(parents=True)
    (tmp_path / "link").symlink_to("real/sub")
    assert main(["schema", "--out", "link/../n1/../x.json"]) == 0
    assert tree(tmp_path) == ["link", "real", "real/sub", "real/x.json"]
