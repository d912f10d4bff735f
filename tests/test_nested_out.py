"""An output folder that lies inside a folder siting wrote is refused.

A folder holding a `.siting-run` marker is replaced as a whole only while it holds nothing but
what its marker lists: a run written anywhere inside it (under an alternative's `altNN/`, under an
`altNN/` the run does not have, under a run of a comparison, or deep down) would leave it holding
files it did not write, and a later run into it would be refused. Such a folder is refused before
anything is written, exit 2, naming the folder siting wrote and saying to choose a folder outside
it. The more specific refusals (an alternative's `altNN/` itself, a comparison's run folder itself)
come first. A folder beside a run folder is still allowed, and so are the runs a comparison writes
into its own staging folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from siting.cli import main
from siting.config.errors import OutputFolderError
from siting.deliver import folders

SMALL = Path(__file__).parent / "data" / "small" / "scenario.yaml"


def files_of(folder: Path) -> dict[str, bytes | None]:
    """Every file and folder under `folder`, by relative path, with a file's bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else None
            for p in sorted(folder.rglob("*"))}


def solve_with_alternatives(folder: Path) -> Path:
    """A folder as `solve --alternatives 2` writes it (the files' content aside): the optimum's
    files, and alt01/ and alt02/ listed file by file in its marker."""
    for sub in ("", "alt01/", "alt02/"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
        for name in ("plan.csv", "report.md", "manifest.json"):
            (folder / sub / name).write_text(f"{sub}{name}\n", encoding="utf-8")
    (folder / "alternatives.csv").write_text("plan\noptimum\n", encoding="utf-8")
    folders.write_marker(folder, folders.written_entries(folder))
    return folder


def comparison(folder: Path) -> Path:
    """A folder as `compare` writes it: a run folder `yunnan_2024/` with its own marker, listed as
    `yunnan_2024/` in the comparison's marker beside comparison.csv."""
    run = folder / "yunnan_2024"
    run.mkdir(parents=True)
    (run / "plan.csv").write_text("plan\n", encoding="utf-8")
    folders.write_marker(run, folders.written_entries(run))
    (folder / "comparison.csv").write_text("run\nyunnan_2024\n", encoding="utf-8")
    folders.write_marker(folder, folders.written_entries(folder))
    return folder


def lies_inside(run: Path, out: Path) -> str:
    return (f"--out | the output folder lies inside {run}, a folder siting wrote (it holds a {folders.MARKER} "
            f"marker); a later run into {run} would find files there that it did not write, and be refused "
            f"(got {out}); choose a folder outside {run}")


@pytest.mark.parametrize("below", ["alt01/sub", "alt05", "alt05/sub", "a/b/c", "alt01/a/b"])
def test_a_folder_inside_a_run_folder_is_refused_naming_it(tmp_path: Path, below: str) -> None:
    run = solve_with_alternatives(tmp_path / "RUN")
    before = files_of(tmp_path)
    out = run / below
    assert folders.destination_problems(out, [], "--out") == [lies_inside(run, out)]
    with pytest.raises(OutputFolderError):
        folders.check_destination(out, [], "--out")
    assert files_of(tmp_path) == before


def test_a_folder_inside_a_run_of_a_comparison_names_the_comparison(tmp_path: Path) -> None:
    compared = comparison(tmp_path / "CMP")
    before = files_of(tmp_path)
    for out in (compared / "yunnan_2024" / "x", compared / "yunnan_2024" / "a" / "b", compared / "new"):
        assert folders.destination_problems(out, [], "--out") == [lies_inside(compared, out)]
    assert files_of(tmp_path) == before


def test_the_specific_refusals_come_first(tmp_path: Path) -> None:
    run = solve_with_alternatives(tmp_path / "RUN")
    compared = comparison(tmp_path / "CMP")
    assert "is alternative alt01 of the run in" in folders.destination_problems(run / "alt01", [], "--out")[0]
    assert "is alternative alt02 of the run in" in folders.destination_problems(run / "alt02", [], "--out")[0]
    said = folders.destination_problems(compared / "yunnan_2024", [], "--out")[0]
    assert "is run yunnan_2024 of the comparison in" in said


def test_a_folder_beside_a_run_folder_and_the_run_folder_itself_may_be_written(tmp_path: Path) -> None:
    run = solve_with_alternatives(tmp_path / "RUN")
    comparison(tmp_path / "CMP")
    assert folders.destination_problems(tmp_path / "RUN2", [], "--out") == []
    assert folders.destination_problems(tmp_path / "other" / "deep", [], "--out") == []
    assert folders.destination_problems(run, [], "--out") == []
    assert folders.destination_problems(tmp_path / "CMP", [], "--out") == []


def test_a_run_of_a_batch_in_its_staging_folder_may_be_written(tmp_path: Path) -> None:
    staging = folders.staging_folder(tmp_path / "CMP")
    assert folders.is_ours(staging)
    assert folders.destination_problems(staging / "yunnan_2024", [], "--out") == []


def test_solve_into_a_folder_inside_a_run_folder_exits_2(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    run = solve_with_alternatives(tmp_path / "RUN")
    before = files_of(tmp_path)
    for below in ("alt01/sub", "alt05"):
        assert main(["solve", str(SMALL), "--out", str(run / below)]) == 2
        err = capsys.readouterr().err
        assert f"the output folder lies inside {run}, a folder siting wrote" in err
        assert f"choose a folder outside {run}" in err
        assert files_of(tmp_path) == before


def test_check_says_a_folder_inside_a_comparison_may_not_be_written(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    compared = comparison(tmp_path / "CMP")
    before = files_of(tmp_path)
    out = compared / "yunnan_2024" / "x"
    assert main(["check", str(SMALL), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert "may be written" not in captured.out
    assert lies_inside(compared, out) in captured.err
    assert files_of(tmp_path) == before
