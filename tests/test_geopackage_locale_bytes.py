"""The GeoPackage is the same file, byte for byte, whatever the locale the tool runs in: under a
Turkish locale (whose dotless i changes how the C library folds the case of option names) GDAL
wrote the same tables with another file-change counter in the SQLite header, so plan.gpkg and
every SHA-256 that lists it differed from a run under C."""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

WRITE = textwrap.dedent("""
    import sys
    from pathlib import Path
    import geopandas as gpd
    import shapely
    from siting.deliver.geopackage import write_geopackage
    from siting.deliver.layer import OutputLayer
    frame = gpd.GeoDataFrame({"id": ["a", "b"]}, geometry=[shapely.Point(102.7, 25.0), shapely.Point(102.5, 24.3)],
                             crs=4326)
    layer = OutputLayer("sites", "Sites", frame, (("id", "string"),), "Point")
    write_geopackage(Path(sys.argv[1]), [layer], {"sites": "<qgis/>"})
""")


def turkish_locale(folder: Path) -> dict[str, str] | None:
    """Environment variables that select a Turkish UTF-8 locale (compiled into `folder` when the
    system has its source but not the locale itself); None when neither is there."""
    probe = [sys.executable, "-c", "import locale; locale.setlocale(locale.LC_ALL, '')"]
    env = {**os.environ, "LC_ALL": "tr_TR.UTF-8"}
    if subprocess.run(probe, env=env, capture_output=True).returncode == 0:
        return {"LC_ALL": "tr_TR.UTF-8"}
    if shutil.which("localedef") is None or not Path("/usr/share/i18n/locales/tr_TR").exists():
        return None
    made = subprocess.run(["localedef", "-i", "tr_TR", "-f", "UTF-8", str(folder / "tr_TR.UTF-8")],
                          capture_output=True)
    env = {**env, "LOCPATH": str(folder)}
    if made.returncode not in (0, 1) or subprocess.run(probe, env=env, capture_output=True).returncode != 0:
        return None
    return {"LC_ALL": "tr_TR.UTF-8", "LOCPATH": str(folder)}


def written(path: Path, locale_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("LANG", "LANGUAGE", "LOCPATH")
           and not key.startswith("LC_")}
    env.update(locale_env)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-c", WRITE, str(path)], env=env, capture_output=True, text=True,
                          check=True)


def test_geopackage_same_bytes_under_a_turkish_locale(tmp_path: Path) -> None:
    turkish = turkish_locale(tmp_path)
    if turkish is None:
        pytest.skip("no Turkish UTF-8 locale on this system, nor localedef to make one")
    written(tmp_path / "c.gpkg", {"LC_ALL": "C"})
    run = written(tmp_path / "tr.gpkg", turkish)
    assert (tmp_path / "tr.gpkg").read_bytes() == (tmp_path / "c.gpkg").read_bytes()
    assert "does not support" not in run.stderr
