"""A path given as a URL (https://, s3://, GDAL's /vsicurl/ and the like) is refused as one, with
the path as typed, the file and line or the `--set` that gave it and its key: the tool reads local
files only, and a Path would have made `https://host/x` into `https:/host/x`, a file not found."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.config.urls import is_url
from tests.conftest import edit, run_bad

URL_FIX = "URLs are not read; download the file and give its local path"


def test_a_layer_url_given_with_set_is_refused_as_typed(folder: Path, capsys):
    """`--set layers.sites.path=https://...` names the URL whole (not `https:/...`) and says it is
    not read, before any layer is looked at."""
    from siting.cli import main

    out = folder / "run"
    code = main(["solve", str(folder / "scenario.yaml"), "--out", str(out),
                 "--set", "layers.sites.path=https://example.com/x.geojson"])
    err = capsys.readouterr().err.replace(str(folder) + "/", "")
    assert code == 2, err
    assert "Traceback" not in err and not out.exists()
    assert err == ("error: 1 problem in the input:\n"
                   "  - scenario.yaml: --set layers.sites.path | is a URL (got 'https://example.com/x.geojson'): "
                   f"{URL_FIX}\n")


@pytest.mark.parametrize("key, url", [("catalog", "s3://bucket/catalog.yaml"),
                                      ("committed_projects", "https://example.com/committed.yaml"),
                                      ("layers.redline.path", "/vsicurl/https://example.com/redline.geojson"),
                                      ("layers.sources", "{path: 'HTTP://example.com/s.gpkg', layer: sources}")])
def test_every_path_given_with_set_is_refused_when_a_url(folder: Path, capsys, key: str, url: str):
    """The catalog, the committed projects, a layer (also through GDAL's /vsicurl/, and inside a
    mapping given for the layer) given as a URL with `--set` are each refused so."""
    from siting.cli import main

    code = main(["check", str(folder / "scenario.yaml"), "--set", f"{key}={url}"])
    err = capsys.readouterr().err.replace(str(folder) + "/", "")
    assert code == 2, err
    typed = url if not url.startswith("{") else "HTTP://example.com/s.gpkg"
    shown_key = key if not url.startswith("{") else f"{key}.path"
    assert f"  - scenario.yaml: --set {shown_key} | is a URL (got '{typed}'): {URL_FIX}\n" in err, err
    assert "https:/e" not in err and "not found" not in err and "no such file" not in err


def test_urls_in_a_scenario_file_are_refused_at_their_lines(folder: Path, capsys):
    """A layer, the catalog and the committed projects written as URLs in the scenario are named
    at their lines, together; the output folder as a URL is told that outputs go to a local folder."""
    scenario = folder / "scenario.yaml"
    edit(scenario, "sites: {path: sites.geojson}", "sites: {path: 'https://example.com/sites.geojson'}")
    edit(scenario, "catalog: catalog.yaml", "catalog: /vsis3/bucket/catalog.yaml")
    edit(scenario, "committed_projects: committed_projects.yaml", "committed_projects: s3://bucket/committed.yaml")
    edit(scenario, "folder: out", "folder: https://example.com/out")
    message = run_bad(folder, capsys)
    assert message.startswith("error: 4 problems in the input:\n"), message
    assert f"  - scenario.yaml:4: catalog | is a URL (got '/vsis3/bucket/catalog.yaml'): {URL_FIX}\n" in message
    assert (f"  - scenario.yaml:8: layers.sites.path | is a URL (got 'https://example.com/sites.geojson'): "
            f"{URL_FIX}\n") in message
    assert ("  - scenario.yaml:36: output.folder | is a URL (got 'https://example.com/out'): the outputs are "
            "written to a local folder only; give a local folder's path\n") in message
    assert (f"  - scenario.yaml:37: committed_projects | is a URL (got 's3://bucket/committed.yaml'): "
            f"{URL_FIX}\n") in message


def test_a_url_in_extends_or_in_a_base_is_refused_as_written(folder: Path, capsys):
    """`extends:` a URL is refused at its line; a base's layer given as a URL, extended from another
    folder, is named as its base writes it, not rebased onto the extending file's folder."""
    from siting.cli import main

    (folder / "child.yaml").write_text("extends: https://example.com/base.yaml\nname: child\n")
    code = main(["check", str(folder / "child.yaml")])
    err = capsys.readouterr().err.replace(str(folder) + "/", "")
    assert code == 2, err
    assert err == ("error: 1 problem in the input:\n"
                   f"  - child.yaml:1: extends | is a URL (got 'https://example.com/base.yaml'): {URL_FIX}\n")

    edit(folder / "scenario.yaml", "sites: {path: sites.geojson}", "sites: {path: 'https://example.com/x.geojson'}")
    (folder / "sub").mkdir()
    (folder / "sub" / "child.yaml").write_text("extends: ../scenario.yaml\nname: child\n")
    code = main(["check", str(folder / "sub" / "child.yaml")])
    err = capsys.readouterr().err.replace(str(folder) + "/", "")
    assert code == 2, err
    assert (f"  - scenario.yaml:8: layers.sites.path | is a URL (got 'https://example.com/x.geojson'): "
            f"{URL_FIX}\n") in err, err


@pytest.mark.parametrize("text, url", [
    ("https://example.com/x.geojson", True), ("s3://bucket/x.gpkg", True), ("file:///data/x.geojson", True),
    ("/vsicurl/https://example.com/x.geojson", True), ("/vsizip//vsicurl/https://e.com/x.zip/a.shp", True),
    ("/vsis3/bucket/x.gpkg", True), ("/vsigs_streaming/b/x.gpkg", True), ("/vsicurl?url=https%3A%2F%2Fe.com", True),
    ("geodata/yunnan/sites.geojson", False), ("/data/https/x.geojson", False), ("C:/data/x.geojson", False),
    ("/vsizip/local.zip/x.shp", False), ("~/data/x.gpkg", False), ("my:file.geojson", False),
    ("/vsizip/https://e.com/x.zip/a.shp", True), ("/vsitar/http://e.com/x.tar/a.shp", True),
    ("/vsigzip/s3://bucket/x.gpkg.gz", True), ("/vsizip/{HTTPS://e.com/a.zip}/x.shp", True),
    ("/vsizip//vsitar/gs://b/x.tar/a.shp", True), ("/vsizip/file:///data/x.zip/a.shp", True),
    ("/vsizip/{/data/a.zip}/x.shp", False), ("/data/vsizip/x.zip", False), ("/vsimem/x.gpkg", False)])
def test_what_is_a_url(text: str, url: bool):
    """URLs of any scheme and GDAL's network file systems are URLs; local paths (a Windows drive,
    a local zip through /vsizip/, a colon in a name) are not."""
    assert is_url(text) is url


def test_a_file_url_is_told_the_local_path_it_names(folder: Path, capsys):
    """A `file://` URL of a local file, in the scenario (a layer, the catalog), its `extends:` or as
    the scenario's own path, is refused with the local path it names to give instead, not told to
    download a file that is already here."""
    from siting.cli import main

    scenario = folder / "scenario.yaml"
    edit(scenario, "sites: {path: sites.geojson}", f"sites: {{path: 'file://{folder}/sites.geojson'}}")
    edit(scenario, "catalog: catalog.yaml", f"catalog: FILE://localhost{folder}/my%20catalog.yaml")
    message = run_bad(folder, capsys)
    assert "download" not in message, message
    assert ("  - scenario.yaml:4: catalog | is a file URL (got 'FILE://localhostmy%20catalog.yaml'): a path is not "
            "read as a URL; give the local path it names, 'my catalog.yaml'\n") in message, message
    assert ("  - scenario.yaml:8: layers.sites.path | is a file URL (got 'file://sites.geojson'): a path is not read "
            "as a URL; give the local path it names, 'sites.geojson'\n") in message, message

    (folder / "child.yaml").write_text(f"extends: file://{folder}/scenario.yaml\nname: child\n")
    code = main(["check", str(folder / "child.yaml")])
    err = capsys.readouterr().err.replace(str(folder) + "/", "")
    assert code == 2, err
    assert err == ("error: 1 problem in the input:\n  - child.yaml:1: extends | is a file URL (got "
                   "'file://scenario.yaml'): a path is not read as a URL; give the local path it names, "
                   "'scenario.yaml'\n"), err
    for command in (["check", f"file://{folder}/child.yaml"], ["compare", f"file://{folder}/child.yaml", "x.yaml"],
                    ["check", str(folder / "child.yaml"), "--out", f"file://{folder}/out"]):
        code = main(command)
        err = capsys.readouterr().err.replace(str(folder) + "/", "")
        assert code == 2, err
        assert "download" not in err and "a path is not read as a URL; give the local path it names, '" in err, err


def test_python_file_urls_are_told_the_local_path(folder: Path):
    """`siting.load` and `siting.run(out=...)` given `file://` URLs name the local paths to give."""
    import siting
    from siting.config.errors import InputError

    with pytest.raises(InputError) as refused:
        siting.load(f"file://{folder}/scenario.yaml")
    assert refused.value.problems == [f"path | is a file URL (got 'file://{folder}/scenario.yaml'): a path is not "
                                      f"read as a URL; give the local path it names, '{folder}/scenario.yaml'"]
    with pytest.raises(InputError) as refused:
        siting.run(folder / "scenario.yaml", out="file:///tmp/out")
    assert refused.value.problems == ["out | is a file URL (got 'file:///tmp/out'): a path is not read as a URL; "
                                      "give the local path it names, '/tmp/out'"]


def test_a_url_inside_a_gdal_archive_path_is_refused(folder: Path, capsys):
    """A URL wrapped in one of GDAL's archive file systems without /vsicurl/ (`/vsizip/https://...`,
    `/vsigzip/s3://...`), which GDAL may fetch, is refused as a URL, in the scenario, with `--set`
    and as the scenario's own path in Python: the tool reads nothing over the network."""
    import siting
    from siting.cli import main
    from siting.config.errors import InputError

    edit(folder / "scenario.yaml", "sites: {path: sites.geojson}",
         "sites: {path: '/vsizip/https://example.com/x.zip/sites.geojson'}")
    message = run_bad(folder, capsys)
    assert ("  - scenario.yaml:8: layers.sites.path | is a URL (got "
            f"'/vsizip/https://example.com/x.zip/sites.geojson'): {URL_FIX}\n") in message, message
    code = main(["check", str(folder / "scenario.yaml"), "--set", "catalog=/vsigzip/s3://bucket/catalog.yaml.gz"])
    err = capsys.readouterr().err.replace(str(folder) + "/", "")
    assert code == 2, err
    assert (f"  - scenario.yaml: --set catalog | is a URL (got '/vsigzip/s3://bucket/catalog.yaml.gz'): "
            f"{URL_FIX}\n") in err, err
    with pytest.raises(InputError) as refused:
        siting.load("/vsitar/http://example.com/x.tar/s.yaml")
    assert refused.value.problems == [f"path | is a URL (got '/vsitar/http://example.com/x.tar/s.yaml'): {URL_FIX}"]
