"""An output folder that is a mount point: a run puts its outputs in place by renaming folders,
which the system refuses for a mount point (EBUSY). It is refused before the run, also where it
is a folder bind-mounted on the same disk (which `os.path.ismount` cannot tell: the mount table
names it); and where the system still refuses the rename at the end, the folder is left as it
was and the complete outputs are kept beside it, never lost, with no temporary left behind."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from siting.config.errors import OutputFolderError
from siting.deliver import folders
from siting.deliver.folders import mount_points, write_folder_atomically

REPO = Path(__file__).resolve().parent.parent
SMALL = REPO / "tests" / "data" / "small" / "scenario.yaml"

MOUNTINFO = (
    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "36 22 8:1 /srv/data /mnt/out rw,relatime shared:2 - ext4 /dev/sda1 rw\n"
    "37 22 0:5 / /mnt/my\\040runs\\011tab rw - tmpfs tmpfs rw\n"
    "38 22 0:6 / /mnt/back\\134slash rw - tmpfs tmpfs rw\n"
    "short line\n"
)


def test_the_mount_table_gives_its_mount_points_with_escapes_decoded() -> None:
    assert mount_points(MOUNTINFO) == {"/", "/mnt/out", "/mnt/my runs\ttab", "/mnt/back\\slash"}


def test_a_folder_the_mount_table_names_is_refused_before_the_run(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    volume = tmp_path / "vol"
    volume.mkdir()
    beside = tmp_path / "other"
    beside.mkdir()
    table = tmp_path / "mountinfo"
    table.write_text(f"22 1 8:1 / / rw - ext4 /dev/sda1 rw\n36 22 8:1 /x {volume} rw - ext4 /dev/sda1 rw\n")
    monkeypatch.setattr(folders, "MOUNTINFO", table)
    assert folders.destination_problems(volume, [], "--out") == [
        f"--out | the output folder is a mount point (a mounted volume or share), which a run cannot replace as a "
        f"whole: it writes its outputs beside the folder and renames them into place (got {volume}); give a folder "
        f"inside it, e.g. {volume / 'plan'}"
    ]
    assert folders.destination_problems(beside, [], "--out") == []
    assert folders.destination_problems(volume / "plan", [], "--out") == []


@pytest.mark.parametrize("earlier", [False, True])
def test_a_folder_the_system_will_not_rename_keeps_the_outputs_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, earlier: bool
) -> None:
    out = tmp_path / "vol"
    if earlier:
        write_folder_atomically(out, {"plan.csv": "old\n"})
    else:
        out.mkdir()
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*")}

    def busy(_destination: Path) -> None:
        raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), str(out))

    monkeypatch.setattr(folders, "_moved_aside", busy)
    with pytest.raises(OutputFolderError) as caught:
        write_folder_atomically(out, {"plan.csv": "new\n"})
    kept = tmp_path / "vol.new"
    assert caught.value.kept == kept and caught.value.during_run
    assert caught.value.problems == [
        f'--out | the output folder cannot be replaced: the system says "{os.strerror(errno.EBUSY)}" (got {out}); a '
        "mount point (a mounted volume or share) or a folder another program holds cannot be renamed or removed, "
        f"and a run puts its outputs in place by renaming, so the complete outputs of this run were kept in {kept} "
        f"instead: use them there, or give a folder inside it, e.g. {out / 'plan'}, then run again"
    ]
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*")} == before
    assert (kept / "plan.csv").read_text() == "new\n" and folders.is_ours(kept)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vol", "vol.new"]


def _bind_mounts() -> bool:
    """Whether this process may make a private mount namespace and bind-mount in it (root, or
    a user namespace the system allows)."""
    if shutil.which("unshare") is None or sys.platform != "linux":
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount --bind / / 2>/dev/null || exit 3"],
                           capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not _bind_mounts(), reason="needs a private mount namespace (unshare -m) and bind mounts")
def test_solve_into_a_folder_bind_mounted_onto_itself_exits_2_before_the_run(tmp_path: Path) -> None:
    volume = tmp_path / "vol"
    volume.mkdir()
    command = (f"mount --bind {volume} {volume} && exec {sys.executable} {REPO / 'cli.py'} solve {SMALL} "
               f"--out {volume}")
    done = subprocess.run(["unshare", "-m", "sh", "-c", command], capture_output=True, text=True, check=False,
                          cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr == (
        "error: 1 problem with the output folder:\n  - --out | the output folder is a mount point (a mounted volume "
        "or share), which a run cannot replace as a whole: it writes its outputs beside the folder and renames them "
        f"into place (got {volume}); give a folder inside it, e.g. {volume / 'plan'}\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vol"]
    assert list(volume.iterdir()) == []
