"""The solve job from scenario file to output folder, phase by phase, with timings."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from models import ModelInputs
from siting.config import progress
from siting.config.errors import InputError, NoSolution, OutputFolderError, PlanInfeasible
from siting.config.load import LoadedScenario, Override, Salvage, home_path, load_scenario
from siting.deliver import machine
from siting.deliver.folders import (
    SCENARIO_FROM_FOLDER,
    check_destination,
    destination_problems,
    extends_chain,
    input_files,
    present_inputs,
    scenario_folder,
    scenario_from_folder,
    write_folder_atomically,
)
from siting.deliver.geojson import json_text
from siting.deliver.prefetch import load_first_here, prefetch_drawing
from siting.optimize.explain import InfeasiblePlan
from siting.optimize.results import Plan
from siting.optimize.run import FixedStart, ModelSize, Solved, solve_prepared, solver_settings
from siting.optimize.solve import PlanValues, SolveReport, SolverSettings, at_next_run, plan_values
from siting.prepare.problem import Prepared, load_checked, prepare, redline_settings, with_layer_problems

if TYPE_CHECKING:
    from siting.deliver.explore import FileContent
    from siting.deliver.qgisproject import Overlay, PlanSheet, ShownPlan, ShownPlans
    from siting.optimize.alternatives import Alternative
    from siting.runs.calibrate import CalibrationOutput

#: The modules a solve job needs once solved, in that order, which `run_solve` loads while HiGHS
#: searches (siting/deliver/prefetch.py `prefetch_drawing`) and not before: the export's (which
#: brings the rest of siting/deliver: report, QGIS project and styles, web map, drivers, the
#: alternatives' files) and the calibration's.
AFTER_SOLVE = ("siting.deliver.files", "siting.runs.calibrate")


def export_files(*args: Any, **kwargs: Any) -> dict[str, str | Callable[[Path], None]]:
    """siting/deliver/files.py `export_files`, imported on first call (while HiGHS searches, the
    solve job's prefetch thread loads it, `AFTER_SOLVE`)."""
    from siting.deliver.files import export_files as export

    return export(*args, **kwargs)


@dataclass(repr=False, eq=False)
class RunResult:
    """What a solve job (`run_solve`, `siting.run`) did, its folder written.

    Attributes:
        prepared: the scenario as loaded and preprocessed (`siting.prepare.problem.Prepared`: the
            loaded scenario and catalog, the input layers, the spatial preprocessing, the model's inputs).
        report: what the solver said (`siting.optimize.solve.SolveReport`: status, objective and
            best bound in discounted yuan, gap as a share, termination).
        plan: the plan as read back (`siting.optimize.results.Plan`: builds, capacity, flows,
            costs in discounted yuan, targets, ...), the tables the files are written from.
        out_dir: the output folder written (absolute).
        timings: seconds per phase (load, preprocess, build, bound, solve, then rule_costs and
            alternatives when run, export and write), as the manifest's `run.timings_s` gives them.
        model_size: variables, integer variables and constraints of the model (counts).
        rule_costs: the rule-cost table (`siting.optimize.relax.rule_cost_table`, money in yuan)
            when asked for, else None.
        plan_values: the solved plan's variable values (`keep_plan`), to start a related run from;
            else None.
        near_optimal: with alternatives, the near-optimal set's costs against the optimum's
            (siting/optimize/alternatives.py `near_optimal_record`, as the manifest's `near_optimal`
            member gives it); else None.
        calibration: with a `calibration:` block, what the command line prints of it (mode
            fixed: whether the rules admit the real plants; mode choose: the plan's choice against
            them, product by product), as text; else None. calibration.md says it in full.
    """

    prepared: Prepared
    report: SolveReport
    plan: Plan
    out_dir: Path
    timings: dict[str, float]
    model_size: ModelSize
    rule_costs: pd.DataFrame | None = None
    plan_values: PlanValues | None = None
    near_optimal: dict[str, Any] | None = None
    calibration: str | None = None

    def __repr__(self) -> str:
        """Name, status with the gap (as the `solve` status line says them: "optimal within the gap,
        gap 1.48% (tolerance 2.00%)"), objective and folder, on one line (not the inputs and tables
        it holds)."""
        from siting.deliver.mapinfo import solve_outcome

        asked = self.prepared.loaded.scenario.solver
        status = solve_outcome(self.report, asked.rel_gap, asked.abs_gap_bn_yuan)
        return (f"RunResult({self.prepared.loaded.scenario.name!r}: {status}, objective "
                f"{self.objective_yuan / 1e9:,.2f} bn yuan, folder {str(self.out_dir)!r})")

    @property
    def objective_yuan(self) -> float:
        """The discounted objective (yuan), as `siting.Solution.objective_yuan` gives it (HiGHS's
        value, not rounded; the manifest gives it to 9 significant digits)."""
        return self.report.objective_yuan or 0.0


def run_solve(scenario_path: Path | str, out_dir: Path | None = None, time_limit_s: float | None = None,
              variant: str | None = None, overrides: tuple[Override, ...] = (), with_rule_costs: bool = False,
              create_parent: bool = True, alternatives: int = 0, slack: float = 0.05,
              start: PlanValues | FixedStart | None = None, keep_plan: bool = False,
              out_name: str = "--out", notices: Sequence[str] = (), label: str | None = None,
              show: bool = True, files: bool = True) -> RunResult:
    """The solve job: check the output folder, prepare, solve, and write every output into the
    folder at once; with `with_rule_costs`, also the cost of each rule family (rule_costs.csv
    and .md); with `alternatives` N > 0, also N near-optimal plans within `slack` of the
    optimum's cost, each in its own subfolder (alt01, ...), with their comparison and the
    robustness layer (see `alternative_files`). When the rules cannot be met together, the
    folder receives the diagnosis instead (siting/deliver/explore.py; its conflicts.md lists the
    run's notices) and PlanInfeasible is raised naming it; it and a NoSolution carry the run's
    notices (`notices_carried`). The output folder (`out_dir`, or the scenario's `output.folder`:
    siting/config/load.py `LoadedScenario.output_folder`) is checked against the rule of
    siting/deliver/folders.py before anything is preprocessed or solved (the scenario's
    `output.folder` is not to hold the outputs of another scenario or variant, which only a folder
    named for the run replaces: siting/deliver/folders.py `scenario_folder`); when it is refused, the
    problems of the scenario and its layers are listed with the folder's in one
    OutputFolderError (`with_input_problems`, `with_folder_problems`), so that neither hides the
    other. With `create_parent` false its parent folder must exist. `start` is a plan
    of a related run (its `plan_values`) that HiGHS starts from where it fits, or a `FixedStart`:
    a plan taken as this run's own with a bound already proven for this run, its decisions
    fixed and the rest solved as an LP, no search (siting/optimize/run.py `solve_fixed_start`;
    the outputs are those of a solve, with a notice saying so); with `keep_plan` the result
    carries this run's own (`RunResult.plan_values`). `out_name` is what the problems of
    `out_dir` call it (the command line's `--out`; `siting.run` says `out`). `notices` are added
    to the run's own (`Prepared.notices`: the report and the manifest give them), e.g. why a
    batch's run was solved again (siting/runs/pool.py `not_taken_notice`). `label` is the name a
    comparison or sweep gives the run (its column, `small-2`), which the diagnosis's conflicts.md
    and conflicts.png then name it by, with its scenario's name where that differs (`run_name`);
    without it, by its scenario's name. What the run says of its calibration is printed (the
    command line's) unless `show` is false, and kept in `RunResult.calibration` either way. The
    manifest and the report record the `variant` and the `overrides` as given, in their order (siting/deliver/
    manifest.py `override_records`), as do each alternative's. A write the disk refuses (full,
    over quota, read-only) raises OutputFolderError naming the folder, with nothing written
    there (siting/deliver/folders.py `write_errors_named`). With `files` false (a run of a batch
    kept in memory, siting/runs/pool.py `Case.files`) nothing is checked, exported, drawn or
    written: the result holds the solve and its plan (no rule costs or alternatives are asked of
    such a run), its `out_dir` the folder that was not written, `timings` without export and
    write; a PlanInfeasible says that the diagnosis was not written (NOT_WRITTEN). Such a run
    asks for neither rule costs nor alternatives, which are files of the folder."""
    if time_limit_s is not None and not (math.isfinite(time_limit_s) and time_limit_s > 0):
        raise InputError([f"--time-limit | must be a finite number of seconds greater than 0 (got {time_limit_s}); "
                          "give e.g. --time-limit 60"])
    if alternatives < 0 or not (math.isfinite(slack) and slack >= 0):
        raise InputError([f"--alternatives, --slack | must be a whole number of at least 0 and a share of at least 0 "
                          f"(got {alternatives}, {slack}); give e.g. --alternatives 5 --slack 0.05"])
    try:
        loaded = load_scenario(scenario_path, variant, overrides)
    except InputError as error:  # with the problems of its layers, where they can be read, and of the folder
        raise with_folder_problems(with_layer_problems(error), error.salvage, scenario_path, out_dir,
                                   out_name, variant) from None
    if files:
        destination, where = checked_destination(loaded, scenario_path, out_dir, out_name, variant, overrides)
    else:  # nothing is written: no folder to check
        destination, where = Path(out_dir if out_dir is not None else "").absolute(), out_name
    timings: dict[str, float] = {}
    prepared = prepare(scenario_path, timings, variant, overrides, loaded)  # the scenario read once
    prepared.notices.extend(notice for notice in notices if notice not in prepared.notices)
    loaded = prepared.loaded
    settings = solver_settings(loaded)
    if time_limit_s is not None:
        settings = dataclasses.replace(settings, time_limit_s=time_limit_s)
    findings, said_of_calibration = fixed_checks(prepared, show)
    if files:  # the export's code and map.png's load while HiGHS searches: from its first run on, not
        load_first_here()  # during the build and hand-off, which hold Python's lock
        machine.note_start()  # what the rest of the machine does from now on decides where map.png is drawn
    with (notices_carried(prepared.notices, not_searched(alternatives, with_rule_costs)),
          at_next_run(functools.partial(prefetch_drawing, AFTER_SOLVE) if files else None)):
        try:
            solved = solve_prepared(prepared, settings, timings, start=start)
        except InfeasiblePlan as infeasible:
            raise infeasible_failure(infeasible, prepared, findings, files, destination, create_parent, where, label,
                                     variant, overrides, not_searched(alternatives, with_rule_costs)) from None
    from siting.deliver.report import rule_cost_note
    from siting.deliver.tables import table_files
    from siting.optimize.relax import rule_cost_table, rule_costs
    from siting.runs.calibrate import SolveStanding, calibration_output

    costs = None
    kept = plan_values(solved.model) if keep_plan else None  # before any re-solve changes the values
    extra: dict[str, str | Callable[[Path], None]] = {}  # made before the export, so that the manifest lists them
    near_optimal = None
    overlays: tuple[Overlay, ...] = ()  # the robustness layer, for plan.gpkg and plan.qgs
    plan_set: ShownPlans | None = None  # with alternatives, theirs for plan.qgs to show one at a time
    pie_top = None  # with alternatives, the pie scale of every plan's maps
    if with_rule_costs:
        started = time.perf_counter()
        costs = rule_cost_table(solved.report, solved.plan,
                                rule_costs(model_inputs(prepared, solved), settings, solved.model, solved.solver),
                                prepared.names)
        timings["rule_costs"] = time.perf_counter() - started
        extra.update(table_files(costs, "rule_costs", rule_cost_note(prepared.inputs,
                                                                     (solved.report, solved.plan, prepared.names))))
    if alternatives:
        started = time.perf_counter()
        made, near_optimal, overlays, pie_top, plan_set = alternative_files(prepared, settings, solved, alternatives,
                                                                            slack, timings, variant, overrides)
        extra.update(made)
        timings["alternatives"] = time.perf_counter() - started
    asked = loaded.scenario.solver  # the status as the terminal's `status` line says it
    calibration = calibration_output(prepared, solved.plan, findings,
                                     SolveStanding.of(solved.report, asked.rel_gap, asked.abs_gap_bn_yuan))
    if calibration is not None:
        solved_said = _said(choice_text(calibration, findings), show,
                            lambda width: choice_text(calibration, findings, width))
        if calibration.fixed is not None:  # the verdict once solved, after what the checks before it found
            said_of_calibration = "\n".join(t for t in (said_of_calibration, solved_said) if t) or None
        else:
            said_of_calibration = solved_said or said_of_calibration
        extra.update(calibration.files)
    if not files:
        return RunResult(prepared, solved.report, solved.plan, destination, timings, solved.size, costs, kept,
                         near_optimal, said_of_calibration)
    with progress.phase("export"):
        files = export_files(prepared, solved.report, solved.plan, solved.size, timings, extra, variant=variant,
                             which=run_which(loaded.scenario.name, label),
                             overrides=overrides, calibration=calibration.stated if calibration is not None else None,
                             near_optimal=near_optimal, overlays=overlays, pie_top_yuan=pie_top, plans=plan_set)
    with progress.phase("write"):
        try:
            write_outputs(destination, files, timings, create_parent, where, loaded.scenario_path)
        except OutputFolderError as refused:
            if refused.kept is not None:  # complete in the kept folder: the caller may still show the plan
                refused.result = RunResult(prepared, solved.report, solved.plan, refused.kept, timings, solved.size,
                                           costs, kept, near_optimal)
            raise
    return RunResult(prepared, solved.report, solved.plan, destination, timings, solved.size, costs, kept,
                     near_optimal, said_of_calibration)


def fixed_checks(prepared: Prepared, show: bool) -> tuple[pd.DataFrame | None, str | None]:
    """A calibration in mode fixed: what the checks before the solve find (do the rules admit the
    real plants?) and what the run says of it (printed when `show`); (None, None) for any other
    scenario, whose solve so loads no calibration code before it (siting/runs/calibrate.py
    `fixed_findings`, `findings_text`)."""
    if prepared.loaded.scenario.calibration is None:
        return None, None
    from siting.runs.calibrate import findings_text, fixed_findings

    findings = fixed_findings(prepared)
    return findings, _said(findings_text(findings) if findings is not None else None, show,
                           lambda width: findings_text(findings, width) if findings is not None else None)


def infeasible_failure(infeasible: InfeasiblePlan, prepared: Prepared, findings: Any, files: bool,
                       destination: Path, create_parent: bool, where: str, label: str | None,
                       variant: str | None, overrides: tuple[Override, ...], unsearched: str) -> PlanInfeasible:
    """The PlanInfeasible `run_solve` raises when the rules cannot be met together: the diagnosis
    written into `destination` (siting/deliver/explore.py `diagnosis_files`; with a calibration of
    mode fixed, `findings`, its verdict, which names the conflicts with the real plants each
    involves, and its files, conflicts.md saying the real plants are held as the plan) and named
    in the message, which carries the diagnosis as data; without `files`, nothing written and
    the message saying so (NOT_WRITTEN). `unsearched` is what was not searched for
    (`not_searched`)."""
    from siting.deliver.explore import diagnosis_files, diagnosis_record
    from siting.runs.calibrate import diagnosis_note, fixed_calibration, fixed_files

    loaded = prepared.loaded
    fixed = fixed_calibration(prepared, findings, diagnosis=infeasible.diagnosis) if findings is not None else None
    said = f"\ncalibration: {fixed.verdict}" if fixed is not None else ""
    if not files:
        failed = PlanInfeasible(f"{infeasible}{said}{unsearched}\nthe diagnosis was {NOT_WRITTEN}")
        failed.diagnosis, failed.presolve, failed.folder = infeasible.diagnosis, infeasible.presolve, None
        return failed
    diagnosis = diagnosis_files(infeasible.diagnosis, prepared.spatial, redline_settings(loaded),
                                run_name(loaded.scenario.name, label), infeasible.presolve, prepared.names,
                                diagnosis_record(loaded, prepared.layers.paths, variant, overrides, prepared.notices,
                                                 prepared.input_sha256, prepared.input_bases),
                                diagnosis_note(fixed) if fixed is not None else "")
    diagnosis.update(fixed_files(fixed) if fixed is not None else {})
    write_folder_atomically(destination, diagnosis, create_parent, where)
    shown = [name for name in ("conflicts.md", "conflicts.geojson", "conflict_sites.geojson", "conflicts.png")
             if name in diagnosis]  # a layer without features is not written
    failed = PlanInfeasible(f"{infeasible}{said}{unsearched}\nthe diagnosis ({', '.join(shown)}) is in {destination}")
    failed.diagnosis, failed.presolve = infeasible.diagnosis, infeasible.presolve
    failed.folder = destination
    return failed


def checked_destination(loaded: Any, scenario_path: Path | str, out_dir: Path | None, out_name: str,
                        variant: str | None, overrides: tuple[Override, ...]) -> tuple[Path, str]:
    """The output folder of `run_solve` (`out_dir`, or the scenario's `output.folder`, not to
    replace the outputs of another scenario or variant there) checked before anything is solved
    (siting/deliver/folders.py `check_destination`), and what its problems call it; when it is
    refused, OutputFolderError with the problems of the scenario's layers too
    (`with_input_problems`)."""
    try:
        run = None
        if out_dir is not None:
            target, where = Path(out_dir), out_name
        else:  # the scenario's: not to replace the outputs of another scenario or variant there
            target, where = loaded.output_folder()
            run = scenario_folder(loaded, variant, out_name)
        return check_destination(target, input_files(loaded), where, run), where
    except OutputFolderError as refused:  # with the problems of the layers, before anything is solved
        raise with_input_problems(refused, scenario_path, variant, overrides) from None


#: How the error of a run that writes no files (`run_solve` with `files` false: `siting.compare`
#: and `siting.sweep` without `out`) says where its diagnosis is: "the diagnosis was not written
#: (pass out= to keep it)".
NOT_WRITTEN = "not written (pass out= to keep it)"


def choice_text(calibration: CalibrationOutput, findings: pd.DataFrame | None = None,
                width: int | None = None) -> str | None:
    """What a run with a calibration says of the solved plan: in mode choose, the plan's choice
    against the real plants, the table, product by product, and the note on quantities; in mode
    fixed, the verdict once solved ("calibration: the rules admit every real plant, but the model
    holds ..."), None where it says no more than the checks before the solve (`findings`) did.
    With `width`, as the terminal prints it: the sentences wrapped to `width` terminal columns
    (siting/runs/calibrate.py `terminal_text`), the table laid out to it; without, each sentence on
    one line and the table at TERMINAL_WIDTH (`RunResult.calibration`)."""
    from siting.deliver.tables import text_table
    from siting.runs.calibrate import quantity_summary, terminal_text, verdict_text

    if calibration.fixed is not None:
        before = verdict_text(findings) if findings is not None else None
        verdict = calibration.fixed.verdict
        return None if verdict == before else terminal_text([f"calibration: {verdict}"], width)
    said = quantity_summary(calibration.choice) if calibration.choice is not None else ""
    table = text_table(calibration.table) if width is None else text_table(calibration.table, width, "calibration.csv")
    lines = [terminal_text(["calibration: the plan's choice against the real plants"], width), table]
    return "\n".join(lines + ([terminal_text([said], width)] if said else []))


def _said(text: str | None, show: bool, shown: Callable[[int], str | None] | None = None) -> str | None:
    """`text`, printed first when `show` and there is one: as `shown` lays it out to the
    terminal's width (`terminal_width`) where given, else as it is."""
    if text is not None and show:
        from siting.deliver.tables import terminal_width

        if shown is not None:
            text_shown = shown(terminal_width())
            print(text if text_shown is None else text_shown, flush=True)
        else:
            print(text, flush=True)
    return text


def run_which(scenario: str, label: str | None) -> str:
    """Which plan of a batch a run's plan is, for the titles of its map.png, plan.qgs and report
    (siting/deliver/files.py `map_title`'s `which`, siting/deliver/report.py `report_title`): "run
    small-2" for the run a comparison or sweep labels `small-2` (a label that is not its scenario's
    name: the same scenario file given twice, or a sweep's "run01 redline.buffer_m=500"); "" for a
    run without a label or labelled by its scenario's name, whose title names it already."""
    if not label or label == scenario:
        return ""
    return f"run {label}"


def run_name(scenario: str, label: str | None) -> str:
    """How a run's diagnosis names it: by `label`, the name a comparison or sweep gives it, followed
    by its scenario's name where that differs ("small-2 (scenario small)", two files sharing the name
    `small`); by its scenario's name without a label."""
    if not label or label == scenario:
        return scenario
    return f"{label} (scenario {scenario})"


def not_searched(alternatives: int, with_rule_costs: bool) -> str:
    """The line a run without a plan adds to its message for what was asked beside the plan and
    not done, each starting from the plan: "\nthe 2 near-optimal alternatives and the rule costs
    asked for were not searched: each starts from a plan"; "" when nothing was asked."""
    asked = ([f"the {alternatives} near-optimal alternative{'s' if alternatives != 1 else ''}"] if alternatives else []
             ) + (["the rule costs"] if with_rule_costs else [])
    if not asked:
        return ""
    were = "was" if alternatives == 1 and not with_rule_costs else "were"  # "the rule costs ... were"
    return f"\n{' and '.join(asked)} asked for {were} not searched: each starts from a plan"


@contextlib.contextmanager
def notices_carried(notices: list[str], asked: str = "") -> Iterator[None]:
    """Give a PlanInfeasible or NoSolution raised in the block the run's `notices` (as they stand
    when it is raised: the solve adds some), so that a run without a plan still says them: the
    command line prints them with the message (siting/cli.py), as a plan's summary would. A
    NoSolution's message ends with `asked` (`not_searched`: what was asked beside the plan)."""
    try:
        yield
    except (PlanInfeasible, NoSolution) as error:
        error.notices = tuple(notices)
        if asked and isinstance(error, NoSolution):
            error.args = (f"{error}{asked}",)
        raise


#: What the heading of a message with problems of both the input and the output folder says they
#: concern: "2 problems in the input and with the output folder:".
BOTH_CONCERNED = "in the input and with the output folder"


def refused_together(input_problems: Sequence[str], folder_problems: Sequence[str]) -> OutputFolderError:
    """One OutputFolderError listing the problems of the input (first, in the order given) and
    those of the output folder, under the heading "N problems in the input and with the output
    folder:" (exit 2 on the command line, as either alone)."""
    error = OutputFolderError([*input_problems, *folder_problems])
    error.concerning = BOTH_CONCERNED
    return error


def with_input_problems(refused: OutputFolderError, scenario_path: Path | str, variant: str | None,
                        overrides: tuple[Override, ...]) -> OutputFolderError:
    """`refused` (the output folder's problems, found once the scenario file loaded) with every
    problem of the scenario's layers and of the references to them (siting/prepare/problem.py
    `load_checked`: the checks a run makes before preprocessing), so that a refused folder does
    not hide them: `refused_together`, or `refused` itself where the layers have none. Reads the
    layers again; builds and solves nothing."""
    try:
        load_checked(scenario_path, variant, overrides)
    except InputError as error:
        return refused_together(error.problems, refused.problems)
    return refused


def salvaged_inputs(salvage: Salvage | None, path: Path | str) -> list[Path]:
    """The input files known for sure of a scenario that did not load, which an output folder
    must not hold (`with_folder_problems`; siting/runs/batch.py for compare and sweep): with
    `salvage` (what could be made of it) whose `layers` passed the schema, every input file; with
    another `salvage`, the scenario and its bases; without one, the scenario file `path`. Only
    those that are there (siting/deliver/folders.py `present_inputs`): a file that is not, the
    scenario file itself among them, is reported missing, and no folder is refused for it."""
    if salvage is not None and salvage.faults.ok("layers"):
        return input_files(salvage.loaded)
    if salvage is not None:
        return present_inputs([salvage.loaded.scenario_path, *extends_chain(salvage.loaded.scenario_path)])
    return present_inputs([home_path(path)])


def checked_before_solving(scenario_path: Path, out_dir: Path | None, variant: str | None,
                           overrides: tuple[Override, ...], out_name: str, timings: dict[str, float]
                           ) -> tuple[Prepared, Path]:
    """What `run_solve` checks before it solves, writing nothing: the scenario loaded, with the
    problems of its layers and of the output folder in one message where it does not load
    (`with_layer_problems`, `with_folder_problems`); the output folder (`out_dir`, as `out_name`
    names it, or the scenario's output.folder) checked by the rule of siting/deliver/folders.py
    (`destination_problems`, which removes nothing, where `run_solve`'s `check_destination`
    removes what killed runs left beside the folder), its refusal listed with the layers'
    problems (`with_input_problems`); then siting/prepare/problem.py `prepare` (with `timings`):
    the layers read and checked, the preprocessing and the model's inputs. Returns the prepared
    problem and the folder a solve would write to; raises the InputError (an OutputFolderError
    for the folder) that `run_solve` raises, with its text. For `siting check` and for a refused
    argument of `siting.run` (`slack` without `alternatives`), listed with every problem of
    the input."""
    try:
        loaded = load_scenario(scenario_path, variant, overrides)
    except InputError as error:
        raise with_folder_problems(with_layer_problems(error), error.salvage, scenario_path, out_dir,
                                   out_name, variant) from None
    try:
        target, where = (Path(out_dir), out_name) if out_dir is not None else loaded.output_folder()
        run = scenario_folder(loaded, variant, out_name) if out_dir is None else None
        problems = destination_problems(target, input_files(loaded), where, run)
        if problems:
            raise OutputFolderError(problems)
    except OutputFolderError as refused:
        raise with_input_problems(refused, scenario_path, variant, overrides) from None
    return prepare(scenario_path, timings, variant, overrides), target


def with_folder_problems(error: InputError, salvage: Salvage | None, scenario_path: Path | str,
                         out_dir: Path | None, out_name: str, variant: str | None = None) -> InputError:
    """`error` (the problems of a scenario that did not load, its layers' among them) with those of
    the output folder (siting/deliver/folders.py `destination_problems`), so that one message
    lists both: `out_dir` as `out_name` names it, or, without it, the scenario's `output.folder`
    where it passed the schema (`salvage`: what could be made of the scenario). The folder must
    not hold an input: those known for sure are the scenario, its bases, and with `salvage` whose
    `layers` passed the schema, the catalog, the committed projects and the layers. `error`
    itself when the folder is fine or not known. Changes nothing on disk. Where the folder is the
    scenario's `output.folder`, it may not hold the outputs of another scenario file or `variant`
    either (siting/deliver/folders.py `scenario_folder`), as for a scenario that loads."""
    loaded = salvage.loaded if salvage is not None else None
    run = None
    if out_dir is not None:
        target, where = Path(out_dir), out_name
    elif loaded is not None and salvage is not None and salvage.faults.ok("output"):
        try:
            target, where = loaded.output_folder()
        except OutputFolderError as refused:
            return refused_together(error.problems, refused.problems)
        # a variant the scenario does not define is the error: no folder of its own to compare
        run = scenario_folder(loaded, variant, out_name) if defines_variant(loaded, variant) else None
    else:
        return error
    problems = destination_problems(target, salvaged_inputs(salvage, scenario_path), where, run)
    return refused_together(error.problems, problems) if problems else error


def defines_variant(loaded: LoadedScenario, variant: str | None) -> bool:
    """Whether `variant` (None: the base scenario, always there) is one the scenario `loaded`
    applied: a variant it does not define was refused as it loaded (siting/config/load.py
    `unknown_variant_problem`), and the base scenario checked in its place, with no layer of its
    keys in `loaded`'s locator."""
    if variant is None or loaded.locator is None:
        return True
    return any(origin.prefix[-2:] == ("variants", variant) for origin, _data in loaded.locator.layers)


def write_outputs(destination: Path, files: Mapping[str, FileContent], timings: dict[str, float],
                  create_parent: bool = True, where: str = "--out", scenario: Path | None = None) -> None:
    """Write a run's `files` into `destination` all at once (siting/deliver/folders.py
    `write_folder_atomically`), timing it: `timings["write"]` is the seconds from the start until
    every file but manifest.json is written, and manifest.json, written last, gives the same figure
    under `run.timings_s.write`, so that the terminal's time line and the manifest agree (the
    manifest itself and the final rename, a few milliseconds, are not counted). A write the disk
    refuses raises OutputFolderError naming the folder as `where` gives it (the setting it came
    from), with nothing written there. With `scenario` (the run's scenario file), the manifest
    records its path from `destination` under `run.scenario_from_folder` (siting/deliver/
    folders.py `scenario_from_folder`; left out where there is none), which tells two scenario
    files of the same name apart when a later run's `output.folder` is this folder
    (`another_run_problem`); `run` is the member the marker leaves out of the manifest's SHA-256,
    so that the other files and the marker stay the same wherever the folder is."""
    manifest_text = files.get("manifest.json")
    if not isinstance(manifest_text, str):
        write_folder_atomically(destination, files, create_parent, where)
        return
    started = time.perf_counter()
    from_folder = scenario_from_folder(scenario, destination) if scenario is not None else None

    def write_manifest(target: Path) -> None:
        data = json.loads(manifest_text)
        timings["write"] = time.perf_counter() - started
        data["run"]["timings_s"]["write"] = round(timings["write"], 3)
        if from_folder is not None:
            data["run"][SCENARIO_FROM_FOLDER] = from_folder
        target.write_text(json_text(data), encoding="utf-8", newline="\n")

    ordered: dict[str, FileContent] = {name: content for name, content in files.items() if name != "manifest.json"}
    ordered["manifest.json"] = write_manifest
    write_folder_atomically(destination, ordered, create_parent, where)


def model_inputs(prepared: Prepared, solved: Solved) -> ModelInputs:
    """The inputs the solved model was built from: with candidate cells, those of the screened
    model (siting/optimize/screening.py), so that re-solves stay as small; else the prepared ones."""
    screened = getattr(solved, "inputs", None)
    return screened if screened is not None else prepared.inputs


def alternative_files(prepared: Prepared, settings: SolverSettings, solved: Solved, count: int, slack: float,
                      timings: dict[str, float], variant: str | None = None, overrides: tuple[Override, ...] = ()
                      ) -> tuple[dict[str, str | Callable[[Path], None]], dict[str, Any], tuple[Overlay, ...], float,
                                 ShownPlans]:
    """The near-optimal alternatives of a solved plan (siting/optimize/alternatives.py): each
    plan's own outputs in `altNN/` (its manifest gives its cost, not proven optimal, against the
    optimum's and its proven bound, and the run's `variant` and `overrides`), the comparison
    `alternatives.csv` / `.md` and `robustness.geojson` with its style, table and map; with the
    set's record for the optimum's own manifest and report (`near_optimal_record`), the
    robustness layer for the optimum's plan.gpkg and plan.qgs (`plans_files`) and the pie scale
    (yuan) every plan's maps are on, the optimum's too (siting/deliver/files.py `plans_pie_scale`,
    `export_files`' `pie_top_yuan`), and the alternatives for the optimum's plan.qgs to show one
    at a time (`plans_files`' `ShownPlans`)."""
    from siting.deliver.files import plans_pie_scale
    from siting.optimize.alternatives import Alternative, near_optimal_plans, near_optimal_record

    optimum = Alternative("optimum", solved.report, solved.plan)
    plans = near_optimal_plans(model_inputs(prepared, solved), settings, count, slack, optimum=optimum,
                               solved=solved.model)
    files, overlays, shown = plans_files(prepared, plans, solved.size, timings, slack, solved.report.gap, variant,
                                         overrides)
    return (files, near_optimal_record(plans, slack, "optimum"), overlays, plans_pie_scale([p.plan for p in plans]),
            shown)


def plans_files(prepared: Prepared, plans: list[Alternative], size: ModelSize, timings: dict[str, float],
                slack: float, gap: float | None, variant: str | None = None, overrides: tuple[Override, ...] = ()
                ) -> tuple[dict[str, str | Callable[[Path], None]], tuple[Overlay, ...], ShownPlans]:
    """The files of near-optimal `plans` (the optimum first): `altNN/` per alternative, the
    comparison and the robustness layer (see `alternative_files`), and that layer in
    robustness.qml's style for the optimum's plan.gpkg and plan.qgs (siting/deliver/files.py
    `export_files`' `overlays`), made once for both; each folder's manifest and
    report record the run's `variant` and `overrides` (siting/deliver/manifest.py), and its
    map.png's and plan.qgs's titles name it ("alternative alt01 of 2"). Every map of the set is
    drawn on one pie scale, the largest built site's capex over all `plans` (siting/deliver/files.py
    `plans_pie_scale`), which the caller gives the optimum's `export_files` too (`pie_top_yuan`),
    so that the same pie means the same capex on each. The optimum's plan.qgs shows every plan of
    the set, one at a time (the `ShownPlans` returned, for `export_files`' `plans`: each
    alternative's layers from its altNN/plan.gpkg, named as `plan_theme_names` says). Making them
    (each folder's layers, map and report, then the comparison's) takes seconds each, so it is
    counted on the progress (`alternatives' files`: one step per folder and one for the
    comparison)."""
    from siting.deliver.explore import alternatives_files as explore_files
    from siting.deliver.explore import (
        optimum_decimals,
        plan_theme_names,
        robustness_kinds,
        robustness_layer,
        robustness_sheet_line,
        subfolder_writer,
    )
    from siting.deliver.files import plans_pie_scale
    from siting.deliver.qgisproject import Overlay, ShownPlan, ShownPlans, moved_sheet
    from siting.optimize.alternatives import ALTERNATIVE_TERMINATION, near_optimal_record

    files: dict[str, str | Callable[[Path], None]] = {}
    pie_top = plans_pie_scale([alternative.plan for alternative in plans])
    # each plan's cost as the optimum's plan.qgs title gives its objective
    names = plan_theme_names(near_optimal_record(plans, slack, "optimum"), optimum_decimals(plans))
    shown: list[ShownPlan] = []
    counter = progress.steps(len(plans), "alternatives' files")
    try:
        for alternative in plans[1:]:
            label = f"{alternative.label}/"
            counter.begin(label)
            counter.beat()
            # Its search minimised the overlap with the plans before it, not the cost: its ending says nothing
            # of the cost, which is bounded only by the slack.
            report = dataclasses.replace(alternative.report, objective_yuan=alternative.cost_yuan,
                                         best_bound_yuan=None, gap=None, proven_optimal=False,
                                         termination=ALTERNATIVE_TERMINATION)
            sheets: list[PlanSheet] = []
            own = export_files(prepared, report, alternative.plan, size, dict(timings), variant=variant,
                               overrides=overrides, which=f"alternative {alternative.label} of {len(plans) - 1}",
                               near_optimal=near_optimal_record(plans, slack, alternative.label), pie_top_yuan=pie_top,
                               sheets=sheets)
            # its sheet's title ends with its cost over the optimum's, as its own map.png's
            shown.extend(ShownPlan(names[alternative.label], moved_sheet(sheet, alternative.label, alternative.label))
                         for sheet in sheets)
            files[alternative.label] = subfolder_writer(own)
            counter.advance(label, "made")
        counter.begin("comparison")
        counter.beat()
        layer = robustness_layer(plans, prepared.inputs, prepared.spatial)
        files.update(explore_files(plans, prepared.inputs, prepared.spatial, slack, prepared.loaded.scenario.name,
                                   gap, prepared.names, layer))
        counter.advance("comparison", "made")
    finally:
        counter.close()
    return (files, (Overlay(layer, str(files["robustness.qml"]), *robustness_kinds(plans),
                            sheet_line=robustness_sheet_line(plans, slack)),),
            ShownPlans(names[plans[0].label], tuple(shown), plans[0].label))
