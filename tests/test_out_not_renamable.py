"""An output folder this user may not rename or remove: another user's folder in a folder whose
sticky bit is set (/tmp), or one marked immutable. A run puts its outputs in place by renaming,
so the first is refused before the run (exit 2, nothing solved for nothing), and where the system
still refuses at the end (EPERM, EACCES) the folder is left as it was and the complete outputs
are kept beside it, as for a mount point. Before, `check` said the folder may be written and
`solve` ended, after solving, in a PermissionError traceback, the plan lost."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from siting.config.errors import OutputFolderError
from siting.deliver import folders
from siting.deliver.folders import destination_problems, sticky_allows, write_folder_atomically


@pytest.fixture
def sticky(tmp_path: Path) -> Path:
    """A folder with the sticky bit, as /tmp, holding an empty folder `theirs`."""
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    (shared / "theirs").mkdir(mode=0o777)
    return shared


def test_another_users_folder_in_a_sticky_folder_is_refused_before_the_run(
        sticky: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Seen as a user who owns neither the folder nor its parent: refused, naming why; a new folder
    beside it, which the user would own, may be written."""
    monkeypatch.setattr(os, "geteuid", lambda: os.stat(sticky).st_uid + 4242)
    target = sticky / "theirs"
    assert not sticky_allows(target)
    assert destination_problems(target, [], "--out") == [
        f"--out | the output folder cannot be replaced: it belongs to another user, and {sticky} lets only the "
        "owner of a folder rename or remove it (its sticky bit is set, as on /tmp), while a run puts its outputs in "
        f"place by renaming (got {target}); choose a folder of your own"
    ]
    assert destination_problems(sticky / "mine", [], "--out") == []


def test_the_owner_or_a_folder_without_the_sticky_bit_is_not_refused(
        sticky: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = sticky / "theirs"
    assert sticky_allows(target)  # this process made it
    os.chmod(sticky, 0o777)
    monkeypatch.setattr(os, "geteuid", lambda: os.stat(sticky).st_uid + 4242)
    assert sticky_allows(target)
    assert destination_problems(target, [], "--out") == []


@pytest.mark.parametrize("code", [errno.EPERM, errno.EACCES])
@pytest.mark.parametrize("earlier", [False, True])
def test_a_folder_the_user_may_not_rename_keeps_the_outputs_beside_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, earlier: bool) -> None:
    out = tmp_path / "imm"
    if earlier:
        write_folder_atomically(out, {"plan.csv": "old\n"})
    else:
        out.mkdir()
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*")}

    def refused(_destination: Path) -> None:
        raise OSError(code, os.strerror(code), str(out))

    monkeypatch.setattr(folders, "_moved_aside", refused)
    with pytest.raises(OutputFolderError) as caught:
        write_folder_atomically(out, {"plan.csv": "new\n"})
    kept = tmp_path / "imm.new"
    assert caught.value.kept == kept and caught.value.during_run
    assert caught.value.problems == [
        f'--out | the output folder cannot be replaced: the system says "{os.strerror(code)}" (got {out}); the '
        "system does not let this user rename or remove it (a folder of another user's in a folder whose sticky bit "
        "is set, or one marked immutable), and a run puts its outputs in place by renaming, so the complete outputs "
        f"of this run were kept in {kept} instead: use them there, or give a folder of your own, then run again"
    ]
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*")} == before
    assert (kept / "plan.csv").read_text() == "new\n" and folders.is_ours(kept)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["imm", "imm.new"]
