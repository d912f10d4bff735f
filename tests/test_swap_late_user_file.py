"""A file put into an output folder after the last check and before the folder is replaced (the
moment the run writes its marker and renames) is never deleted: the folder replaced is removed
only as far as siting wrote it (docs/USAGE.md: "a file you put into it since is never deleted"; the
`.siting-old.*` folder keeps it, named on standard error, as a stopped run's leftovers are)."""

from pathlib import Path

import pytest

from siting.deliver import folders


def marked_folder(path: Path, text: str) -> Path:
    path.mkdir()
    (path / "report.md").write_text(text, encoding="utf-8")
    folders.write_marker(path, ["report.md"])
    return path


def test_a_file_put_into_the_folder_as_it_is_replaced_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    out = marked_folder(tmp_path / "out", "earlier run")
    staging = tmp_path / ".out.siting-staging.1.abc"
    staging.mkdir()
    (staging / "report.md").write_text("this run", encoding="utf-8")
    marking = folders.write_marker

    def marked_then_user_writes(folder: Path, entries=()) -> None:
        marking(folder, entries)
        if folder == staging:  # after the last check, before the renames
            (out / "mine.txt").write_text("the user's", encoding="utf-8")

    monkeypatch.setattr(folders, "write_marker", marked_then_user_writes)
    folders.forget_completed()
    folders.swap_into_place(staging, out)
    assert (out / "report.md").read_text(encoding="utf-8") == "this run"
    kept = sorted(tmp_path.rglob("mine.txt"))
    assert [p.read_text(encoding="utf-8") for p in kept] == ["the user's"]
    (left,) = folders.left_behind()
    assert "mine.txt" in left and kept[0].parent.name in left
    assert not (kept[0].parent / "report.md").exists()  # siting's own file of the old folder went


def test_a_folder_replaced_without_strangers_is_removed_whole(tmp_path: Path):
    out = marked_folder(tmp_path / "out", "earlier run")
    staging = tmp_path / ".out.siting-staging.1.abc"
    staging.mkdir()
    (staging / "report.md").write_text("this run", encoding="utf-8")
    folders.forget_completed()
    folders.swap_into_place(staging, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert folders.left_behind() == []


def test_a_file_put_into_an_empty_folder_as_it_is_replaced_keeps_both(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch):
    out = tmp_path / "out"
    out.mkdir()
    staging = tmp_path / ".out.siting-staging.1.abc"
    staging.mkdir()
    (staging / "report.md").write_text("this run", encoding="utf-8")
    marking = folders.write_marker

    def marked_then_user_writes(folder: Path, entries=()) -> None:
        marking(folder, entries)
        if folder == staging:
            (out / "mine.txt").write_text("the user's", encoding="utf-8")

    monkeypatch.setattr(folders, "write_marker", marked_then_user_writes)
    folders.forget_completed()
    with pytest.raises(folders.OutputFolderError) as raised:
        folders.swap_into_place(staging, out)
    assert raised.value.kept == tmp_path / "out.new"
    assert "changed during the run" in str(raised.value) and "mine.txt" in str(raised.value)
    assert (out / "mine.txt").read_text(encoding="utf-8") == "the user's"
    assert (tmp_path / "out.new" / "report.md").read_text(encoding="utf-8") == "this run"
