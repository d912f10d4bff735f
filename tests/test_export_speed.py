"""The export's speed-ups keep its outputs: map.png drawn in a forked child process while the
other files are made (siting/deliver/files.py `MapDrawing`) gives the same files, byte for byte,
as drawn in the process itself; a child that fails or is stopped leaves no process and no file,
and the export fails with the error it gives drawing in the process; the label placer measures
how much line a label crosses only at the positions its choice compares
(siting/deliver/mapplot.py `LabelPlacer._choose`). No test here times anything.
The small scenario is tests/data/small (described in tests/test_cli.py)."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import siting.deliver.files as files
import siting.deliver.mapplot as mapplot
from siting.deliver.files import export_files
from siting.deliver.folders import write_contents
from siting.optimize.run import solve_prepared, solver_settings
from siting.prepare.problem import prepare
from tests.conftest import SMALL, interruptible

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory):
    """The small scenario prepared and solved, once for the module (read-only)."""
    folder = tmp_path_factory.mktemp("speed") / "small"
    shutil.copytree(SMALL, folder)
    timings: dict[str, float] = {}
    prepared = prepare(folder / "scenario.yaml", timings)
    return prepared, solve_prepared(prepared, solver_settings(prepared.loaded), timings), timings


def counting_forks(forked: list[int]):
    """`files._fork_drawing` that also adds each child's process id to `forked`."""
    real_fork = files._fork_drawing

    def fork(draw):
        pid, reader = real_fork(draw)
        forked.append(pid)
        return pid, reader

    return fork


def exported(small, apart: bool, monkeypatch: pytest.MonkeyPatch, folder: Path,
             forked: list[int] | None = None) -> tuple[list[int], list[str]]:
    """Export the small plan with map.png drawn in a child process (`apart`: `draws_apart` held
    open) or here (held shut), whatever the state of the process running the test (its threads,
    signal handlers, the machine's load and cores), and write the files into `folder`; the
    process ids of the children forked (also added to `forked`, as they are, should the export
    raise), and the run's notices."""
    prepared, solved, timings = small
    forked = [] if forked is None else forked
    notices = list(prepared.notices)
    with monkeypatch.context() as patch:
        patch.setattr(files, "draws_apart", lambda: apart)
        patch.setattr(files, "_fork_drawing", counting_forks(forked))
        patch.setattr(prepared, "notices", notices)
        made = export_files(prepared, solved.report, solved.plan, solved.size, dict(timings))
    folder.mkdir()
    write_contents(folder, made)
    return forked, notices


def contents(folder: Path) -> dict[str, bytes]:
    """Every file of `folder` by name, manifest.json without its run's timings."""
    found = {path.name: path.read_bytes() for path in sorted(folder.iterdir())}
    manifest = json.loads(found.pop("manifest.json"))
    manifest["run"].pop("timings_s")
    return {**found, "manifest.json": json.dumps(manifest, sort_keys=True).encode()}


def gone(pid: int) -> bool:
    """Whether the child `pid` of this process has ended and been waited for."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


@pytest.fixture(scope="module")
def drawn_here(small, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], list[str], Path]:
    """The small plan exported once for the module with map.png drawn here, by the real drawing
    (`exported`, no child forked): its files (`contents`), its notices and its folder. Read-only."""
    folder = tmp_path_factory.mktemp("speed") / "here"
    with pytest.MonkeyPatch.context() as patch:
        forked, notices = exported(small, False, patch, folder)
    assert forked == []
    return contents(folder), notices, folder


def test_a_map_drawn_apart_gives_the_same_files_as_one_drawn_here(small, drawn_here, monkeypatch, tmp_path: Path):
    """Every file, map.png and report.html (which embeds it) among them, and the notices, are the
    same whether map.png is drawn in a forked child or in the process (`drawn_here`, which forks
    none); the child is forked once, and has ended and been waited for once the export returns."""
    forked, notices_apart = exported(small, True, monkeypatch, tmp_path / "apart")
    assert len(forked) == 1 and forked[0] is not None and gone(forked[0])
    here, notices_here, _folder = drawn_here
    apart = contents(tmp_path / "apart")
    assert "map.png" in apart and "report.html" in apart
    assert apart == here
    assert notices_apart == notices_here


def test_a_notice_of_the_map_drawn_apart_is_in_the_manifest_and_report_as_when_drawn_here(small, monkeypatch,
                                                                                           tmp_path: Path):
    """The map adds a notice (as it does for a label no installed font draws): drawn apart, the
    manifest and the report made while it was drawn are made again with it, and every file is
    the same as drawn here, where the notice was in before them."""
    real = mapplot.render_map
    notice = "map.png: 1 label has characters no installed font draws (test)"

    def noticed(*args, **kwargs):
        return [*real(*args, **kwargs), notice]

    monkeypatch.setattr(mapplot, "render_map", noticed)
    forked, notices_apart = exported(small, True, monkeypatch, tmp_path / "apart")
    assert len(forked) == 1
    _none, notices_here = exported(small, False, monkeypatch, tmp_path / "here")
    assert notices_apart == notices_here and notices_here[-1] == notice
    apart = contents(tmp_path / "apart")
    assert notice in json.loads(apart["manifest.json"])["notices"]
    assert notice in apart["report.md"].decode()
    assert apart == contents(tmp_path / "here")


def test_a_map_that_fails_apart_fails_the_export_with_its_own_error(small, monkeypatch, tmp_path: Path):
    """The drawing raises in the child: the map is drawn again in the process, where it raises
    the error it raises when drawn there from the start (the same type and message), and the
    child has ended and been waited for. Only the child this export forked is looked at: the
    process running the test may have others (left by earlier tests of a pytest-xdist worker)."""
    parent = os.getpid()
    drawn_here: list[int] = []

    def broken(*_args, **_kwargs):
        if os.getpid() == parent:
            drawn_here.append(parent)
        raise ValueError("map.png | cannot be drawn (got a broken renderer)")

    monkeypatch.setattr(mapplot, "render_map", broken)
    forked_apart: list[int] = []
    forked_here: list[int] = []
    with pytest.raises(ValueError) as apart:
        exported(small, True, monkeypatch, tmp_path / "apart", forked_apart)
    assert len(forked_apart) == 1 and forked_apart[0] is not None and gone(forked_apart[0])
    with pytest.raises(ValueError) as here:
        exported(small, False, monkeypatch, tmp_path / "here", forked_here)
    assert forked_here == []
    assert type(apart.value) is type(here.value) is ValueError
    assert str(apart.value) == str(here.value) == "map.png | cannot be drawn (got a broken renderer)"
    assert drawn_here == [parent, parent]  # once again after the child failed, once drawn here
    assert not (tmp_path / "apart").exists() and not (tmp_path / "here").exists()


def test_a_child_that_dies_is_made_good_by_drawing_here(small, drawn_here, monkeypatch, tmp_path: Path):
    """The child is killed while it draws (as the system's out-of-memory killer would): the map
    is drawn in the process instead, and the files are those of a map drawn there (`drawn_here`)."""
    parent = os.getpid()
    real = mapplot.render_map

    def dying(*args, **kwargs):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)

    monkeypatch.setattr(mapplot, "render_map", dying)
    forked, _notices = exported(small, True, monkeypatch, tmp_path / "apart")
    assert len(forked) == 1 and gone(forked[0])
    assert contents(tmp_path / "apart") == drawn_here[0]


def slow_in_a_child(real):
    """`real` (the map's drawing) as it runs in this process, and, in a forked child, after a
    minute's sleep: a child still drawing when the process is stopped."""
    parent = os.getpid()

    def slow(*args, **kwargs):
        if os.getpid() != parent:
            import time

            time.sleep(60)
        return real(*args, **kwargs)

    return slow


def test_a_stop_while_the_child_draws_stops_it_and_raises(small, monkeypatch, tmp_path: Path):
    """Ctrl-C in the process while the child still draws (a drawing that would take a minute):
    the KeyboardInterrupt goes on up, the child has been stopped and waited for, and nothing was
    written."""
    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(mapplot, "render_map", slow_in_a_child(mapplot.render_map))
    monkeypatch.setattr(files, "report_blocks", interrupted)  # made in the process while the child draws
    forked: list[int] = []
    with pytest.raises(KeyboardInterrupt):
        exported(small, True, monkeypatch, tmp_path / "out", forked)
    assert len(forked) == 1 and gone(forked[0])
    assert not (tmp_path / "out").exists()


def test_a_stop_python_could_not_raise_stops_the_child_while_the_process_waits_for_it(small, monkeypatch,
                                                                                    tmp_path: Path):
    """Ctrl-C came where Python could not raise it (in a finalizer: the command line notes it
    for `progress.check_stop`) while the child draws (a drawing that would take a minute): the
    process, waiting for the map, raises it within moments instead of once the child is done;
    the child has been stopped and waited for, and nothing was written."""
    import time

    import siting.config.progress as progress

    forked: list[int] = []

    def noted_stop() -> None:
        if forked:  # asked for once the child is forking, as the process goes on to wait for it
            raise KeyboardInterrupt

    monkeypatch.setattr(mapplot, "render_map", slow_in_a_child(mapplot.render_map))
    monkeypatch.setattr(progress, "_stop_check", noted_stop)
    began = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        exported(small, True, monkeypatch, tmp_path / "out", forked)
    assert time.monotonic() - began < 30
    assert len(forked) == 1 and gone(forked[0])
    assert not (tmp_path / "out").exists()


def test_a_stop_that_comes_while_the_child_is_forked_stops_both(small, monkeypatch, tmp_path: Path):
    """Ctrl-C lands while the child is being forked (held until both processes are set up): it
    is raised in the process as soon as the fork is done, and the child it had just forked has
    been stopped and waited for by then."""
    forked: list[int] = []
    real_fork = files._fork_drawing

    def fork_then_ctrl_c(draw):
        pid, reader = real_fork(draw)
        forked.append(pid)
        os.kill(os.getpid(), signal.SIGINT)  # held: raised once the fork is done
        return pid, reader

    monkeypatch.setattr(files, "draws_apart", lambda: True)  # whatever the worker's threads, handlers and load
    monkeypatch.setattr(files, "_fork_drawing", fork_then_ctrl_c)
    prepared, solved, timings = small
    handler = signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C raises, whatever the worker's
    try:
        with pytest.raises(KeyboardInterrupt):
            export_files(prepared, solved.report, solved.plan, solved.size, dict(timings))
    finally:
        if handler is not None:
            signal.signal(signal.SIGINT, handler)
    assert len(forked) == 1 and gone(forked[0])


class Stop(Exception):
    """What the tests' own SIGTERM handler raises."""


def raise_stop(_signum: int, _frame: object) -> None:
    raise Stop


def test_a_stop_held_while_forking_is_raised_by_its_own_handler_once_the_block_ends():
    """SIGTERM and Ctrl-C sent while `stops_held` holds them: the block runs to its end, then
    each is handled once by the handler in place before (here SIGTERM's raises `Stop`; Ctrl-C
    ignored stays ignored), and the handlers are those of before."""
    term = signal.signal(signal.SIGTERM, raise_stop)
    ctrl_c = signal.signal(signal.SIGINT, signal.SIG_IGN)
    ran: list[str] = []
    try:
        with pytest.raises(Stop), files.stops_held():
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGTERM)
            os.kill(os.getpid(), signal.SIGTERM)
            sum(range(100_000))  # Python code, where a handler would run
            ran.append("to its end")
        assert ran == ["to its end"]
        assert signal.getsignal(signal.SIGTERM) is raise_stop
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGTERM, term)
        signal.signal(signal.SIGINT, ctrl_c)


SLOW_CHILD_RUN = textwrap.dedent("""
    import os, sys, time
    import siting.deliver.files as files
    import siting.deliver.mapplot as mapplot
    from siting.cli import main

    parent = os.getpid()
    said = os.fdopen(os.dup(1), "w")
    real = mapplot.render_map

    def slow(*args, **kwargs):
        if os.getpid() != parent:
            print(f"drawing {os.getpid()}", file=said, flush=True)
            time.sleep(60)
        return real(*args, **kwargs)

    mapplot.render_map = slow
    files.draws_apart = lambda: True  # whatever the cores of the machine running the test
    sys.exit(main(sys.argv[1:]))
""")


def test_ctrl_c_while_the_child_draws_stops_the_run_and_the_child(folder: Path):
    """Ctrl-C as a terminal sends it, to the whole process group, while the child draws map.png
    (slowed to a minute): the run stops with exit 130 and the stop line alone, no output folder
    nor staging folder is left, and the child is gone."""
    out_dir = folder / "out"
    process = subprocess.Popen([sys.executable, "-c", SLOW_CHILD_RUN, "solve", str(folder / "scenario.yaml"),
                                "--out", str(out_dir), "--quiet"], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, preexec_fn=interruptible, start_new_session=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("drawing "), line + (process.stderr.read() if process.stderr else "")
    child = int(line.split()[1])
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err == "stopped by SIGINT: outputs not yet complete were discarded\n"
    assert out == ""
    assert not out_dir.exists()
    assert not [p.name for p in folder.iterdir() if ".siting-" in p.name]
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)


# --- label placement: lines measured where the choice needs them ---------------------------------

def placer_with_lines(xs: tuple[float, ...] = (500.0,)):
    """A label placer on a 1000 x 700 map crossed by vertical lines at `xs` (data units)."""
    import numpy as np
    import shapely
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 6), dpi=100)
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0.05, 0.05, 0.9, 0.9))
    ax.set_xlim(0, 1000)
    ax.set_ylim(0, 700)
    placer = mapplot.LabelPlacer(ax, figure.canvas.get_renderer())
    placer.block_lines(np.array([shapely.LineString([(x, 0), (x, 700)]) for x in xs], dtype=object))
    return ax, placer


#: Vertical lines every 20 map units (about 14 pixels): every position of a label crosses one.
COMB = tuple(float(x) for x in range(10, 1000, 20))


@pytest.mark.parametrize(("xs", "measured"), [((800.0,), [1]), (COMB, [1] * 20)])
def test_a_label_s_line_crossing_is_measured_only_where_the_choice_compares_it(monkeypatch, xs, measured):
    """Each position a label may take is measured alone, and only where the choice needs it
    (`LabelPlacer._choose`), not all 52 positions it may try (the 8 directions at 6 distances,
    and the 4 into its own symbol's corners). A label 310 map units from a
    single line: its first position (up and right, at the first distance) crosses none and is
    taken, 1 measured. Among lines every 20 units, every position crosses one: the 12 of the
    first distance (the nearest free of symbols, there being none) and the 8 of the next (the
    farthest a label goes to keep off lines, LINE_STEPS) are measured, one by one, and the first
    distance's least crossing is taken."""
    ax, placer = placer_with_lines(xs)
    sizes: list[int] = []
    real = mapplot.LabelPlacer._crossing

    def counted(self, boxes):
        sizes.append(len(boxes))
        return real(self, boxes)

    monkeypatch.setattr(mapplot.LabelPlacer, "_crossing", counted)
    text = mapplot._label(ax, "Anning industrial park", (490.0, 350.0), fontsize=8.5)
    assert placer.place(text, (490.0, 350.0), 4.0)
    assert sizes == measured


def geos_crossing(placer, boxes) -> list[float]:
    """`LabelPlacer._crossing` measured plainly: every segment a grown box meets measured by its
    intersection with the box (GEOS)."""
    import numpy as np
    import shapely

    total = np.zeros(len(boxes))
    extents = np.array([(b.x0, b.y0, b.x1, b.y1) for b in boxes], dtype=float).reshape(-1, 4)
    for segments, tree, reach, *_ends in placer._lines:
        grown = shapely.box(extents[:, 0] - reach, extents[:, 1] - reach, extents[:, 2] + reach, extents[:, 3] + reach)
        box_at, segment_at = tree.query(grown, predicate="intersects")
        inside = shapely.length(shapely.intersection(segments[segment_at], grown[box_at]))
        total += np.bincount(box_at, weights=inside, minlength=len(boxes))
    return [float(value) for value in total]


def boxes_about(ax, x_data: float) -> list:
    """Boxes (display coordinates) across, beside and off a vertical line at `x_data`, and
    across several lines, as label boxes lie."""
    from matplotlib.transforms import Bbox

    x = ax.transData.transform((x_data, 0.0))[0]
    return [Bbox.from_extents(x + dx, 100.0 + dy, x + dx + width, 112.0 + dy)
            for dx, width, dy in [(-30.0, 60.0, 0.0), (-80.0, 79.9, 20.0), (0.3, 40.0, 40.0), (200.0, 50.0, 0.0),
                                  (-0.1, 0.2, 70.0), (-12.34567, 54.6913, 100.25), (-40.0, 80.0, 300.125)]]


def test_once_a_place_is_free_one_on_a_symbol_or_label_is_measured_no_further(monkeypatch):
    """Lines every 20 map units, and a box kept off right of the label's symbol: of the 20
    positions of the first two distances (the first free one crosses a line, so the next
    distance is tried too), those to the right overlap the box. Once a free position is found,
    such a one can no longer be taken, and its leaders, flows and hidden polygons are not
    measured: 10 of the 20 are (before: all 20); the label takes the same place, up and left
    at the first distance."""
    from matplotlib.transforms import Bbox

    ax, placer = placer_with_lines(COMB)
    cx, cy = ax.transData.transform((490.0, 350.0))
    placer.block(Bbox.from_extents(cx + 2, cy - 200, cx + 400, cy + 200))
    calls = {"_overlap": 0, "_on_leaders": 0}
    def counting(name: str):
        real = getattr(mapplot.LabelPlacer, name)

        def counted(self, *args, **kwargs):
            calls[name] += 1
            return real(self, *args, **kwargs)

        return counted

    for name in calls:
        monkeypatch.setattr(mapplot.LabelPlacer, name, counting(name))
    text = mapplot._label(ax, "Anning industrial park", (490.0, 350.0), fontsize=8.5)
    assert placer.place(text, (490.0, 350.0), 4.0)
    assert calls == {"_overlap": 20, "_on_leaders": 10}
    assert (text.get_horizontalalignment(), text.get_verticalalignment()) == ("right", "bottom")
    assert text.get_position() == pytest.approx((-3.5 * 2 ** 0.5, 3.5 * 2 ** 0.5))


def test_a_box_s_crossing_is_the_same_measured_alone_or_with_others_and_as_geos_measures_it():
    """`LabelPlacer._crossing` of each box alone equals, bit for bit, its measure among all the
    boxes at once, and each equals GEOS's measure of every
    segment's intersection with the box (`geos_crossing`), for straight lines and for a line of
    many short segments (a cluster's outline): boxes across, beside and off them."""
    import numpy as np
    import shapely

    ax, placer = placer_with_lines((500.0, 520.0, 540.5))
    wiggly = shapely.LineString([(700.0 + 3.0 * np.sin(y / 7.0), y) for y in np.arange(0.0, 700.0, 1.3)])
    placer.block_lines(np.array([wiggly], dtype=object), 1.2)
    boxes = boxes_about(ax, 500.0) + boxes_about(ax, 700.0)
    together = placer._crossing(boxes)
    assert together[3] == 0 and together[0] > 0 and together[7] > 0
    assert [float(placer._crossing([box])[0]) for box in boxes] == [float(value) for value in together]
    assert [float(value) for value in together] == geos_crossing(placer, boxes)


def test_only_the_segments_a_box_cuts_are_intersected_with_it(monkeypatch):
    """A box over a line of short segments (every 1.3 map units, about a pixel): of the segments
    it meets, only the two its edges cut (one at its top, one at its bottom) are intersected with
    it; those inside it whole count their own length."""
    import numpy as np
    import shapely

    ax, placer = placer_with_lines(())
    placer.block_lines(np.array([shapely.LineString([(700.0, y) for y in np.arange(0.0, 700.0, 1.3)])],
                                dtype=object))
    box = boxes_about(ax, 700.0)[0]
    cut: list[int] = []
    real = shapely.intersection

    def counted(a, b, *args, **kwargs):
        cut.append(len(a))
        return real(a, b, *args, **kwargs)

    monkeypatch.setattr(shapely, "intersection", counted)
    assert placer._crossing([box])[0] > 0
    assert cut == [2]


def test_a_placed_label_keeps_others_off_the_box_it_is_drawn_in():
    """The box a label keeps later labels off is the one `LabelBoxes` measured for the place
    chosen, with no second layout of the text: to the last bit the box the text is drawn in
    (`get_window_extent`), its lines aligned on the side facing the symbol, padded by LABEL_PAD,
    for labels of one and of several lines placed beside and away from their symbols."""
    ax, placer = placer_with_lines(COMB)
    renderer = placer.renderer
    for n, (words, x, y) in enumerate([("Anning industrial park", 490.0, 350.0),
                                       ("Yuxi high-tech zone\nLFP 100,000 t/yr\nCells 10 GWh/yr", 200.0, 500.0),
                                       ("Qujing ETDZ\nAnode 80,000 t/yr", 800.0, 150.0)]):
        text = mapplot._label(ax, words, (x, y), fontsize=7.5, linespacing=1.15, multialignment="left")
        assert placer.place(text, (x, y), 6.0)
        assert placer._count == n + 1
        drawn = text.get_window_extent(renderer).padded(mapplot.LABEL_PAD)
        assert tuple(placer._taken[n]) == tuple(drawn.extents)


@pytest.mark.parametrize("resources", [25, 28, 40])
def test_margin_styles_skipped_by_the_shortfall_measured_leave_the_same_map(monkeypatch, resources: int):
    """`lay_out_margin` skips a margin style whose fonts were measured at a wider row spacing
    and could not fit at its own (`_may_fit`), never one that fits: with 25 resources it tries
    the first three styles as before (the third fits), with 28 it skips the second and third
    (the fourth fits), with 40 it skips them and the page grows; the PNG is the same bytes as
    with every style tried in turn."""
    from test_map import CROWDED_TITLE, LONG_CONTEXT, crowded_sites, many_sources

    tried: list[int] = []
    real = mapplot._margin

    def counted(figure, entries, notes, style, lettering=None):
        tried.append(mapplot.MARGIN_STYLES.index(style))
        return real(figure, entries, notes, style, lettering)

    monkeypatch.setattr(mapplot, "_margin", counted)
    drawn = []
    for may_fit in (mapplot._may_fit, lambda *args: True):
        monkeypatch.setattr(mapplot, "_may_fit", may_fit)
        tried.clear()
        out = io.BytesIO()
        mapplot.render_map(out, [crowded_sites(), many_sources(resources)], CROWDED_TITLE, ["lfp"], "EPSG:32648",
                           LONG_CONTEXT)
        drawn.append((out.getvalue(), list(tried)))
    (skipping, fewer), (every, all_tried) = drawn
    assert skipping == every
    assert fewer == {25: [0, 1, 2], 28: [0, 3], 40: [0, 3, 4, 5]}[resources]
    assert all_tried == list(range(len(all_tried)))


# --- when a child draws, and how map.png is compressed -------------------------------------------

#: A Linux process and machine in which a child draws: `files.apart_decision`'s arguments.
IDLE_LINUX = {"platform": "linux", "forks": True, "main_thread": True, "threads": 1, "handlers_known": True,
              "cores": 2, "load": 0.4, "running": 1}


@pytest.mark.parametrize(("load", "running", "cores", "apart"),
                         [(0.4, 1, 2, True), (1.49, 1, 2, True), (1.5, 1, 2, False), (3.2, 1, 2, False),
                          (0.4, 2, 2, False), (0.0, 1, 1, False), (2.4, 3, 4, True), (2.4, 4, 4, False)])
def test_a_child_draws_only_where_a_core_is_idle(load: float, running: int, cores: int, apart: bool):
    """From the main thread of a process with no other thread, on Linux: apart where fewer of
    the cores run anything now than there are (this process counted) and the load over the last
    minute is below the cores less half a core (`IDLE_SHARE`). The decision is of its arguments
    alone, whatever the process running the test."""
    facts = {**IDLE_LINUX, "load": load, "running": running, "cores": cores}
    assert files.apart_decision(**facts) is apart


@pytest.mark.parametrize("unlike", [{"platform": "darwin"}, {"platform": "win32"}, {"forks": False},
                                    {"main_thread": False}, {"threads": 2}, {"threads": 5},
                                    {"handlers_known": False}, {"cores": None}, {"load": None},
                                    {"running": None}])
def test_no_child_draws_where_the_process_is_not_a_plain_linux_one_or_the_load_is_unknown(unlike):
    """An idle machine, but not Linux, or a process that cannot fork, called from a thread other
    than the main one, beside another Python thread, with a stop's handler installed outside
    Python, or with the cores or the load not known: drawn here."""
    assert files.apart_decision(**IDLE_LINUX) is True
    assert files.apart_decision(**{**IDLE_LINUX, **unlike}) is False


def test_draws_apart_decides_on_the_process_and_machine_as_they_stand(monkeypatch):
    """`draws_apart` gives `apart_decision` what it reads: the platform, the calling thread and
    the Python threads running (from the main thread beside another thread, and from that
    thread), whether the stops' handlers are Python's, the cores this process may run on and
    /proc/loadavg's figures (None where they cannot be read); and returns its answer."""
    import threading

    given: list[dict] = []

    def decision(**facts) -> bool:
        given.append(facts)
        return True

    monkeypatch.setattr(files, "apart_decision", decision)
    monkeypatch.setattr(files, "system_load", lambda: (0.25, 3))
    monkeypatch.setattr(files.machine, "others_load", lambda: None)  # no solve's note: /proc/loadavg's figure
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1, 2}, raising=False)
    release = threading.Event()

    def other() -> None:
        files.draws_apart()
        release.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    try:
        while not given and thread.is_alive():
            thread.join(0.01)
        assert files.draws_apart() is True  # the main thread, beside `thread`
    finally:
        release.set()
        thread.join()
    from_other, from_main = given
    assert from_other["main_thread"] is False and from_main["main_thread"] is True
    assert from_main["threads"] >= 2
    for facts in given:
        assert (facts["platform"], facts["forks"]) == (sys.platform, hasattr(os, "fork"))
        assert (facts["cores"], facts["load"], facts["running"]) == (3, 0.25, 3)

    real_getsignal = signal.getsignal
    monkeypatch.setattr(files.signal, "getsignal",
                        lambda signum: None if signum == signal.SIGTERM else real_getsignal(signum))
    files.draws_apart()
    assert given[-1]["handlers_known"] is False
    monkeypatch.setattr(files.signal, "getsignal", lambda _signum: signal.SIG_DFL)
    files.draws_apart()
    assert given[-1]["handlers_known"] is True

    def unreadable():
        raise OSError("no /proc")

    monkeypatch.setattr(files, "system_load", unreadable)
    files.draws_apart()
    assert (given[-1]["cores"], given[-1]["load"], given[-1]["running"]) == (None, None, None)


def test_the_system_load_is_read_from_proc_loadavg():
    """`system_load` gives /proc/loadavg's first field and the running count of its fourth:
    this process, reading it, is running."""
    if not Path("/proc/loadavg").is_file():
        pytest.skip("no /proc/loadavg")
    load, running = files.system_load()
    assert load >= 0 and running >= 1


def test_a_stop_whose_handler_python_cannot_put_back_is_left_as_it_is(monkeypatch):
    """`stops_held` with SIGTERM's handler one installed outside Python (`signal.getsignal`
    None, as `draws_apart` refuses it but a test may force a child past it): SIGTERM is left
    alone, Ctrl-C is held and put back."""
    real_getsignal = signal.getsignal
    term, ctrl_c = real_getsignal(signal.SIGTERM), real_getsignal(signal.SIGINT)
    monkeypatch.setattr(files.signal, "getsignal",
                        lambda signum: None if signum == signal.SIGTERM else real_getsignal(signum))
    with files.stops_held():
        assert real_getsignal(signal.SIGTERM) is term
        assert real_getsignal(signal.SIGINT) is not ctrl_c
    assert real_getsignal(signal.SIGTERM) is term and real_getsignal(signal.SIGINT) is ctrl_c


def test_map_png_is_compressed_at_zlib_level_3(drawn_here):
    """map.png's image data is one zlib stream whose header gives its level's class (RFC 1950
    FLEVEL): 1, "fast" (levels 2 to 5), for PNG_COMPRESS_LEVEL 3; Pillow's default (6) gave 2.
    The map is `drawn_here`'s."""
    import struct

    data, at, idat = (drawn_here[2] / "map.png").read_bytes(), 8, b""
    while at < len(data):
        size, kind = struct.unpack(">I4s", data[at:at + 8])
        idat += data[at + 8:at + 8 + size] if kind == b"IDAT" else b""
        at += 12 + size
    assert mapplot.PNG_COMPRESS_LEVEL == 3
    assert idat[1] >> 6 == 1
