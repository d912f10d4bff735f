"""The source digest a Dask worker is checked by (siting/runs/pool.py `source_check`) walks no
__pycache__ folder: what Python caches there is no part of the version."""

import sys

from siting.runs.pool import source_check


def test_a_pycache_folder_is_not_walked(tmp_path, monkeypatch):
    package = tmp_path / "fakepkg_digest"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("x = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    digest = source_check()
    before = digest(("fakepkg_digest",))
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "stray.py").write_text("y = 2\n")
    assert digest(("fakepkg_digest",)) == before
    (package / "sub" / "more.py").write_text("z = 3\n")  # a source file does count
    assert digest(("fakepkg_digest",)) != before
    sys.modules.pop("fakepkg_digest", None)
