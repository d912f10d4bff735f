"""`siting.run(..., slack=S)` without `alternatives` lists its refusal first with every problem
`run` finds before it solves (the scenario's, its layers' and the output folder's, under the
heading of both when the folder is refused), as `siting solve --slack` without `--alternatives`
does (tests/test_bad_options_together.py), rather than refusing it alone before reading anything.
Solves and writes nothing. The small scenario of tests/data/small (`folder`, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import siting

SLACK = "slack | applies to the alternatives only (got 0.1 without alternatives); add alternatives=N, or drop slack"
SITES = ("nope.geojson: sites layer not found; check overrides layers.sites.path (a relative path in overrides starts "
         "at the current folder)")
FILE = ("out | the output folder is an existing file, not a folder (got afile); give the path of a new folder, an "
        "empty one, or an earlier output folder")


@pytest.mark.parametrize(("options", "kind", "heading", "expected"), [
    ({"out": "afile"}, siting.OutputFolderError, "2 problems in the input and with the output folder:",
     [SLACK, FILE]),
    ({"overrides": ["layers.sites.path=nope.geojson"]}, siting.InputError, "2 problems in the input:",
     [SLACK, SITES]),
    ({"overrides": ["layers.sites.path=nope.geojson"], "out": "afile"}, siting.OutputFolderError,
     "3 problems in the input and with the output folder:", [SLACK, SITES, FILE]),
    ({"out": "new"}, siting.InputError, "1 problem in the input:", [SLACK]),
])
def test_slack_without_alternatives_comes_with_the_other_problems(folder: Path, monkeypatch, options, kind,
                                                                   heading, expected):
    monkeypatch.chdir(folder)
    (folder / "afile").write_text("a file of the user's\n")
    before = sorted(p.name for p in folder.iterdir())
    with pytest.raises(siting.InputError) as raised:
        siting.run("scenario.yaml", slack=0.1, **options)
    assert type(raised.value) is kind
    assert raised.value.heading() == heading
    assert [p.replace(str(folder) + "/", "") for p in raised.value.problems] == expected
    assert sorted(p.name for p in folder.iterdir()) == before
    assert (folder / "afile").read_text() == "a file of the user's\n"
