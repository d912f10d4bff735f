"""`siting schema --out` into folders it makes: a write that fails leaves no folder it made
behind, as it leaves no file (outputs complete or none)."""
from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from siting.cli import main


def test_schema_out_failing_write_leaves_no_new_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    (tmp_path / "kept").mkdir()
    monkeypatch.setattr("siting.api.os.replace", full)
    assert main(["schema", "--out", str(tmp_path / "kept" / "new" / "deeper" / "x.json")]) == 2
    assert "cannot write the file: No space left on device" in capsys.readouterr().err
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["kept"]
