"""The model formulation is the top-level package `models` installed beside `siting`. A user's
`models.py` or `models/` in the current folder comes first on an interactive Python's path and
took its place: `siting.load` then failed deep inside with "cannot import name 'ModelInputs'".
`import siting` now says at once what shadows it and what to do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import siting

OWN = Path(siting.__file__).resolve().parent.parent / "models"


def imported_in(folder: Path, code: str = "import siting") -> subprocess.CompletedProcess[str]:
    # `-c` puts the current folder first on the path, as an interactive Python and a notebook do
    return subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True, text=True, timeout=120,
                          check=False)


def test_a_models_py_in_the_current_folder_is_named(tmp_path: Path) -> None:
    (tmp_path / "models.py").write_text("X = 1\n", encoding="utf-8")
    done = imported_in(tmp_path)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines()[-1] == (
        f"ImportError: siting cannot import its model formulation: the name 'models' is taken by "
        f"{tmp_path.resolve() / 'models.py'}, first on Python's path (the current folder comes first in an "
        f"interactive Python or a notebook), in the place of siting's own package {OWN}. Rename that file or "
        "folder (or run from another folder), then start Python again.")


def test_a_models_module_imported_first_is_named(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "models.py").write_text("X = 1\n", encoding="utf-8")
    done = imported_in(tmp_path, "import sys; sys.path.insert(0, 'mine'); import models; sys.path.pop(0); "
                                 "import siting")
    assert done.returncode != 0
    assert "the name 'models' is taken by" in done.stderr and "mine/models.py, imported already" in done.stderr


def test_siting_s_own_models_package_imports(tmp_path: Path) -> None:
    done = imported_in(tmp_path, "import siting, models; print(siting.load.__name__, models.__file__)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["load", str(OWN / "__init__.py")]
