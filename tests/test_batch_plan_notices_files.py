"""comparison.md and sweep.md give the notices of the runs with a plan, as `siting compare` and
`siting sweep` print them under their table (tests/test_batch_plan_notices.py): a planner who
reads the file later, or a colleague it is mailed to, must not read a run's figures without the
notice that a price was likely typed in 万 yuan. Grouped as on screen ("all runs: ..." once, then
each run's own), every notice of each group (the file is the whole record), each run a relative
link to its report.md; the tables are unchanged, and two batches of the same inputs write the
same bytes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_batch_plan_notices import HEAD, case  # noqa: F401

from siting.cli import main
from siting.runs.pool import CaseSummary
from tests.conftest import SLIP_SWEEP, WarnedRun

#: How the notice of the FePO4 price slip begins in a file (as the run's report.md gives it).
SLIP = "- slip_catalog.yaml:10: products.fepo4.price_yuan_per_unit | below 10 %"


def _block(text: str) -> list[str]:
    """The lines of `text` from the notices of the runs with a plan on."""
    lines = text.splitlines()
    return lines[lines.index(HEAD):]


def _links(line: str) -> list[tuple[str, str]]:
    return re.findall(r"\[([^\]]+)\]\(([^)]+)\)", line)


def test_comparison_md_names_the_run_with_notices(slip_compare_run: WarnedRun) -> None:
    """`siting compare scenario.yaml slip.yaml --workers 1 --quiet` from the case's folder:
    conftest's `slip_compare_run`."""
    out = slip_compare_run.out
    text = (out / "comparison.md").read_text(encoding="utf-8")
    said = _block(text)
    assert said[1:4] == ["", "[small-2](small-2/report.md): 1 notice", ""]
    assert said[4].startswith(SLIP) and len(said) == 5  # the baseline has none: not named
    assert (out / "small-2" / "report.md").is_file()
    assert said[4][2:] in (out / "small-2" / "report.md").read_text(encoding="utf-8")
    assert text.count("slip_catalog.yaml:10") == 1
    assert text.index("| metric |") < text.index(HEAD)  # under the table, which is unchanged
    assert "slip_catalog" not in (out / "comparison.csv").read_text(encoding="utf-8")


def test_sweep_md_says_a_notice_every_run_has_once_and_is_the_same_each_time(
        slip_sweep_run: WarnedRun, case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """The first batch is conftest's `slip_sweep_run` (its own copy of the inputs, `SLIP_SWEEP` as
    typed in it); the second runs here, on another copy, the same way."""
    monkeypatch.chdir(case)
    first = slip_sweep_run.out
    assert main([*SLIP_SWEEP, "--out", str(tmp_path / "b"), "--workers", "1", "--quiet"]) == 0
    written = [(out / "sweep.md").read_bytes() for out in (first, tmp_path / "b")]
    assert written[0] == written[1]  # byte-identical between two batches of the same inputs
    text = written[0].decode("utf-8")
    said = _block(text)
    assert said[2] == ("all runs: 1 notice ([run01 buffer_m=500](run01/report.md), "
                       "[run02 buffer_m=1000](run02/report.md))")
    assert all((first / target).is_file() for _, target in _links(said[2]))
    assert said[4].startswith(SLIP) and len(said) == 5
    assert text.count("slip_catalog.yaml:10") == 1
    assert not any(re.match(r"\[?run0\d .*: \d+ notices?$", line) for line in said)


def _run(label: str, notices: list[str], ok: bool = True) -> CaseSummary:
    return CaseSummary(label=label, ok=ok, notices=tuple(notices), out_dir=f"/o/{label}")


def test_every_notice_is_in_the_file_and_a_label_stays_text() -> None:
    """The terminal shows the first few notices of a long list; the file gives them all. A label
    with brackets (a swept list value) is escaped in its link's text, and its folder quoted."""
    from siting.runs.tables import plan_notices_note

    many = [f"notice {i}" for i in range(6)]
    label = "run02 categories=[lake, forest_park]"
    runs = [_run("run01 a=1", []), _run(label, many), _run("run03 a=3", ["why"], ok=False)]
    note = plan_notices_note(runs, {"run01 a=1": "run01", label: "run 02"})
    assert note.split("\n\n") == [
        HEAD, r"[run02 categories=\[lake, forest_park\]](run%2002/report.md): 6 notices",
        "\n".join(f"- {n}" for n in many)]
    assert plan_notices_note([_run("run01 a=1", []), _run("run02", ["x"], ok=False)], {}) == ""
