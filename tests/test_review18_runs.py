"""A Dask scheduler's address (siting/runs/pool.py `checked_address`, `dask_client`), the words
for the sites a plan builds on in clusters.geojson, the web map and alternatives.csv, and the
scale bar of the QGIS print layouts kept off the clusters.

A malformed `--scheduler` (scheduler=) is refused at once, before any run, naming the argument,
the address as given and what is wrong with it; a scheduler that does not answer is refused after
Dask's connection timeout, saying so (a refused port or a host name that cannot be resolved, at
once). Either way the command exits 2 and writes nothing.
"""

from __future__ import annotations

import importlib.util
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

import siting
import siting.runs.batch as batch
from siting.cli import main
from siting.config.errors import InputError
from siting.deliver.qgisproject import print_layout
from siting.runs.pool import address_problem, checked_address
from tests.conftest import MadeRun

DATA = Path(__file__).parent / "data" / "small"
BUFFER = "constraints.redline.buffer_m"
HAS_DASK = importlib.util.find_spec("distributed") is not None


# --- 1. the scheduler's address ----------------------------------------------------------------


@pytest.mark.parametrize(("address", "problem"), [
    ("notaurl", "no port number (host:port, e.g. port 8786)"),
    ("nohost", "no port number (host:port, e.g. port 8786)"),
    ("tcp://", "no host and port after the scheme"),
    ("tcp://:8786", "no host before the port"),
    ("tcp://h:99999", "the port '99999' is not a whole number from 1 to 65535"),
    ("tcp://h:0", "the port '0' is not a whole number from 1 to 65535"),
    ("tcp://h:1/x", "the port '1/x' is not a whole number from 1 to 65535"),
    ("foo://h:1", "unknown scheme 'foo', not one of tcp, tls, ws, wss"),
    ("tcp://[zz]:1", "'zz' in brackets is not an IPv6 address"),
    ("tcp://a b:1", "the host 'a b' is not a host name nor an address"),
    ("tcp://127.0.0.1:1", None),
    ("10.0.0.5:8786", None),
    ("tls://scheduler.example.org:8786", None),
    ("tcp://[::1]:8786", None),
])
def test_the_form_of_an_address_is_read_without_connecting(address: str, problem: str | None):
    assert address_problem(address) == problem


def test_a_malformed_address_names_the_argument_as_its_front_door_writes_it():
    with pytest.raises(InputError) as caught:
        checked_address("notaurl", "scheduler")
    assert caught.value.problems == [
        "scheduler | must be 'local' or the address of a Dask scheduler, [scheme://]host:port (got 'notaurl': "
        "no port number (host:port, e.g. port 8786)); give e.g. scheduler='tcp://10.0.0.5:8786'"]
    assert checked_address("local", "scheduler") == "local"


def test_sweep_refuses_a_malformed_scheduler_with_exit_2_and_writes_nothing(tmp_path: Path, capsys):
    code = main(["sweep", str(DATA / "scenario.yaml"), "--set", f"{BUFFER}=0,1", "--scheduler", "notaurl",
                 "--out", str(tmp_path / "sw")])
    assert code == 2
    assert capsys.readouterr().err.endswith(
        "error: 1 problem in the input:\n  - --scheduler | must be 'local' or the address of a Dask scheduler, "
        "[scheme://]host:port (got 'notaurl': no port number (host:port, e.g. port 8786)); give e.g. "
        "--scheduler tcp://10.0.0.5:8786\n")
    assert list(tmp_path.iterdir()) == []


def test_compare_refuses_a_malformed_scheduler_with_exit_2_and_writes_nothing(tmp_path: Path, capsys):
    scenario = str(DATA / "scenario.yaml")
    code = main(["compare", scenario, scenario, "--scheduler", "nohost", "--out", str(tmp_path / "cmp")])
    assert code == 2
    assert capsys.readouterr().err.endswith(
        "  - --scheduler | must be 'local' or the address of a Dask scheduler, [scheme://]host:port (got 'nohost': "
        "no port number (host:port, e.g. port 8786)); give e.g. --scheduler tcp://10.0.0.5:8786\n")
    assert list(tmp_path.iterdir()) == []


def test_the_python_front_door_refuses_a_malformed_scheduler_before_any_run(tmp_path: Path, monkeypatch):
    def no_run(*_args, **_kwargs):
        raise AssertionError("a batch was started")

    monkeypatch.setattr(batch, "run_batch", no_run)
    said = ("scheduler | must be 'local' or the address of a Dask scheduler, [scheme://]host:port (got 'notaurl': "
            "no port number (host:port, e.g. port 8786)); give e.g. scheduler='tcp://10.0.0.5:8786'")
    with pytest.raises(InputError) as caught:
        siting.sweep(DATA / "scenario.yaml", {BUFFER: [0, 1]}, tmp_path / "sw", scheduler="notaurl")
    assert caught.value.problems == [said]
    with pytest.raises(InputError) as caught:
        siting.compare([DATA / "scenario.yaml"] * 2, tmp_path / "cmp", scheduler="notaurl")
    assert caught.value.problems == [said]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not HAS_DASK, reason="needs the dask extra (a client that tries to connect)")
def test_an_unreachable_scheduler_is_refused_after_the_connection_timeout(tmp_path: Path, capsys, monkeypatch):
    import dask

    import siting.runs.pool as pool

    # past the quick probe (a refused port is said at once: tests/test_scheduler_refused.py), to Dask's wait
    monkeypatch.setattr(pool, "probe_problem", lambda *_args, **_kwargs: None)
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        code = main(["sweep", str(DATA / "scenario.yaml"), "--set", f"{BUFFER}=0,1", "--scheduler",
                     "tcp://127.0.0.1:1", "--out", str(tmp_path / "sw")])
    assert code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    problem = err.split("error: 1 problem in the input:\n  - ")[1]
    assert problem.startswith("--scheduler | could not connect to the Dask scheduler at 'tcp://127.0.0.1:1' in 2 s (")
    assert problem.endswith("); start the scheduler (dask scheduler) or give the address of one this machine can "
                            "reach, or drop --scheduler\n")
    assert list(tmp_path.iterdir()) == []


# --- 2. the sites a plan builds on, not "opened" ------------------------------------------------


def test_clusters_and_the_web_map_count_the_sites_built_on(small_run: MadeRun):
    """Each cluster counts the sites where the plan adds capacity (some open already) as
    `sites_built_on`, and the web map's cluster popup says "sites built on"; "opened" is kept for
    the newly opened."""
    clusters = json.loads((small_run.out / "clusters.geojson").read_text(encoding="utf-8"))["features"]
    manifest = json.loads((small_run.out / "manifest.json").read_text(encoding="utf-8"))
    counts = {f["properties"]["id"]: f["properties"]["sites_built_on"] for f in clusters}
    assert all("sites_opened" not in f["properties"] for f in clusters)
    assert sum(counts.values()) == len(manifest["sites_built_on"]) == 3
    page = (small_run.out / "report.html").read_text(encoding="utf-8")
    for count in counts.values():
        assert f"\\u003cth\\u003esites built on\\u003c/th\\u003e\\u003ctd\\u003e{count}\\u003c/td\\u003e" in page
    assert "sites opened" not in page


# --- 3. the layouts' scale bar off the clusters -------------------------------------------------


def frame_mm(item: ET.Element) -> shapely.Polygon:
    """A layout item's frame (x, y, width, height in mm, y down the page) as a rectangle."""
    x, y = (float(v) for v in item.get("position", "").removesuffix(",mm").split(","))
    w, h = (float(v) for v in item.get("size", "").removesuffix(",mm").split(","))
    return shapely.box(x, y, x + w, y + h)


def drawn_mm(layout: ET.Element, bounds: tuple[float, float, float, float]) -> shapely.Polygon:
    """`bounds` (working CRS, m) as the layout's map item draws them: a rectangle in layout mm."""
    found = {item.get("id", ""): item for item in layout.findall("LayoutItem")}
    frame = frame_mm(found["map"])
    shown = found["map"].find("Extent")
    assert shown is not None
    sx0, sy0, sx1, sy1 = (float(shown.get(k, "nan")) for k in ("xmin", "ymin", "xmax", "ymax"))
    fx0, fy0, fx1, fy1 = frame.bounds
    x0, y0, x1, y1 = bounds

    def page_x(x: float) -> float:
        return fx0 + (x - sx0) / (sx1 - sx0) * (fx1 - fx0)

    def page_y(y: float) -> float:
        return fy0 + (sy1 - y) / (sy1 - sy0) * (fy1 - fy0)

    return shapely.box(page_x(x0), page_y(y1), page_x(x1), page_y(y0))


def scale_bar_mm(layout: ET.Element) -> shapely.Polygon:
    (bar,) = [item for item in layout.findall("LayoutItem") if item.get("id") == "scale bar"]
    assert bar.get("background") == "true"  # an opaque box: what it covers is hidden
    return frame_mm(bar)


@pytest.mark.parametrize("extent", [
    (0.0, 0.0, 400_000.0, 450_000.0),  # taller than the frame (as the shipped clusters): x widened
    (0.0, 0.0, 85_000.0, 100_000.0),
    (0.0, 0.0, 100_000.0, 30_000.0),  # far wider: y widened by more than the scale bar's room
    (0.0, 0.0, 100_000.0, 80_000.0),  # a little wider: y widened, by less than the room
])
def test_the_scale_bar_stands_below_the_area_the_layout_shows(extent):
    """The scale bar's box (4 mm from the map's left edge, 4 to 18 mm above its foot) covers no
    part of the area shown, whatever its shape; the map stays undistorted (the extent drawn has
    the frame's shape) and shows the whole area."""
    layout = print_layout("t", extent, "source")
    assert not scale_bar_mm(layout).intersects(drawn_mm(layout, extent))
    found = {item.get("id", ""): item for item in layout.findall("LayoutItem")}
    fx0, fy0, fx1, fy1 = frame_mm(found["map"]).bounds
    shown = found["map"].find("Extent")
    assert shown is not None
    sx0, sy0, sx1, sy1 = (float(shown.get(k, "nan")) for k in ("xmin", "ymin", "xmax", "ymax"))
    assert (sx1 - sx0) / (sy1 - sy0) == pytest.approx((fx1 - fx0) / (fy1 - fy0), rel=1e-6)
    assert sx0 <= extent[0] and sy0 <= extent[1] and sx1 >= extent[2] and sy1 >= extent[3]


def test_the_plan_layout_s_scale_bar_covers_no_shipped_cluster(shipped_first_node_run: MadeRun):
    """plan.qgs of the shipped scenario: the clusters' extent, as the layout's map draws it, lies
    clear of the scale bar's box (before, the box hid Yuxi's southern tip, Yuanjiang)."""
    root = ET.fromstring((shipped_first_node_run.out / "plan.qgs").read_text(encoding="utf-8").split("\n", 1)[1])
    crs = root.findtext("projectCrs/spatialrefsys/authid")
    assert crs == "EPSG:32648"
    clusters = gpd.read_file(shipped_first_node_run.out / "clusters.geojson").to_crs(crs)
    (layout,) = root.findall("Layouts/Layout")
    drawn = drawn_mm(layout, tuple(clusters.total_bounds))
    assert not scale_bar_mm(layout).intersects(drawn)
    assert drawn.bounds[3] <= scale_bar_mm(layout).bounds[1]  # above the bar, not beside it
