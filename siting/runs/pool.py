"""Many independent solves: comparison runs and sweeps, in parallel processes or on Dask.

A run is a `Case` (scenario file, variant, overrides, output folder). `run_case` solves it,
writes its outputs as `solve` does, and returns a plain `CaseSummary`; a failure (bad input,
infeasible, no solution, anything else) is reported in the summary instead of raised, so one
run never stops the others. Summaries come back in case order whatever order runs finish in.
The one exception is a disk that refuses a run's write for good (full, over quota, read-only:
DISK_STOPS), as every run after it would be refused too: then no further run is started, those
under way end (on Dask they are cancelled) and `run_cases` raises BatchStopped.

Warm starts (`warm`, as sweeps run): the first case is solved first, alone, and every other
case starts from its plan (a MIP start by variable name and index: siting/optimize/solve.py
`start_on`; HiGHS keeps what fits and drops a start that breaks the case's rules). Every case
starts from the same plan, whatever the number of workers and the order in which runs finish,
so the runs stay reproducible. The price is that the other workers wait for the first run.

Cross-starts (`cross`, as sweeps and comparisons run): each run is solved only to its gap, so a
run whose rules admit more plans (a looser red line) can end dearer than one whose rules admit
fewer. Once every run is solved, each run's plan is costed in every other run (`cross_check`: its whole-number
decisions fixed, the rest solved as an LP, siting/optimize/solve.py `plan_cost`). A run for
which some other run's plan meets the rules and costs less than its own, by more than
CROSS_TOLERANCE of it, moves to the cheapest such plan (the earliest run on a tie):
- when the run's own solve proved a lower bound LB of its optimum (the same model) and that
  plan, of cost c in the run, lies within the run's gap of it ((c - LB) / |c|, a proven gap of
  the run's model), the run takes the plan as it is, with that bound, without a new search
  (siting/optimize/run.py `solve_fixed_start`: its outputs are those of a solve, a notice
  names the plan's run and says whence the bound comes, and its manifest's settings and timings
  are those of its own search, `CaseSummary.own_search`, with the plan's costing beside them);
- otherwise (no bound, or the plan lies above the run's gap from it) the run is solved again
  starting from that plan, and keeps that solve when it is no dearer than its own plan (it is
  no dearer than its start when HiGHS keeps the start, siting/optimize/counts.py). So is a run
  whose taking of the plan failed (any error), and then the failure is said: on the progress
  line of its cross-start, in a notice of the new solve's report and manifest, and in the
  batch's note on the runs that moved (`CaseSummary.not_taken`).
A run whose costing failed (an error, its worker lost), or whose new solve from a cheaper plan
failed or ended dearer than its own plan, keeps its own plan; the failure is said on the progress
line and kept in its summary (`CaseSummary.cross_failures`, `cross_failure`), which the batch's
tables name in a note (siting/runs/tables.py `cross_failed_note`) and comparison.csv and
sweep.csv in a row or column of their own (`CROSS_FAILED_ROW`, `CROSS_FAILED_COLUMN`), and which
a notice of the run's own report and manifest gives (`cross_failed_notice`, siting/runs/batch.py
`record_cross_failures`), as the claim below is then not checked for it.
A new plan other than its start (such a solve found better) is costed in the other runs in a
further round, and so on until no plan is cheaper elsewhere than where it stands (at most one
round per run). When the rounds end so, a run whose rules admit every plan of another's ends no
dearer than that other (to CROSS_TOLERANCE), unless a cross-start of it failed. Every decision uses only
the plans and costs at the start of a round, taken in case order, so the outcome does not depend
on the number of workers nor on the order in which they finish. A run with candidate cells takes
no start (its screened solve, siting/optimize/screening.py, has none), so it is not solved
again; its plan is still costed in the other runs. A plan is costed only in a run of which it can
be a plan (`plan_cost` refuses one that builds where the run's model has no such decision: a site,
product or module the run lacks), so runs of other inputs, such as another sites layer, are
compared as they are.

Nested rules (`admits_every_plan`): a run's rules admit every plan of another run's when the two
runs' model inputs are the same but for rules the first relaxes: its red line leaves it at least
as much land for every product at every site the other may build on, and excludes no site the
other admits, and it may switch off rule families whose rows only switch off (those
`--rule-costs` prices, models/registry.py). Then the first run's optimum is no higher than the
other's, and the other's is at least the first run's proven bound. Once the runs are solved (and
the cross-start rounds done), `carry_bounds` gives each run the highest bound proven by a run
whose rules admit every plan of its own, when that is above its own bound, and measures its gap
against it (`CaseSummary.bound_from` names that run, `own_gap` keeps the gap of its own solve,
which its report and manifest give); `CaseSummary.admits` names the runs each run's rules admit,
so that a comparison's proven range of a difference never holds the impossible sign. Nothing is
claimed of runs whose inputs differ otherwise (another target, cost, site layer): the tables
then say only what each run's own bound proves. A run with candidate cells is left out: its
bound is that of a screened model (siting/optimize/screening.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import errno
import functools
import gc
import ipaddress
import logging
import math
import multiprocessing
import os
import queue
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import CancelledError, Future
from concurrent.futures.process import BrokenProcessPool
from contextvars import ContextVar
from dataclasses import dataclass, field
from multiprocessing.connection import wait as mp_wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from siting.config import progress
from siting.config.errors import InputError, NoSolution, OutputFolderError, PlanInfeasible
from siting.config.highs import NAMED_SETTINGS
from siting.config.progress import BEAT_S
from siting.config.units import BN, MONEY_UNIT, gap_text, plain_status
from siting.optimize.workers import IMPORTING_MAIN_EXIT, default_workers, importing_parents_main, run_handed_over

if TYPE_CHECKING:
    from siting.config.load import MessagePaths
    from siting.optimize.run import FixedStart, OwnSearch
    from siting.optimize.solve import PlanValues

#: How often a run lost with its worker process is tried again before it is reported failed.
RETRIES = 1
#: The Dask settings of the local cluster's scheduler (`dask_client`): a task whose workers died
#: more than RETRIES times is lost (KilledWorker), as a run in the process pool is; each
#: single-threaded worker is handed one task at a time (worker-saturation 1.0; Dask's default
#: 1.1 hands it two), so that a task waiting behind one that kills its worker is not counted among
#: the tasks that worker died running, and runs on after it.
LOCAL_SCHEDULER = {"distributed.scheduler.allowed-failures": RETRIES, "distributed.scheduler.worker-saturation": 1.0}

#: A plan of another run must cost less than a run's own by more than this share of its cost
#: (taken as at least 1 yuan) for the run to be solved again from it: smaller differences are the
#: LP's noise.
CROSS_TOLERANCE = 1e-6

#: The errors of the system that say the disk of a batch's folder takes no more (full, over
#: quota, read-only): a run's write refused so stops the batch (`BatchStopped`), since every
#: run after it would be refused too.
DISK_STOPS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})


@dataclass(frozen=True)
class Case:
    """One run of a batch, as plain picklable data that travels to a worker process or a Dask
    worker with everything the run needs."""

    label: str
    scenario: Path
    out_dir: Path
    variant: str | None = None
    overrides: tuple[tuple[str, Any], ...] = ()
    time_limit_s: float | None = None
    files: bool = True
    """Whether the run writes its folder (`out_dir`): its outputs, or the diagnosis of rules that
    cannot be met together. False for a batch kept in memory (`siting.compare` and `siting.sweep`
    without `out`): the run solves and gives its summary, and writes, exports and draws nothing
    (siting/runs/job.py `run_solve` with `files` false), its summary's `out_dir` ""; its own
    `out_dir` is then its folder's name relative to no folder, never written nor looked at."""


@dataclass(frozen=True)
class CaseSummary:
    """What a comparison needs of one run, as plain picklable data (money in yuan)."""

    label: str
    ok: bool
    error: str = ""
    """Why a failed run gave no plan, in full; a failure the run reports as such (bad input, no
    plan, rules that cannot be met together) begins with the name of its kind of failure:
    "PlanInfeasible: ..." (`error_text`, and see `failure_message`)."""
    notices: tuple[str, ...] = ()
    """The run's notices in their order (siting/prepare/problem.py `Prepared.notices`: what
    loading, preprocessing and the solve noticed, e.g. a target no module can reach in time, sites
    dropped outside clusters), as its report and manifest give them: a run with a plan, and one
    without, whose PlanInfeasible or NoSolution carries them (siting/runs/job.py
    `notices_carried`), where they often say why; each a str (a `siting.config.errors.Notice`,
    which pickles whole, where it names files). Empty for a run that failed otherwise (bad input,
    an unexpected error)."""
    scenario_name: str = ""
    status: str = ""
    status_words: str = ""
    """The run's status in the words of its report.md and of its manifest's `solver.status_text`
    (siting/config/units.py `plain_status` of HiGHS's termination and whether a plan was found:
    "optimal within the gap", "stopped at the time limit with a plan"), which the terminal,
    comparison.md and sweep.md give (siting/runs/tables.py `run_status_words`); comparison.csv and
    sweep.csv keep `status`, the solver's word. "" for a run without a plan, and for a summary
    made without a solve, whose tables then give `status` in words as before (`status_in_words`)."""
    objective_yuan: float | None = None
    gap: float | None = None
    solve_time_s: float = 0.0
    costs: dict[str, float] = field(default_factory=dict)
    final_year: int = 0
    capacity: dict[str, dict[str, float]] = field(default_factory=dict)  # cluster -> product -> units/yr
    group_capacity: dict[str, float] = field(default_factory=dict)  # target group -> units/yr, final year
    group_targets: dict[str, float] = field(default_factory=dict)
    """Target group -> its capacity target in the final year (units/yr), as the run's targets
    table gives it; a group without one (or every group, with the family `targets` off) is absent."""
    targets_short: dict[str, float] = field(default_factory=dict)  # "group year" -> shortfall
    output_value: dict[int, float] = field(default_factory=dict)
    sites_opened: tuple[str, ...] = ()
    """The sites the plan builds on (adds capacity at), in the plan's order (siting/optimize/results.py
    `Plan.opened_sites`); a site with existing or committed plants among them is open already. The
    tables count them as "sites built on" (comparison) and `sites_built_on` (sweep)."""
    site_added: dict[str, dict[str, float]] = field(default_factory=dict)  # site -> product -> added units/yr
    excluded_pairs: dict[str, int] = field(default_factory=dict)
    """How many (site, product) pairs the run's rules keep out, by family: "red line" (the
    product's buffered red-line zone covers the site: models/inputs.py `REDLINE_EXCLUDED`) and
    "proximity" (no source of a resource the product needs within reach: `PROXIMITY_EXCLUDED`),
    0 for a family switched off; what a stricter rule changes even where the plan stays the same.
    Empty for a run without a plan."""
    kept_out: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict, repr=False)
    """The (site, product) pairs that `excluded_pairs` counts, by family, in the model's order of
    candidate pairs (`kept_out_pairs`), which the comparison lists where two runs differ
    (siting/runs/tables.py `kept_out_note`). Empty for a run without a plan."""
    land_free_ha: dict[str, float] = field(default_factory=dict, repr=False)
    """Candidate site -> the land left there for new modules (ha), the most over the products its
    rules let it build (`free_land_ha`): after the red line's buffer and setbacks and the land of
    committed plants; 0 where every product is kept out. Empty for a run without a plan."""
    no_module_fits: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    """The (site, product) pairs of the candidates that no rule keeps out by name but where not even
    one module of the product fits on the land the run's rules leave it (`unfit_pairs`: a red line
    that leaves a site 0.6 ha where the smallest module needs 10 ha), so that a plan building the
    product there is ruled out as surely as by a rule that keeps it out. Empty for a run without a
    plan, or with the family `land` off."""
    site_names: dict[str, str] = field(default_factory=dict)
    """Site id -> its name as the run's texts for people give it (siting/config/units.py
    `Names.sites`: the sites layer's name, shortened where that stays distinct), for the sites
    with a name; a candidate cell has none and is named by its id. The terminal and comparison.md
    name sites by it; comparison.csv keeps the ids."""
    out_dir: str = ""
    """The run's folder (absolute): its outputs, or for a run whose rules cannot be met together
    the diagnosis (conflicts.md, ...); "" when the run wrote nothing."""
    units: dict[str, str] = field(default_factory=dict)  # product or target group -> its unit ("t", "GWh")
    cluster_names: dict[str, str] = field(default_factory=dict)
    """Cluster id -> its name in the run's clusters layer, as the run's `Names` give it
    (siting/config/units.py `cluster_names`), which the terminal's and comparison.md's capacity
    rows give; comparison.csv keeps the ids."""
    started_from: str = ""
    """The label of the run whose plan this run took, or was solved again from, in a cross-start
    round (see the module docstring); "" when it was not."""
    own_objective_yuan: float | None = None
    """For a run that moved to another run's plan (`started_from`): the objective of the plan its
    own solve had found before (yuan; None when that solve found none); None otherwise."""
    not_taken: str = ""
    """For a run that moved to another run's plan (`started_from`) by a new solve from it after
    taking that plan as it is failed: the failure in words (`failure_words`: "an unexpected error
    (TypeError: ...)"); "" otherwise."""
    own_time_limit_s: float | None = None
    """The time limit (s) at which the run's own solve stopped before proving its asked gap
    (HiGHS's termination "maxTimeLimit"), or before finding any plan (NoSolution's
    `time_limit_s`); None when it did not stop at a time limit. It stays the
    own solve's when the run moves to another run's plan in a cross-start round (`started_from`),
    whose solve may then end proven within the gap: how far the own search got by the limit, and
    so which plans the rounds compared, depends on the machine's speed (`own_time_limit_notice`)."""
    cross_failures: tuple[str, ...] = ()
    """What failed in this run's cross-starts (see the module docstring), in words, one per
    failure in the order of the rounds (`cross_failure`): the other runs' plans not costed under
    its rules ("the other runs' plans were not costed under its rules (ValueError: ...)"), or a
    plan found cheaper under its rules that the run could not move to (its new solve from it
    failed, or ended dearer than the run's own plan, which it keeps). What the rounds claim, that
    a run ends no dearer than another run's plan under its rules, is not checked then; empty when
    nothing failed."""
    best_bound_yuan: float | None = None
    """The proven lower bound of the run's optimum that its gap is measured against (the
    solver's best bound; None without one)."""
    searches: dict[str, Any] = field(default_factory=dict, repr=False)
    """The searches of the solve behind `best_bound_yuan` (the model size's "searches": siting/
    optimize/counts.py `CountSolve.record`), as plain data; empty when the run has none."""
    own_search: OwnSearch | None = field(default=None, repr=False)
    """The timings and HiGHS options of the run's own search, the one behind `best_bound_yuan`
    (siting/optimize/run.py `OwnSearch`), so that a run that takes another run's plan as it is in
    a cross-start round records that search beside the costing of the plan; kept as it is when the
    run takes a plan, whose costing is no search. None for a run without a plan."""
    plan_values: dict[str, dict[Any, float]] = field(default_factory=dict, repr=False, compare=False)
    """The plan's variable values, only while runs start from each other (empty otherwise)."""
    warm_from: str = ""
    """The label of the run whose plan this run's own solve started from (a sweep's first run,
    `run_cases` with `warm`), so that its plan may differ from a solve that starts from nothing;
    "" when it started from nothing."""
    bound_from: str = ""
    """The label of the run whose proven bound is this run's `best_bound_yuan`, carried over
    because that run's rules admit every plan of this run's (`carry_bounds`; its `gap` is then
    measured against that bound); "" when the bound is the run's own."""
    own_gap: float | None = None
    """For a run with a `bound_from`: the gap its own solve proved (a share), which its report and
    manifest give; None otherwise."""
    admits: dict[str, str] = field(default_factory=dict)
    """The other runs every plan of which this run's rules are proven to admit: label -> what this
    run relaxes of that run's rules, in words (`relaxed_rules`: "the red line"; "" when the rules
    are the same), in case order; empty when there is none."""
    rules: Any = field(default=None, repr=False, compare=False)
    """The run's model inputs (`models.ModelInputs`), only while runs are compared with each other
    (`carry_bounds`); None otherwise, and for a run with candidate cells."""
    weighting: dict[str, Any] = field(default_factory=dict)
    """How the run's objective weighs the years (`objective_weighting`): its manifest's
    `objective_weighting` (siting/deliver/manifest.py: `discount_rate`, a share,
    `years_after_horizon` and `year_weight`, year -> W[t]) with `years`, the plan's years in order.
    Two runs whose discount rate, years after the horizon or years differ have objectives in
    different money, which the tables do not compare (siting/runs/tables.py `weighting_difference`).
    Empty for a run without a plan."""
    disk_refused: tuple[int, str] | None = None
    """For a run whose write the disk refused for good (DISK_STOPS: full, over quota, read-only):
    the system's error number and the file it was writing, relative to the run's folder (POSIX;
    "" when the error names none in it); None otherwise. The batch stops (`BatchStopped`)."""

    def __repr__(self) -> str:
        """One line, as a notebook shows a run of a batch: its label, outcome, objective and gap, or
        why it gave no plan (the error's first line); every figure is in the fields."""
        if not self.ok:
            first = self.error.splitlines()[0] if self.error else "no plan"
            return f"CaseSummary({self.label!r}: {first})"
        objective = "" if self.objective_yuan is None else f", objective {self.objective_yuan / 1e9:,.2f} bn yuan"
        gap = "" if self.gap is None else f", gap {gap_text(self.gap)}"  # up: never below what is proven
        return f"CaseSummary({self.label!r}: {self.status}{objective}{gap}, sites built on: {len(self.sites_opened)})"


class BatchStopped(Exception):
    """The disk of the batch's folder refused a run's write (DISK_STOPS), so the batch stopped:
    no run was started after it, the runs under way were let end, and nothing more was done
    (`run_cases`). `refused` is the summary of the run whose write was refused (its
    `disk_refused`), `not_run` the labels of the runs not run, in case order."""

    def __init__(self, refused: CaseSummary, not_run: Sequence[str] = ()):
        super().__init__(f"{refused.label}: {refused.error}")
        self.refused = refused
        self.not_run = tuple(not_run)


#: The file of a run's folder that explains why its rules cannot be met together
#: (siting/deliver/explore.py).
DIAGNOSIS = "conflicts.md"


#: The failures a run reports as such, each named in a summary's `error` by the kind's own name,
#: whatever subclass was raised: siting/config/progress.py `run_outcome` reads "PlanInfeasible: ".
REPORTED_FAILURES: tuple[type[Exception], ...] = (PlanInfeasible, NoSolution, InputError)


#: How `error_text` begins the error of a failure outside REPORTED_FAILURES (a bug).
UNEXPECTED = "unexpected error"

#: Each kind of REPORTED_FAILURES in words, as `failure_words` names it.
FAILURE_WORDS = {PlanInfeasible.__name__: "rules that cannot be met together", NoSolution.__name__: "no plan",
                 InputError.__name__: "bad input"}


def error_text(exc: BaseException) -> str:
    """A failed run's `CaseSummary.error` for the exception that stopped it: the name of its kind
    among REPORTED_FAILURES, ": " and its message ("PlanInfeasible: the plan is infeasible: ..."
    also for siting/optimize/explain.py's `InfeasiblePlan`, a PlanInfeasible with its diagnosis);
    for any other exception "unexpected error: " and its type and message, on one line as the
    traceback module gives them ("unexpected error: ValueError: bad value")."""
    for kind in REPORTED_FAILURES:
        if isinstance(exc, kind):
            return f"{kind.__name__}: {exc}"
    return f"{UNEXPECTED}: {traceback.format_exception_only(type(exc), exc)[-1].strip()}"


def failure_message(summary: CaseSummary) -> str:
    """A failed run's `error` without the exception's name that begins it ("the plan is
    infeasible before solving: ..." for "PlanInfeasible: the plan is ..."); other errors ("unexpected
    error: ...") as they are."""
    name, sep, rest = summary.error.partition(": ")
    return rest if sep and name.isidentifier() and name[:1].isupper() else summary.error


def failure_words(error: str) -> str:
    """A failed run's `CaseSummary.error` (`error_text`) in words on one line, for a notice: the
    kind of failure (FAILURE_WORDS, "an unexpected error" for any other) and, in brackets, the
    first line of its message: "unexpected error: TypeError: bad value" -> "an unexpected error
    (TypeError: bad value)", "NoSolution: no plan within 10 s" -> "no plan (no plan within 10 s)";
    an error of no known form is "an error" and its first line."""
    kind, sep, rest = error.partition(": ")
    if sep and kind in FAILURE_WORDS:
        words = FAILURE_WORDS[kind]
    elif sep and kind == UNEXPECTED:
        words = f"an {UNEXPECTED}"
    else:
        words, rest = "an error", error
    line = next((part.strip() for part in rest.splitlines() if part.strip()), "")
    return f"{words} ({line})" if line else words


#: How the notice of `not_taken_notice` begins, with the run's label and that of the plan's run.
NOT_TAKEN_OPENING = "{}: the plan of {} was to be taken as it is,"
#: How the notice of `cross_failed_notice` begins, with the run's label.
CROSS_FAILED_OPENING = "{}: its cross-start failed,"
#: How the notice of `own_time_limit_notice` begins, with the run's label.
OWN_TIME_LIMIT_OPENING = "{}: its own solve stopped at its time limit"
#: HiGHS's termination of a solve stopped by its time limit.
TIME_LIMIT_TERMINATION = "maxTimeLimit"


def ended_proven_after_time_limit(summary: CaseSummary) -> bool:
    """Whether run `summary` ends proven within its asked gap ("optimal") although its own solve
    stopped at its time limit (`CaseSummary.own_time_limit_s`): the cross-start rounds moved it to
    another run's plan (`started_from`), whose solve (or the plan taken as it is) was proven. A run
    that ends unproven is named as such already (siting/runs/tables.py `unproven_runs_note`)."""
    return summary.ok and summary.status == "optimal" and summary.own_time_limit_s is not None \
        and bool(summary.started_from)


def own_limit_words(summary: CaseSummary) -> str:
    """What run `summary`'s own solve had not done by its time limit: "before finding a plan" when
    it found none (`own_objective_yuan` None: the rounds gave it its only plan), "before proving
    its asked gap" otherwise."""
    return "before finding a plan" if summary.own_objective_yuan is None else "before proving its asked gap"


def own_time_limit_notice(summary: CaseSummary) -> str:
    """The notice of a run that ends proven within its gap only after its own solve stopped at its
    time limit (`ended_proven_after_time_limit`), which its own report and manifest give once the
    rounds are over (siting/runs/batch.py `record_cross_failures`): which limit, what the rounds
    did, and that the outcome depends on the machine's speed."""
    limit = summary.own_time_limit_s or 0.0
    carried = f", with the bound of {summary.bound_from}" if summary.bound_from else ""
    return (f"{OWN_TIME_LIMIT_OPENING.format(summary.label)} of {limit:g} s {own_limit_words(summary)}; it ends "
            f"proven within the gap because the batch's cross-start rounds moved it to the plan of "
            f"{summary.started_from}{carried}. How far a search gets by a time limit depends on the machine's speed, "
            "so the same inputs may end with another plan or status, and the batch's files may not repeat byte for "
            "byte; raise solver.time_limit_s (or --time-limit) for a run that needs no such help")


def not_taken_notice(label: str, plan_from: str, why: str) -> str:
    """The notice of run `label` solved again from the plan of run `plan_from` because taking that
    plan as it is failed with `why` (`failure_words`)."""
    return (f"{NOT_TAKEN_OPENING.format(label, plan_from)} with the bound of this run's own "
            f"earlier solve, but that failed with {why}; the run was solved again starting from that plan "
            "instead")


def cross_start_notice(summary: CaseSummary, notice: object) -> bool:
    """Whether `notice` of run `summary` is one the cross-start rounds gave it: that it took the
    plan of the run it started from as it is (siting/optimize/run.py `solve_fixed_start`), that
    taking that plan failed (`not_taken_notice`), that its cross-start failed
    (`cross_failed_notice`), or that it ends proven only after its own solve stopped at its time
    limit (`own_time_limit_notice`). The notes under a batch's table name each such run and say what
    happened (siting/runs/tables.py `moved_note`, `cross_failed_note`), so the notices of the runs
    with a plan leave these out rather than say it twice."""
    from siting.optimize.run import FIXED_START_OPENING

    text = str(notice)
    if summary.started_from and (text.startswith(FIXED_START_OPENING.format(summary.started_from))
                                 or text.startswith(NOT_TAKEN_OPENING.format(summary.label, summary.started_from))):
        return True
    if ended_proven_after_time_limit(summary) and text.startswith(OWN_TIME_LIMIT_OPENING.format(summary.label)):
        return True
    return bool(summary.cross_failures) and text.startswith(CROSS_FAILED_OPENING.format(summary.label))


def cross_failed_notice(label: str, failures: Sequence[str]) -> str:
    """The notice of run `label` whose cross-starts failed (`CaseSummary.cross_failures`, each in
    the words of `cross_failure`), which its own report and manifest give once the rounds are over
    (siting/runs/batch.py `record_cross_failures`), so that its folder says that what the rounds
    claim of it was not checked: what the cross-start is, what is then not shown, and what failed
    ("; " between the failures)."""
    return (f"{CROSS_FAILED_OPENING.format(label)} so it may end dearer than another run's plan costs under its rules "
            "(once every run of the batch was solved, the other runs' plans were to be costed under its rules, for "
            "it to move to one cheaper than its own; where its rules admit every plan of another run, it is not "
            f"shown to end no dearer than that run): {'; '.join(failures)}")


def summarise(label: str, result: Any) -> CaseSummary:
    """Plain summary of a `RunResult`."""
    from siting.optimize.run import OwnSearch

    plan, inputs = result.plan, result.prepared.inputs
    final = inputs.YEARS[-1]
    cap = plan.capacity.loc[plan.capacity["year"] == final]
    capacity: dict[str, dict[str, float]] = {}
    for row in cap.groupby(["cluster", "product"], sort=False)["capacity"].sum().reset_index().itertuples():
        capacity.setdefault(row.cluster, {})[row.product] = float(row.capacity)
    groups = {g: float(cap.loc[cap["product"].isin(members), "capacity"].sum())
              for g, members in inputs.TARGET_GROUPS.items()}
    short = {f"{r.target} {r.year}": float(r.shortfall) for r in plan.targets.itertuples() if r.shortfall > 0}
    goals = {str(r.target): float(r.target_value) for r in plan.targets.itertuples()
             if r.kind == "capacity" and r.year == final}
    added: dict[str, dict[str, float]] = {}
    for row in plan.builds.groupby(["site", "product"], sort=False)["capacity_added"].sum().reset_index().itertuples():
        added.setdefault(row.site, {})[row.product] = float(row.capacity_added)
    return CaseSummary(
        label=label, ok=True, scenario_name=result.prepared.loaded.scenario.name, status=result.report.status,
        status_words=plain_status(result.report.termination, result.report.has_solution),
        objective_yuan=result.report.objective_yuan, gap=result.report.gap, solve_time_s=result.report.solve_time_s,
        best_bound_yuan=result.report.best_bound_yuan, searches=dict(result.model_size.get("searches") or {}),
        own_search=OwnSearch.of(result.report, result.timings), own_time_limit_s=_time_limit_hit(result.report),
        costs=dict(plan.costs), final_year=final, capacity=capacity, group_capacity=groups, group_targets=goals,
        targets_short=short,
        output_value={int(r.year): float(r.output_value_yuan) for r in plan.output_value.itertuples()},
        sites_opened=tuple(plan.opened_sites), site_added=added, excluded_pairs=excluded_pairs(inputs),
        kept_out=kept_out_pairs(inputs), land_free_ha=free_land_ha(inputs), no_module_fits=unfit_pairs(inputs),
        site_names=dict(result.prepared.names.sites), out_dir=str(result.out_dir),
        units=_units(result.prepared.loaded.catalog, inputs),
        cluster_names=dict(result.prepared.names.clusters), notices=tuple(result.prepared.notices),
        weighting=objective_weighting(result.prepared.loaded),
    )


def _time_limit_hit(report: Any) -> float | None:
    """`CaseSummary.own_time_limit_s` of a solve's `report` (siting/optimize/solve.py
    `SolveReport`): the time limit HiGHS held (s) when the solve stopped at it, else None."""
    if report.termination != TIME_LIMIT_TERMINATION:
        return None
    limit = dict(report.highs_options).get(NAMED_SETTINGS["time_limit_s"])
    return float(limit) if isinstance(limit, int | float) and not isinstance(limit, bool) else None


def objective_weighting(loaded: Any) -> dict[str, Any]:
    """`CaseSummary.weighting` of a run of the loaded scenario `loaded`: the manifest's
    `objective_weighting` (siting/deliver/manifest.py) with `years`, the plan's years (plain
    data, which pickles to a Dask worker and back)."""
    from siting.deliver.manifest import objective_weighting as manifest_weighting

    return {**manifest_weighting(loaded), "years": [int(year) for year in loaded.scenario.years]}


def excluded_pairs(inputs: Any) -> dict[str, int]:
    """`CaseSummary.excluded_pairs` of a run's model inputs (models/inputs.py `ModelInputs`): the
    (site, product) pairs of `CANDIDATES` each family keeps out, 0 when it is off."""
    return {words: len(pairs) for words, pairs in kept_out_pairs(inputs).items()}


def kept_out_pairs(inputs: Any) -> dict[str, tuple[tuple[str, str], ...]]:
    """`CaseSummary.kept_out` of a run's model inputs: family in words ("red line", "proximity")
    -> the (site, product) pairs of `CANDIDATES` it keeps out, in their order; none for a family
    that is off."""
    return {words: tuple(pair for pair in inputs.CANDIDATES if pair in excluded)
            if family in inputs.enabled_families else ()
            for words, family, excluded in (("red line", "redline", frozenset(inputs.REDLINE_EXCLUDED)),
                                            ("proximity", "proximity", frozenset(inputs.PROXIMITY_EXCLUDED)))}


def free_land_ha(inputs: Any) -> dict[str, float]:
    """`CaseSummary.land_free_ha` of a run's model inputs: each site of `SITES` -> the most land
    (ha) a product its rules do not keep out (`kept_out_pairs`) may use there, the model's L[s,p]
    (models/families/redline.py `usable_land_ha`: after the red line where it is on, less the
    committed plants' land), as the sites layer's `land_free_ha` gives it; 0 where every product is
    kept out."""
    from models.families.redline import usable_land_ha

    redline_on = "redline" in inputs.enabled_families
    out = {pair for pairs in kept_out_pairs(inputs).values() for pair in pairs}
    land = dict.fromkeys(inputs.SITES, 0.0)
    for pair in inputs.CANDIDATES:
        if pair not in out:
            land[pair[0]] = max(land.get(pair[0], 0.0), float(usable_land_ha(inputs, pair, redline_on)))
    return land


def unfit_pairs(inputs: Any) -> tuple[tuple[str, str], ...]:
    """`CaseSummary.no_module_fits` of a run's model inputs: the pairs of `CANDIDATES` that no family
    keeps out (`kept_out_pairs`) where, with the family `land` on, not even the smallest module of
    the product fits on the land L[s,p] left to it (models/index.py `derive_index` leaves such a
    pair out of BUILD_PAIRS by the same test), in the model's order of candidate pairs; none with
    `land` off, where modules are not bounded by land."""
    from models.families.redline import usable_land_ha
    from models.index import is_on

    if not is_on(inputs, "land"):
        return ()
    least: dict[str, float] = {}
    for spec in inputs.MODULES:
        least[spec.product] = min(least.get(spec.product, math.inf), spec.land_ha)
    redline_on = "redline" in inputs.enabled_families
    out = {pair for pairs in kept_out_pairs(inputs).values() for pair in pairs}
    return tuple(pair for pair in inputs.CANDIDATES if pair not in out and pair[1] in least
                 and math.floor(usable_land_ha(inputs, pair, redline_on) / least[pair[1]]
                                + 1e-9 * inputs.site_multiplicity.get(pair[0], 1)) < 1)


def _units(catalog: Any, inputs: Any) -> dict[str, str]:
    """Each product's catalog unit, and each target group's (its products' units, joined by "/")."""
    units = {p: catalog.products[p].unit for p in inputs.PRODUCTS}
    for group, members in inputs.TARGET_GROUPS.items():
        units[group] = "/".join(sorted({units[p] for p in members if p in units}))
    return units


def run_case(case: Case, start: PlanValues | FixedStart | None = None, keep_plan: bool = False,
             notices: Sequence[str] = ()) -> CaseSummary:
    """Solve one case and write its outputs (none for a case without `files`); never raises for a
    failed run. `start`: the plan
    values of another run to start from, or a plan to take with a bound already proven for the
    case (siting/runs/job.py `run_solve`); with `keep_plan` the summary carries this run's own
    (`CaseSummary.plan_values`); `notices` are added to the run's own (its report and manifest).
    A failed run's summary keeps the notices its error carries (`CaseSummary.notices`)."""
    from siting.runs.job import run_solve

    try:
        result = run_solve(case.scenario, case.out_dir, case.time_limit_s, variant=case.variant,
                           overrides=case.overrides, create_parent=False, start=start, keep_plan=keep_plan,
                           notices=notices, label=case.label, files=case.files)
    except PlanInfeasible as exc:  # the folder holds the diagnosis, when the case writes one
        folder = Path(case.out_dir).resolve()
        return CaseSummary(label=case.label, ok=False, error=error_text(exc), notices=tuple(exc.notices),
                           out_dir=str(folder) if case.files and (folder / DIAGNOSIS).is_file() else "")
    except Exception as exc:  # bad input, no plan, or a bug, which must not sink the other runs
        limit = exc.time_limit_s if isinstance(exc, NoSolution) else None  # no plan by the time limit
        return CaseSummary(label=case.label, ok=False, error=error_text(exc),
                           notices=tuple(getattr(exc, "notices", ())), disk_refused=_disk_refused(exc, case),
                           own_time_limit_s=limit)
    summary = summarise(case.label, result)
    if not case.files:  # nothing was written
        summary = dataclasses.replace(summary, out_dir="")
    if result.prepared.loaded.scenario.candidates is None:  # a screened model's bound is not carried
        summary = dataclasses.replace(summary, rules=result.prepared.inputs)
    return dataclasses.replace(summary, plan_values=result.plan_values) if keep_plan and result.plan_values else summary


def _disk_refused(exc: Exception, case: Case) -> tuple[int, str] | None:
    """`CaseSummary.disk_refused` of the run of `case` that `exc` ended: for an OutputFolderError
    raised for a write the disk refused for good (its cause an OSError of DISK_STOPS,
    siting/deliver/folders.py `write_errors_named`), the error number and the file, relative to
    the run's folder (the run writes into a staging folder beside it, named otherwise); None for
    any other error."""
    cause = exc.__cause__
    if not isinstance(exc, OutputFolderError) or not isinstance(cause, OSError) or cause.errno not in DISK_STOPS:
        return None
    name = ""
    if cause.filename is not None:
        beside = Path(os.path.abspath(case.out_dir)).parent
        try:
            parts = Path(os.path.abspath(os.fsdecode(cause.filename))).relative_to(beside).parts
        except ValueError:  # not in the batch's folder
            parts = ()
        name = "/".join(parts[1:])
    return cause.errno, name


def outcome_words(summary: CaseSummary) -> str:
    """How a run ended, as its line in the count of runs says it: a run with a plan in the words of
    its report.md and of the tables for people (`CaseSummary.status_words`: "optimal within the
    gap", "stopped at the time limit with a plan"); a summary without them (made without a solve)
    by its outcome (siting/config/progress.py `run_outcome`: the solver's word, which the count
    says in words, `in_words`), and a run without a plan as `infeasible` or `failed`."""
    if summary.ok and summary.status_words:
        return summary.status_words
    return progress.run_outcome(summary.ok, summary.status, summary.error)


class Progress:
    """Runs done out of `total` on standard error, with the time left (siting/config/progress.py):
    a tqdm bar on a terminal, one plain line per run otherwise. The command line's reporter is
    used when one is active (so `--quiet` silences it); otherwise one on `stream`."""

    def __init__(self, total: int, stream: Any = None, what: str = "runs"):
        reporter = progress.active() if stream is None else None
        self.counter = progress.steps(total, what, reporter or progress.Reporter(stream, duplicate=False))

    def update(self, summary: CaseSummary) -> None:
        """Count one run done, with its label and how it ended, as `outcome_words` says it."""
        self.counter.advance(summary.label, outcome_words(summary))

    __call__ = update

    def begin(self, label: str) -> None:
        """Run `label` is under way (shown with its seconds from the next beat)."""
        self.counter.begin(label)

    def beat(self) -> None:
        """Still waiting on the runs under way (the pool's wait calls it about every second)."""
        self.counter.beat()

    def advance(self, label: str, state: str) -> None:
        """Count one task done, with its label and how it ended."""
        self.counter.advance(label, state)

    def say(self, text: str) -> None:
        """`text` on a line of its own on this count's reporter, above the bar on a terminal
        (nothing when the count reports nothing)."""
        reporter = getattr(self.counter, "reporter", None)
        if reporter is None:
            return
        bar = getattr(self.counter, "bar", None)
        if bar is not None:
            bar.write(text, file=reporter.stream)
        else:
            reporter.line(text)

    def then(self, total: int, what: str) -> Progress:
        """A count of `total` further tasks named `what`, on this count's reporter (a count that
        reports nothing when this one does not)."""
        later = Progress.__new__(Progress)
        reporter = getattr(self.counter, "reporter", None)
        later.counter = progress.steps(total if reporter is not None else 0, what, reporter)
        return later


def _begin(progress: Callable[[CaseSummary], None] | None, label: str) -> None:
    """Tell a `Progress` that run `label` is under way (a plain callback has no such notion)."""
    if isinstance(progress, Progress):
        progress.begin(label)


def _beat(progress: Callable[[CaseSummary], None] | None) -> None:
    if isinstance(progress, Progress):
        progress.beat()


def _say(progress: Callable[[CaseSummary], None] | None) -> Callable[[str], None]:
    """A line to the reporter of a `Progress` (a plain callback, or none, hears nothing)."""
    return progress.say if isinstance(progress, Progress) else lambda _text: None


def run_cases(cases: Sequence[Case], workers: int | None = None, scheduler: str | None = None,
              progress: Callable[[CaseSummary], None] | None = None, warm: bool = False,
              cross: bool = False) -> list[CaseSummary]:
    """Run every case; return summaries in case order.

    scheduler None: a local process pool of `workers` processes (1 = in this process).
    scheduler "local": a Dask LocalCluster on loopback with `workers` single-threaded workers.
    scheduler "tcp://host:port": an existing Dask distributed scheduler.
    On Dask, one client (and one local cluster) serves every task of the call (`dask_client`).
    With `warm`, the first case runs first and the others start from its plan (each such run
    marked `warm_from`); with `cross`, once every case is solved, the cross-start rounds follow
    (see the module docstring; a `Progress` counts their tasks as "cross-starts"). Then each run
    takes the bounds of the runs whose rules admit every plan of its own (`carry_bounds`).

    When the disk refuses a run's write for good (full, over quota, read-only: DISK_STOPS), the
    batch stops: no further run (nor cross-start) is started, those under way end (on Dask they
    are cancelled), and BatchStopped is raised naming the run and the runs not run."""
    keep = cross and len(cases) > 1
    with dask_client(scheduler, workers or default_workers(), _say(progress)) as dask:
        if not warm or len(cases) < 2:
            summaries = _run_some(cases, workers, dask, progress, None, keep)
        else:
            try:
                head = _run_some(cases[:1], workers, dask, progress, None, True)[0]
            except BatchStopped as stopped:  # the runs that were to start from its plan are not run either
                raise BatchStopped(stopped.refused, [case.label for case in cases[1:]]) from None
            rest = _run_some(cases[1:], workers, dask, progress, head.plan_values or None, keep)
            if head.plan_values:  # a run with candidate cells takes no start
                rest = [dataclasses.replace(s, warm_from=head.label) if _takes_start(case) else s
                        for case, s in zip(cases[1:], rest, strict=True)]
            summaries = [head, *rest]
        if keep:
            summaries = cross_starts(cases, summaries, workers, dask, progress)
    return [dataclasses.replace(s, plan_values={}, rules=None) for s in carry_bounds(summaries)]


#: How the problems of a scheduler name its argument, as the front door in use writes it: the
#: command line's option by default, the Python argument ("scheduler") while `siting.api`'s calls
#: run (`scheduler_named`).
SCHEDULER_NAME: ContextVar[str] = ContextVar("SCHEDULER_NAME", default="--scheduler")

#: The schemes of a Dask scheduler's address that take a host and a port ("tcp" when none is given).
ADDRESS_SCHEMES = ("tcp", "tls", "ws", "wss")


@contextlib.contextmanager
def scheduler_named(name: str) -> Iterator[None]:
    """Name the scheduler argument `name` (e.g. "scheduler") in the problems raised while the block
    runs, in this thread, where the command line says "--scheduler"."""
    token = SCHEDULER_NAME.set(name)
    try:
        yield
    finally:
        SCHEDULER_NAME.reset(token)


def address_problem(address: str) -> str | None:
    """What is wrong with the form of a Dask scheduler's `address` ("[scheme://]host:port", the
    scheme one of ADDRESS_SCHEMES, "tcp" when none is given; an IPv6 host in brackets, the port a
    whole number from 1 to 65535), in a few words; None when it is well formed. Read without
    Dask; when Dask is installed, its own parser must accept the address too (it knows the schemes
    its installation serves). Nothing is looked up nor connected to."""
    scheme, sep, place = address.partition("://")
    if not sep:
        scheme, place = "tcp", address
    if not scheme or scheme != scheme.strip() or scheme.lower() not in ADDRESS_SCHEMES:
        return f"unknown scheme {scheme!r}, not one of {', '.join(ADDRESS_SCHEMES)}"
    if not place:
        return "no host and port after the scheme"
    bracketed = re.fullmatch(r"\[([^\]]*)\](?::(.*))?", place)
    host, colon, port = (bracketed.group(1), bracketed.group(2) is not None, bracketed.group(2) or "") \
        if bracketed else (place.rpartition(":")[0], ":" in place, place.rpartition(":")[2])
    if not colon:
        return "no port number (host:port, e.g. port 8786)"
    if bracketed:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return f"{host!r} in brackets is not an IPv6 address"
    elif not re.fullmatch(r"[A-Za-z0-9._-]+", host or "-") or not host:
        return "no host before the port" if not host else f"the host {host!r} is not a host name nor an address"
    if not re.fullmatch(r"[0-9]{1,5}", port) or not 1 <= int(port) <= 65535:
        return f"the port {port!r} is not a whole number from 1 to 65535"
    try:
        from distributed.comm.addressing import get_address_host_port
        from distributed.comm.registry import get_backend
    except ImportError:
        return None
    try:
        get_backend(scheme.lower())
        get_address_host_port(address)
    except ValueError as error:
        return f"Dask refuses it: {error}"
    return None


def checked_address(scheduler: str, name: str | None = None) -> str:
    """`scheduler` when it is "local" or a well-formed address (`address_problem`); else an
    InputError naming the argument (`name`, or the front door's, `SCHEDULER_NAME`), the address as
    given and what is wrong with it. Nothing is connected to: a malformed address is refused at
    once, before any run."""
    if scheduler == "local" or (problem := address_problem(scheduler)) is None:
        return scheduler
    name = name or SCHEDULER_NAME.get()
    raise InputError([f"{name} | must be 'local' or the address of a Dask scheduler, [scheme://]host:port "
                      f"(got {scheduler!r}: {problem}); give e.g. {_written(name, 'tcp://10.0.0.5:8786')}"])


def connect_timeout_s() -> float:
    """The seconds a Dask client waits to connect to a scheduler (Dask's setting
    `distributed.comm.timeouts.connect`, 30 s unless configured; e.g. the environment's
    DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT=5s). Needs Dask."""
    import dask
    from dask.utils import parse_timedelta

    return float(parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"), default="seconds"))


def _written(name: str, value: str) -> str:
    """An argument as its user writes it with `value`: `--scheduler X`, or `scheduler='X'`."""
    return f"{name} {value}" if name.startswith("--") else f"{name}={value!r}"


def _connect_reason(error: BaseException) -> str:
    """Why a connection failed, in the words of the innermost cause of `error` that is not the
    wait's own end (a cancellation or a timeout), e.g. "connection refused", "name or service not
    known"; "no answer" when there is none. Without the objects' memory addresses."""
    causes = []
    inner = error.__cause__ or error.__context__
    while inner is not None and len(causes) < 20:
        causes.append(inner)
        inner = inner.__cause__ or inner.__context__
    unresolved = [c for c in causes if isinstance(c, socket.gaierror)]
    if unresolved:
        return f"the host name could not be resolved: {_lowered(unresolved[-1].strerror or str(unresolved[-1]))}"
    told = [c for c in causes if not isinstance(c, (asyncio.CancelledError, TimeoutError)) and str(c)]
    if not told:
        return "no answer"
    text = re.split(r"\] |: ", str(told[-1]))[-1].strip() or type(told[-1]).__name__
    return _lowered(text)


#: Seconds a Dask client may take past its connect timeout (`connect_timeout_s`) to finish
#: connecting: Dask's own timeout does not cover the handshake, so that an address which accepts
#: connections but never answers as a scheduler does (its dashboard's port, a web server) would
#: be waited on for ever (`_connected`).
HANDSHAKE_GRACE_S = 5.0


#: Seconds a plain TCP connection to a "tcp://" scheduler's address is given before Dask's client
#: is (`probe_problem`): time enough for an answer on a network, not a wait for a scheduler.
PROBE_S = 2.0

#: Seconds the same connection then waits for the scheduler's greeting (`probe_problem`): a Dask
#: scheduler writes its handshake as soon as it takes a connection (measured: within
#: microseconds on loopback), where a web server (its dashboard's port) waits for a request and
#: says nothing; 0: no wait, Dask's client finds out (`HANDSHAKE_GRACE_S`).
GREETING_S = 10.0


@dataclasses.dataclass(frozen=True)
class Probed:
    """Why a "tcp://" scheduler's address cannot serve (`probe_problem`): `problem` in words, and
    whether the address took the connection (`taken`: something listens there, but no scheduler
    greeted) or not (refused, or a host name that cannot be resolved)."""

    problem: str
    taken: bool = False


def _host_port(address: str) -> tuple[str, int] | None:
    """The host (without an IPv6 address's brackets) and port of a well-formed "tcp://" (or
    scheme-less) `address`; None for another scheme."""
    scheme, sep, place = address.partition("://")
    if not sep:
        scheme, place = "tcp", address
    if scheme.lower() != "tcp":
        return None
    host, _colon, port = place.rpartition(":")
    return host.removeprefix("[").removesuffix("]"), int(port)


def probe_problem(address: str, seconds: float = PROBE_S, greeting_s: float | None = None) -> Probed | None:
    """Why a "tcp://" scheduler's `address` cannot serve, told before Dask's client (which tries
    again and again until its connect timeout, and then waits on an address that takes the
    connection but never answers): its host name that cannot be resolved, a connection refused at
    every address of its host (nothing listens on that port), or a connection taken with no
    greeting in `greeting_s` (default GREETING_S; a Dask scheduler greets each connection at once,
    a web server such as its dashboard waits for a request). None when a greeting comes, when the
    connection is neither taken nor refused within `seconds` (then Dask's client waits as it does),
    and for another scheme. Nothing but that host and port is looked up and connected to, and
    nothing is sent there."""
    greeting_s = GREETING_S if greeting_s is None else greeting_s
    where = _host_port(address)
    if where is None:
        return None
    host, port = where
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        return Probed(f"the host name {host!r} could not be resolved: {_lowered(error.strerror or str(error))}")
    except (OSError, UnicodeError):
        return None
    if not found:
        return None
    for family, kind, proto, _name, place in found:
        with contextlib.closing(socket.socket(family, kind, proto)) as probe:
            probe.settimeout(seconds)
            try:
                probe.connect(place)
            except ConnectionRefusedError:
                continue
            except OSError:  # a timeout, an unreachable network: Dask's client tries as it does
                return None
            return _greeting_problem(probe, greeting_s)
    return Probed(f"connection refused: nothing listens on port {port} of {host}")


def _greeting_problem(connection: socket.socket, seconds: float) -> Probed | None:
    """Whether a connection just taken (`connection`) is greeted within `seconds`: None when a
    first byte comes, when the wait is off (`seconds` 0) or the connection fails otherwise (Dask's
    client then finds out); a `Probed` (taken) when nothing comes or the other side closes first."""
    if seconds <= 0:
        return None
    connection.settimeout(seconds)
    try:
        first = connection.recv(1)
    except TimeoutError:
        return Probed(f"it took the connection but sent no Dask scheduler's greeting in {seconds:g} s (a "
                      f"scheduler greets each connection at once; one that speaks TLS needs a tls:// address)",
                      taken=True)
    except OSError:
        return None
    if not first:
        return Probed("it took the connection and closed it without a Dask scheduler's greeting", taken=True)
    return None


def _lowered(text: str) -> str:
    """`text` with its first letter in lower case."""
    return text[:1].lower() + text[1:]


def _connected(client_type: Callable[..., Any], scheduler: str) -> Any:
    """A Dask client connected to the scheduler at `scheduler`, waiting `connect_timeout_s`; an
    InputError naming the argument (`SCHEDULER_NAME`), the address and why, when it cannot connect
    in that time, or when the address takes the connection but gives no scheduler's answer within
    HANDSHAKE_GRACE_S more (the client is made in a thread of its own, left to Dask then), or
    answers with something the client cannot read as a scheduler's (any other error of it). A
    "tcp://" address whose host name cannot be resolved, or whose port refuses the connection, is
    refused so at once, and one that takes the connection without a scheduler's greeting within
    min(GREETING_S, the connect timeout), in that time, before the client is made (`probe_problem`)."""
    seconds = connect_timeout_s()
    name = SCHEDULER_NAME.get()
    probed = probe_problem(scheduler, min(PROBE_S, seconds), min(GREETING_S, seconds))
    if probed is not None and probed.taken:
        raise InputError([f"{name} | {scheduler!r}: {probed.problem}; check the port (a scheduler listens on 8786 "
                          f"unless told otherwise, its dashboard on 8787), give the address of a Dask scheduler, "
                          f"or drop {name}"])
    if probed is not None:
        raise InputError([f"{name} | could not connect to the Dask scheduler at {scheduler!r} ({probed.problem}); "
                          f"start the scheduler (dask scheduler) or give the address of one this machine can "
                          f"reach, or drop {name}"])
    outcome: dict[str, Any] = {}

    def connect() -> None:
        try:
            outcome["client"] = client_type(scheduler, timeout=seconds)
        except BaseException as error:  # raised again in the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=connect, name="siting-dask-connect", daemon=True)
    thread.start()
    thread.join(seconds + HANDSHAKE_GRACE_S)
    if thread.is_alive():
        raise InputError([f"{name} | {scheduler!r} took the connection but gave no answer as a Dask scheduler in "
                          f"{seconds + HANDSHAKE_GRACE_S:g} s; check the port (a scheduler listens on 8786 unless "
                          f"told otherwise, its dashboard on 8787), give the address of a Dask scheduler, or drop "
                          f"{name}"])
    error = outcome.get("error")
    if isinstance(error, (OSError, TimeoutError)):
        raise InputError([f"{name} | could not connect to the Dask scheduler at {scheduler!r} in {seconds:g} s "
                          f"({_connect_reason(error)}); start the scheduler (dask scheduler) or give the address "
                          f"of one this machine can reach, or drop {name}"]) from None
    if isinstance(error, Exception):
        # something else answered there: a web server's reply, read by the client as the length of
        # a message, fails it with a MemoryError or a protocol error, not an OSError
        raise InputError([f"{name} | {scheduler!r} took the connection but did not answer as a Dask scheduler "
                          f"(its reply could not be read: {type(error).__name__}); check the port (a scheduler "
                          f"listens on 8786 unless told otherwise, its dashboard on 8787), give the address of a "
                          f"Dask scheduler, or drop {name}"]) from None
    if error is not None:
        raise error
    return outcome["client"]


def local_cluster_failed(exc: BaseException) -> str:
    """The message of a local Dask cluster whose worker processes did not start (`exc`, what Dask
    raised: RuntimeError "Nanny failed to start."). Their most common cause in a script is a call
    at its top level: Dask starts each worker as a new Python process that imports the script
    again (multiprocessing's "spawn"), which then runs the call again in the worker, before the
    worker has started; that worker ends there (`importing_parents_main`)."""
    return (f"{SCHEDULER_NAME.get()} | the local Dask cluster could not start its workers (Dask: {exc}); in a "
            "script, put the call under `if __name__ == \"__main__\":`, since each Dask worker imports the "
            "script again as it starts (a notebook or the command line needs nothing), or run without the "
            "Dask cluster (the process pool)")


#: The logger of Dask's client, quiet while a batch's tasks run on Dask: it logs the traceback of a
#: lost scheduler's connection, which the batch says in words (`scheduler_lost_problem`), as it
#: says a task's failure (`dask_loss_words`).
DASK_CLIENT_LOGGER = "distributed.client"

#: The loggers of Dask's distributed, silenced while a local cluster starts and while it shuts
#: down (`quiet_logs`): a worker that takes long to stop is killed with a warning.
DASK_LOGGER = "distributed"


@contextlib.contextmanager
def quiet_logs(name: str = DASK_LOGGER) -> Iterator[None]:
    """The logger `name` and those under it that have a level of their own log nothing but critical
    records while the block runs; their levels are restored after."""
    loggers = [logging.getLogger(name)]
    loggers += [logger for key, logger in logging.Logger.manager.loggerDict.items()
                if key.startswith(name + ".") and isinstance(logger, logging.Logger) and logger.level]
    levels = [logger.level for logger in loggers]
    _set_levels([(logger, logging.CRITICAL) for logger in loggers])
    try:
        yield
    finally:
        _set_levels(list(zip(loggers, levels, strict=True)))


def _set_levels(levels: Sequence[tuple[logging.Logger, int]]) -> None:
    """Set each logger's level, as `Logger.setLevel` does, holding logging's lock in a `try` so that
    a stop (KeyboardInterrupt) meanwhile lets it go: `setLevel` clears every logger's cache under
    that lock without one (Python 3.11), and a Ctrl-C in it left the lock held by this thread, so
    that the local cluster's loop thread, at its next log call, and the close waiting for it hung."""
    with logging._lock:  # type: ignore[attr-defined]
        for logger, level in levels:
            logger.level = logging._checkLevel(level)  # type: ignore[attr-defined]
        for logger in [*logging.Logger.manager.loggerDict.values(), logging.getLogger()]:
            if isinstance(logger, logging.Logger):
                logger._cache.clear()  # type: ignore[attr-defined]


#: The loggers of the local cluster's scheduler and nannies, quiet in this process while its runs
#: run (`local_cluster_logs`): what they say of a worker that died only repeats or contradicts the
#: batch, which runs again a run lost with workers it never ran on, though the scheduler logs it
#: "marked as failed", and says a run lost for good in words of its own (`dask_loss_words`).
LOCAL_QUIET = ("distributed.scheduler", "distributed.nanny")
#: The loggers of a local cluster's worker processes quiet there (`dask_setup`): a worker logs each
#: run cancelled (an interrupt, a batch stopped) as an instruction "ended with CancelledError".
WORKER_QUIET = ("distributed.worker",)
#: The loggers under those quieted that keep the level they had: a nanny that restarts its worker
#: for using more than its memory limit, and a worker near it, say why a worker ended, which Dask
#: does not tell the batch (`dask_loss_words`).
KEPT_LOGS = ("distributed.nanny.memory", "distributed.worker.memory")


def _quieted(names: Sequence[str], kept: Sequence[str] = KEPT_LOGS) -> Callable[[], None]:
    """Quiet the loggers `names` and those under them that have a level of their own (as
    `quiet_logs`), each of `kept` that lies under one of them keeping the level it had in effect;
    return what restores every level (nothing is restored unless it is called)."""
    under = [logging.getLogger(name) for name in kept if any(name.startswith(q + ".") for q in names)]
    effective = [logger.getEffectiveLevel() for logger in under]
    loggers = [logging.getLogger(name) for name in names]
    loggers += [logger for key, logger in logging.Logger.manager.loggerDict.items()
                if any(key.startswith(name + ".") for name in names) and isinstance(logger, logging.Logger)
                and logger.level and logger not in under]
    loggers += under
    levels = [logger.level for logger in loggers]
    _set_levels([(logger, logging.CRITICAL) for logger in loggers] + list(zip(under, effective, strict=True)))

    def restore() -> None:
        _set_levels(list(zip(loggers, levels, strict=True)))

    return restore


@contextlib.contextmanager
def local_cluster_logs() -> Iterator[None]:
    """The local cluster's scheduler and nannies quiet in this process while the block runs
    (LOCAL_QUIET, but for KEPT_LOGS); their levels are restored after."""
    restore = _quieted(LOCAL_QUIET)
    try:
        yield
    finally:
        restore()


def release_process_lock() -> None:
    """Put a lock of this process in place of the lock Pyomo shares between processes (its
    `capture_output_lock`, a multiprocessing Lock made as Pyomo is imported after multiprocessing),
    which a worker process of a local Dask cluster shares with none. That lock holds a named
    semaphore recorded with the resource tracker of the process that started the cluster (the
    worker's parent); a worker killed as the cluster closes under way (Ctrl-C) never frees it, and
    the tracker then warns of "leaked semaphore objects" on the command's terminal as it ends. The
    lock let go of frees its semaphore at once (multiprocessing's finalizer of it)."""
    try:
        from pyomo.common import dependencies
    except ImportError:
        return
    if hasattr(dependencies.capture_output_lock, "_semlock"):
        dependencies.capture_output_lock = threading.Lock()


def dask_setup(_worker: Any) -> None:
    """Dask's preload hook: each worker process of the local cluster of `dask_client` runs it as it
    starts (`_local_cluster` preloads this module), before any task; see `release_process_lock`.
    Its worker's own log lines are quiet for good there (WORKER_QUIET, but for KEPT_LOGS)."""
    release_process_lock()
    _quieted(WORKER_QUIET)


def _loop_without_ctrl_c() -> Any:
    """A started Dask loop runner (`distributed.utils.LoopRunner`) whose thread, and every thread
    it makes, blocks SIGINT: the local cluster's worker processes are started from those threads
    and inherit the block (a signal mask is kept across fork and exec), so that a Ctrl-C at a
    terminal, sent to the whole process group, reaches this process alone, which stops the batch
    and closes the cluster; the workers do not each end on it with a KeyboardInterrupt traceback.
    Multiprocessing's resource tracker is started first, from this thread: started later, from the
    loop's thread (as a worker's queue is made there), it would unblock SIGINT in that thread as it
    ends (`resource_tracker.ensure_running`). This thread's mask is as before on return; a Ctrl-C
    meanwhile waits for that and is raised then. Stop the runner once the cluster is closed."""
    from multiprocessing import resource_tracker

    from distributed.utils import LoopRunner

    resource_tracker.ensure_running()
    mask = getattr(signal, "pthread_sigmask", None)  # none on Windows, where Ctrl-C is not a signal
    previous = mask(signal.SIG_BLOCK, {signal.SIGINT}) if mask else None
    try:
        runner = LoopRunner()
        runner.start()
    finally:
        if mask is not None and previous is not None:
            mask(signal.SIG_SETMASK, previous)
    return runner


def _local_cluster(cluster_type: Callable[..., Any], workers: int, scratch: str, runner: Any = None) -> Any:
    """A LocalCluster (`cluster_type`) on loopback with `workers` single-threaded worker processes,
    its scheduler and workers keeping their scratch files in the folder `scratch` and its scheduler's
    HTTP server on a free port, each worker preloading this module (`dask_setup`), run on the loop
    of the Dask loop `runner` when given (`_loop_without_ctrl_c`); Dask's logs quiet while it starts
    (`quiet_logs`). InputError (`local_cluster_failed`) when it cannot start; a stop while it starts
    is raised once what it had made is ended (`_end_stopped_start`), the runner then stopped in a
    process that goes on (a notebook's), left running in one that ends (`progress.ends_on_stop`)."""
    import dask
    from distributed.deploy.spec import SpecCluster

    started = set(SpecCluster._instances)
    loop = None if runner is None else runner.loop
    on_loop = {} if loop is None else {"loop": loop}
    lingering = False  # a cluster stopped while starting whose workers were not ended
    try:
        with dask.config.set(LOCAL_SCHEDULER), quiet_logs():  # the settings are read as the scheduler starts
            try:
                return cluster_type(**on_loop, n_workers=workers, threads_per_worker=1, processes=True,
                                    host="127.0.0.1", dashboard_address=None, local_directory=scratch,
                                    preload=[__name__], scheduler_kwargs={"local_directory": scratch,
                                                                          "dashboard_address": "127.0.0.1:0"})
            except Exception as exc:  # a worker process that could not start (Dask: "Nanny failed to start")
                raise InputError([local_cluster_failed(exc)]) from None
            except KeyboardInterrupt as stop:  # Ctrl-C or SIGTERM while it starts: the stop's one line, no traceback
                half = set(SpecCluster._instances) - started
                lingering = bool(half)  # until ended: a second Ctrl-C meanwhile leaves them to the exit
                lingering = _end_stopped_start(half, runner, stop)  # `half` emptied
                raise
    finally:
        if lingering:
            # its worker processes, which do not hear Ctrl-C, end as this process does, and their
            # nannies log it ("Restarting worker", "exit status was already read") under the stop's
            # one line: Dask's logs stay quiet for the rest of this process
            _quieted((DASK_LOGGER,), kept=())


def _end_stopped_start(half: set[Any], runner: Any, stop: KeyboardInterrupt) -> bool:
    """End the local Dask clusters `half` that the KeyboardInterrupt `stop` cut short while they
    started (Dask closes its clusters as the process exits; one cut short so cannot be closed so: its
    close asserts on its state and prints a traceback), on the loop of `runner`, then stop `runner`
    and empty `half` (the stop's traceback, which a notebook keeps as sys.last_traceback, keeps the
    caller's frame and so the set). True when some are left running (no `runner`, or
    `_end_half_started` failed): the process's end ends them. Each scheduler, made in this process,
    lets go of its scratch folder now, before `dask_client` removes the cluster's (at exit it would
    find it gone and log "Failed to remove ...").
    Their starts go on in Dask's loop thread and fail, and asyncio logs each such task's exception,
    never retrieved, with its traceback, under the stop's one line: those records are dropped
    (`_drop_dasks_unretrieved_failures`) while this runs, and for the rest of the process when it
    ends with the stop (`progress.ends_on_stop`: its runner and clusters are left to its end) or
    some are left running. In a process that goes on (a notebook's) asyncio's records are as before
    once this returns: the finished frames of `stop`'s traceback (Dask's, which held the clusters
    and their tasks) are cleared first, and what they held is collected while the filter is on."""
    from distributed.deploy.spec import SpecCluster

    ending = progress.ends_on_stop()
    dropped = _drop_dasks_unretrieved_failures()
    loop = None if runner is None or ending else runner.loop
    for half_started in half:
        SpecCluster._instances.discard(half_started)
        if loop is None or not _end_half_started(half_started, loop):
            loop = None  # one left: the process's end ends it
        _release_scheduler_folder(half_started)
    lingering = loop is None and bool(half)
    if runner is not None and not ending:
        runner.stop()  # nothing runs on its loop any more (one left running ends with the process)
    if ending or lingering:
        return lingering
    half.clear()
    traceback.clear_frames(stop.__traceback__)  # the running frame (`_local_cluster`'s) is kept
    gc.collect()  # the tasks those frames held: their exceptions logged (and dropped) now
    dropped.close()
    return False


#: How long a local cluster stopped while it started is given to end its workers and its scheduler
#: (`_end_half_started`): their starts go on after the stop, a worker's taking a second or two.
HALF_STARTED_END_S = 15.0


def _end_half_started(cluster: Any, loop: Any, timeout_s: float = HALF_STARTED_END_S) -> bool:
    """End what a local Dask `cluster` stopped while it started (Ctrl-C: its start cancelled) had
    made, on its `loop` (a Tornado IOLoop running in another thread): each worker's nanny, whose
    start goes on after the stop and starts its worker process, once that start has ended, closing
    it (its worker process ended with it: left alone, the process lived as long as this one, a
    notebook's), then its scheduler (its scratch folder removed). True when all ended within
    `timeout_s` seconds; False, and nothing raised, when they did not or Dask failed (a second
    Ctrl-C meanwhile is raised: the process then ends, and its workers with it)."""
    from distributed.utils import sync

    async def end() -> None:
        nannies = list(getattr(cluster, "_created", ()))
        for nanny in nannies:  # their starts go on after the stop: let each end first
            with contextlib.suppress(Exception):
                await nanny.start()
        await asyncio.gather(*(nanny.close(timeout=5, reason="stopped-while-starting") for nanny in nannies),
                             return_exceptions=True)
        scheduler = getattr(cluster, "scheduler", None)
        if scheduler is not None:
            await scheduler.close()

    try:
        sync(loop, end, callback_timeout=timeout_s)
    except Exception:  # a timeout, or Dask's own teardown failing: the processes end with this one
        return False
    return True


def _inside_dask(exc: BaseException | None) -> bool:
    """Whether `exc` was raised inside Dask's distributed package (a frame of its traceback there)."""
    tb = exc.__traceback__ if exc is not None else None
    while tb is not None:
        if f"{os.sep}distributed{os.sep}" in tb.tb_frame.f_code.co_filename:
            return True
        tb = tb.tb_next
    return False


def _unretrieved_outside_dask(record: logging.LogRecord) -> bool:
    """The filter of `_drop_dasks_unretrieved_failures`: False for a record carrying an exception
    raised inside Dask's code."""
    return not (record.exc_info and _inside_dask(record.exc_info[1]))


def _drop_dasks_unretrieved_failures() -> contextlib.ExitStack:
    """Drop asyncio's records of exceptions raised inside Dask's code from now on (a filter on its
    logger, `_unretrieved_outside_dask`); its others stay. Returns what ends that (`close()`; nothing
    when the filter was there already): for the rest of the process unless it is called."""
    asyncio_log = logging.getLogger("asyncio")
    undo = contextlib.ExitStack()
    if _unretrieved_outside_dask not in asyncio_log.filters:
        asyncio_log.addFilter(_unretrieved_outside_dask)
        undo.callback(asyncio_log.removeFilter, _unretrieved_outside_dask)
    return undo


@contextlib.contextmanager
def dask_client(scheduler: str | None, workers: int, say: Callable[[str], None]) -> Iterator[Any]:
    """A Dask client (`dask.distributed.Client`) while the block runs, closed after; None
    without a `scheduler`. "local" starts a LocalCluster on loopback with `workers`
    single-threaded worker processes (closed after too), which takes seconds: `say` hears a line
    as it starts and one when it is ready, with the seconds it took. Dask's logs are quiet while
    it starts and while its client and cluster close (`quiet_logs`); while the block runs, its
    scheduler's, its nannies' (`local_cluster_logs`) and its workers' (`dask_setup`) are, but for
    those of a worker's memory (KEPT_LOGS), and the client's own while the tasks run (`_run_tasks`). Its
    scheduler lets a task's workers die RETRIES times before the task is lost (`LOCAL_SCHEDULER`:
    Dask's setting distributed.scheduler.allowed-failures, 3 unless configured), so that a run
    that kills its worker is tried as often as in the process pool (`_run_in_pool`). Its scheduler
    and workers keep their scratch files in a temporary folder made for it (in Dask's
    temporary-directory, else the system's), removed once the cluster is closed or has failed to
    start. In a child process still importing its parent's main module (`importing_parents_main`:
    a worker of a local cluster started by a script's top level), the process ends at once
    (SystemExit 1), starting no cluster of its own: the parent's cluster then fails to start and
    says why.
    An address connects to that scheduler, said the same way, Dask's logs quiet while its client
    closes (that scheduler's and its workers' logs are their own, in their processes); its own
    setting governs there (the scheduler holds it, not the task), and a run lost so says its value
    (`dask_loss_words`).
    Raises InputError (naming the argument, `SCHEDULER_NAME`) when Dask is not installed, when the
    address is malformed (`checked_address`, before anything is connected to), when no scheduler
    answers there within `connect_timeout_s` (at once when a "tcp://" address's port refuses the
    connection or its host name cannot be resolved, within GREETING_S when the address takes the
    connection but sends no scheduler's greeting: `probe_problem`), and when the local cluster's
    folder cannot be made or the cluster cannot start (`local_cluster_failed`)."""
    if scheduler is None:
        yield None
        return
    checked_address(scheduler)
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise InputError([f"{SCHEDULER_NAME.get()} | Dask is not installed; install the extra: "
                          "pip install -e '.[dask]'"]) from None
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        if scheduler == "local":
            if importing_parents_main():
                raise SystemExit(1)
            count = f"{workers} worker{'s' if workers != 1 else ''}"
            say(f"starting a local Dask cluster ({count}) ...")
            import dask

            where = dask.config.get("temporary-directory", None)
            try:
                scratch = tempfile.mkdtemp(prefix="siting-dask.", dir=where)
            except OSError as error:
                raise InputError([f"{SCHEDULER_NAME.get()} | the local Dask cluster's scratch folder could not be "
                                  f"made in {where or tempfile.gettempdir()} ({error.strerror or error}); give Dask "
                                  "a writable temporary-directory (DASK_TEMPORARY_DIRECTORY)"]) from None
            stack.callback(shutil.rmtree, scratch, ignore_errors=True)
            stack.callback(_restore_environ, _dask_environ())  # run once the cluster is closed
            runner = _loop_without_ctrl_c()
            try:
                # a stop while it starts: its half-started workers and scheduler are ended, Dask's
                # logs quiet meanwhile (`quiet_logs`) and restored after (a notebook's process keeps
                # its levels), and `runner` stopped (the command line's ends with its process)
                cluster = _local_cluster(LocalCluster, workers, scratch, runner)
            except InputError:  # it failed to start: nothing runs on the loop
                runner.stop()
                raise
            stack.callback(runner.stop)  # once the cluster is closed (one cut short by a stop keeps it)
            shutdown = contextlib.ExitStack()
            stack.callback(shutdown.close)  # the levels are restored once the cluster is closed
            stack.callback(_close_cluster, cluster, say)
            client = stack.enter_context(contextlib.closing(Client(cluster)))
            stack.callback(shutdown.enter_context, quiet_logs())  # quiet from before the client closes
            say(f"local Dask cluster ready ({count}) in {time.perf_counter() - started:.1f} s")
            stack.enter_context(local_cluster_logs())  # last in, so restored before the close is quieted
        else:
            say(f"connecting to the Dask scheduler at {scheduler} ...")
            shutdown = contextlib.ExitStack()
            stack.callback(shutdown.close)  # the levels are restored once the client is closed
            client = stack.enter_context(contextlib.closing(_connected(Client, scheduler)))
            # quiet as it closes: a client that lost its scheduler logs the end of its reconnecting
            stack.callback(shutdown.enter_context, quiet_logs())
            found = len(client.nthreads())
            say(f"connected to the Dask scheduler at {scheduler} ({found} worker{'s' if found != 1 else ''}) "
                f"in {time.perf_counter() - started:.1f} s")
            if found == 0:
                say(f"the Dask scheduler at {scheduler} has no worker yet: the runs wait until one connects "
                    f"(dask worker {scheduler}, where this package is installed)")
            elif (problem := workers_problem(client, scheduler, say)) is not None:
                raise InputError([problem])
        yield client


#: The environment variables Dask's nannies set in this process's own environment as they start
#: their workers, besides those of distributed.nanny.pre-spawn-environ (`_dask_environ`), and leave
#: there: the seed of the workers' hashing, and this process's id, which marks its children.
DASK_SET_ENVIRON = ("PYTHONHASHSEED", "__DASK_PARENT_PID")


def _dask_environ() -> dict[str, str | None]:
    """The variables a local cluster's nannies set in this process's environment for the worker
    processes they start (Dask's distributed.nanny.pre-spawn-environ: OMP_NUM_THREADS=1,
    MKL_NUM_THREADS=1, ...; and DASK_SET_ENVIRON), each with its value now (None: not set), for
    `_restore_environ` once the cluster is closed: a notebook's process, and what it starts after
    the batch, keeps the environment it had."""
    import dask

    names = {str(name) for name in dask.config.get("distributed.nanny.pre-spawn-environ", None) or {}}
    return {name: os.environ.get(name) for name in sorted(names.union(DASK_SET_ENVIRON))}


def _restore_environ(before: Mapping[str, str | None]) -> None:
    """Each variable of `before` (`_dask_environ`) as it was: set to its value, or unset."""
    for name, value in before.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


#: The loggers that speak of the worker processes of a local cluster whose close a stop cut short
#: as they end with this process ("Restarting worker", "exit status was already read"): disabled
#: for the rest of the process (`_close_cluster`) when they were not ended before (`_end_cut_close`).
STOPPED_CLOSE_SILENT = ("distributed.nanny", "distributed.process")
#: How long, in seconds, a local cluster whose close a stop cut short is given to end its worker
#: processes and its scheduler in a process that goes on (`_end_cut_close`), and how long each
#: worker process, already asked to stop by its nanny, is given to end before it is killed.
CUT_CLOSE_END_S = 5.0
STOPPED_WORKER_GRACE_S = 0.5


def _close_cluster(cluster: Any, say: Callable[[str], None]) -> None:
    """Close the local Dask cluster; an error of Dask's own teardown (a nanny restarting a worker
    that a run has just killed: "can only join a started process") is said through `say`, not
    raised, since every run's outcome is in hand by then and its worker processes end with this
    one. Such an error stops the cluster's close before it reaches its scheduler (Dask closes
    the workers first), whose scratch folder is then let go of here (`_release_scheduler_folder`).
    A stop (KeyboardInterrupt) while it closes is raised once its worker processes and scheduler
    are ended (`_end_cut_close`), in a process that goes on (a notebook's); the command line's,
    which ends now (`progress.ends_on_stop`), leaves them to its end."""
    processes = _worker_processes(cluster)  # its nannies let go of them as a stop cuts the close short
    try:
        cluster.close()
    except KeyboardInterrupt:
        # Dask's exit hook (`close_clusters`) does not close it again: it would wait up to its 10 s
        # timeout after the stop's line, and log a nanny's "Restarting worker" there
        from distributed.deploy.spec import SpecCluster

        SpecCluster._instances.discard(cluster)
        ended = False
        try:
            ended = not progress.ends_on_stop() and _end_cut_close(cluster, processes)
        finally:
            if not ended:  # the command line's, or a second stop meanwhile, or Dask failing
                # the close was cut short before it reached the scheduler, whose scratch folder
                # would otherwise be removed only as the process exits, after `dask_client` removed
                # it, logging "Failed to remove ..." under the stop's line
                _release_scheduler_folder(cluster)
                # the worker processes (daemonic) end with this one; what their nannies would say
                # of it is not logged (disabled, as the levels set while the cluster closes are
                # restored after it)
                for name in STOPPED_CLOSE_SILENT:
                    logging.getLogger(name).disabled = True
        raise
    except Exception as error:  # Dask's teardown, after the runs: not the batch's failure
        say(f"the local Dask cluster did not close cleanly ({type(error).__name__}: {error}); its worker "
            "processes end with this one")
        _release_scheduler_folder(cluster)


def _worker_processes(cluster: Any) -> list[Any]:
    """The worker processes (Dask's AsyncProcess, each with `is_alive`, `join` and `kill`) of the
    nannies the local Dask `cluster` made, as they are now; none of a cluster not Dask's own."""
    found = []
    for nanny in list(getattr(cluster, "_created", ())):
        process = getattr(getattr(nanny, "process", None), "process", None)
        if process is not None:
            found.append(process)
    return found


def _end_cut_close(cluster: Any, processes: Sequence[Any], timeout_s: float = CUT_CLOSE_END_S) -> bool:
    """End, on its loop, what the close of the local Dask `cluster` that a stop cut short (its
    coroutine cancelled: Dask's nannies let go of their worker processes, asked to stop, which
    then lived on for a second or more, and its scheduler kept running in this process) left:
    each nanny closed, each of the worker processes `processes` (`_worker_processes`, taken before
    the close) given STOPPED_WORKER_GRACE_S seconds to end, then killed, and its scheduler closed
    (its scratch folder removed). True when all ended within `timeout_s` seconds; False, and
    nothing raised, when they did not or Dask failed (a second stop meanwhile is raised)."""
    from distributed.utils import sync

    async def end() -> None:
        nannies = list(getattr(cluster, "_created", ()))
        await asyncio.gather(*(nanny.close(timeout=1, reason="stopped-while-closing") for nanny in nannies),
                             return_exceptions=True)
        for process in processes:
            if process.is_alive():
                try:
                    await process.join(STOPPED_WORKER_GRACE_S)
                except TimeoutError:
                    await process.kill()
                    await process.join(timeout_s)
        scheduler = getattr(cluster, "scheduler", None)
        if scheduler is not None:
            await scheduler.close()

    loop = getattr(cluster, "loop", None)
    if loop is None:
        return False
    try:
        sync(loop, end, callback_timeout=timeout_s)
    except Exception:  # a timeout, or Dask's own teardown failing: the processes end with this one
        return False
    return not any(process.is_alive() for process in processes)


def _release_scheduler_folder(cluster: Any) -> None:
    """Let the scheduler of the local Dask `cluster` (it runs in this process), whose close failed
    before reaching it, remove its own scratch folder (Dask's WorkDir, `dask-scratch-space/
    scheduler-...`, inside the cluster's scratch folder) now, before `dask_client` removes the
    whole folder: left to itself it removes that folder only as the process exits, finds it gone
    and logs "Failed to remove ... No such file or directory". The scheduler is not closed (that
    would send its workers, in processes of their own, to remove their folders while this one is
    removed under them); it ends with this process, as the workers do. Errors are not raised: the
    runs' outcomes are in hand."""
    workdir = getattr(getattr(cluster, "scheduler", None), "_workdir", None)  # a closed scheduler's: released
    if workdir is not None:
        with contextlib.suppress(Exception):
            workdir.release()  # at most once: exit then finds nothing to do


#: The packages whose source a Dask worker must share with this process (`workers_problem`): the
#: code a run runs there.
FINGERPRINTED = ("siting", "models")


def source_check() -> Callable[[Sequence[str]], str | None]:
    """The check a Dask worker runs on itself (`workers_problem`): for package names, a digest of
    their source files (each `.py` file under each package's folders, by its path there and its
    bytes, in sorted order; SHA-256 in hex), found as the worker would import them, or None when one
    is not found. It is made here, a function of no module, so that it travels to a worker by value
    (Dask's cloudpickle) and runs where this package is missing or another version of it stands,
    needing only the standard library there."""

    def digest(packages: Sequence[str]) -> str | None:
        import hashlib
        import importlib.util
        import os

        total = hashlib.sha256()
        for package in packages:
            spec = importlib.util.find_spec(package)
            if spec is None:
                return None
            for top in sorted(spec.submodule_search_locations or [os.path.dirname(spec.origin or "")]):
                for folder, subfolders, files in os.walk(top):  # top-down, each level sorted: the same order everywhere
                    subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
                    for name in sorted(files):
                        if name.endswith(".py"):
                            path = os.path.join(folder, name)
                            total.update(f"{package}/{os.path.relpath(path, top)}".encode())
                            with open(path, "rb") as source:
                                total.update(hashlib.sha256(source.read()).digest())
        return total.hexdigest()

    return digest


#: The name `version_check` gives the version of Python itself, major and minor ("3.11": releases of
#: one minor version keep the language and pickles alike).
PYTHON = "python"

#: The installed packages whose versions change what a run gives (the model's construction, the
#: solver and its search, the geometry, the projections, the input's reading, the arithmetic), Dask's
#: own, which hand a run and its result between this process and a worker, and Python itself
#: (PYTHON): a Dask worker must have the versions this process has (`workers_problem`, `checked_call`).
DEPENDENCIES = ("pyomo", "highspy", "shapely", "geopandas", "pyproj", "pydantic", "numpy", "dask", "distributed",
                PYTHON)


def version_check() -> Callable[[Sequence[str]], dict[str, str | None]]:
    """The check of installed versions a Dask worker runs on itself (`workers_problem`,
    `checked_call`): for distribution names, each one's version as the worker's Python finds it
    (importlib.metadata), None when it is not installed; for "python" (PYTHON), the major and minor
    version of the Python that runs it ("3.11"). Made here, a function of no module, it travels to a worker by value, as
    `source_check` does."""

    def versions(names: Sequence[str]) -> dict[str, str | None]:
        import importlib.metadata
        import sys

        found: dict[str, str | None] = {}
        for name in names:
            if name == "python":
                found[name] = f"{sys.version_info[0]}.{sys.version_info[1]}"
                continue
            try:
                found[name] = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                found[name] = None
        return found

    return versions


def version_differences(own: dict[str, str | None], theirs: Any) -> list[str]:
    """The packages of `own` (name: version, this process's, `version_check`) whose version
    differs in `theirs` (a worker's answer), each in words: "pyomo 6.9.0 there (6.10.1 here)",
    "highspy not installed there (1.16.0 here)"; none when `theirs` is no such mapping (an answer
    that does not tell)."""
    if not isinstance(theirs, dict):
        return []
    return [f"{name} {theirs.get(name) or 'not installed'} there ({version or 'not installed'} here)"
            for name, version in own.items() if theirs.get(name) != version]


def _versions_fix(own: dict[str, str | None], differences: Sequence[str]) -> str:
    """How to install this process's versions of the packages named in `differences`: "pip install
    dask==2026.8.0", and "Python 3.11" when Python's own differs (PYTHON)."""
    named = {text.partition(" ")[0] for text in differences}
    pins = [f"{name}=={version}" for name, version in own.items() if name in named and version and name != PYTHON]
    fixes = [f"pip install {' '.join(pins)}"] if pins else []
    fixes += [f"Python {own[PYTHON]}"] if PYTHON in named and own.get(PYTHON) else []
    return "; ".join(fixes) if fixes else "the same versions as here"


def lost_worker(answer: Any) -> bool:
    """Whether `answer`, a worker's in `Client.run(..., on_error="return")`, is the error of a
    worker that could not be reached (it died or left during the check: the scheduler's connection
    to it closed, was refused or reset, or timed out: Dask's CommClosedError, "Stream is closed";
    its "Timed out trying to connect"), not an error the check raised there."""
    if not isinstance(answer, OSError):
        return False
    if isinstance(answer, (ConnectionError, TimeoutError)):
        return True
    if any(kind.__name__ == "CommClosedError" for kind in type(answer).__mro__):
        return True
    return type(answer) is OSError and str(answer).startswith("Timed out trying to connect")


def _say_lost(answers: dict[str, Any], scheduler: str, said: set[str],
              say: Callable[[str], None] | None) -> dict[str, Any]:
    """The answers of `answers` (a check's, address: answer) but those of workers lost during the
    check (`lost_worker`); those lost are said through `say` (each address once: `said`), with
    what the runs do then: go to the other workers, or wait until one connects (`_WorkerWatch`)."""
    lost = {address: answer for address, answer in sorted(answers.items()) if lost_worker(answer)}
    kept = {address: answer for address, answer in answers.items() if address not in lost}
    new = {address: answer for address, answer in lost.items() if address not in said}
    said.update(new)
    if new and say is not None:
        count = f"{len(new)} of its {len(answers)} worker{'s' if len(answers) != 1 else ''}"
        listed = "; ".join(f"{address} ({type(answer).__name__}: {answer})" for address, answer in new.items())
        then = "the runs go to the others" if kept else "the runs wait until one connects"
        say(f"the Dask scheduler at {scheduler} lost {count} during the check of its workers: {listed}; {then}")
    return kept


def _of_its(kept: dict[str, Any]) -> str:
    """"of its 2 workers": how many workers a refusal of the check of a scheduler's workers
    (`workers_problem`, `_versions_problem`) speaks of, those that answered it (`kept`); those lost
    during the check are said apart (`_say_lost`) and no longer the scheduler's."""
    return f"of its {len(kept)} worker{'s' if len(kept) != 1 else ''}"


def workers_problem(client: Any, scheduler: str, say: Callable[[str], None] | None = None) -> str | None:
    """Why the workers of the Dask scheduler at `scheduler` (those connected to `client` now)
    cannot run the batch's runs: the workers that cannot import this package, or that run another
    version of it (their source of FINGERPRINTED differs from this process's: `source_check`), with
    why, and how to fix it; None when every one can. A worker without the package cannot read a
    run handed to it and ends there (its log says why), and once none is left the runs wait for
    ever; a worker of another version runs its runs with its own code, which may give other plans,
    and the batch would compare the results of two versions unsaid. So the batch is refused before
    any run is handed out (exit 2). The check needs nothing of this package where it runs. It sees
    the workers present now; each task checks its own worker again (`checked_announced`). A worker
    that cannot be reached during a check (it died or left: `lost_worker`) is no refusal: `say`
    hears of it, and the runs go to the others, or wait for one (`_WorkerWatch`)."""
    package = __name__.partition(".")[0]
    check = source_check()
    try:
        answers = client.run(check, FINGERPRINTED, on_error="return")
    except Exception:  # an answer that does not travel back: the check cannot tell; the runs will
        return None
    name = SCHEDULER_NAME.get()
    said: set[str] = set()
    kept = _say_lost(answers, scheduler, said, say)
    count = _of_its(kept)
    missing = {address: ("not found" if answer is None else f"{type(answer).__name__}: {answer}")
               for address, answer in sorted(kept.items())
               if answer is None or isinstance(answer, BaseException)}
    if missing:
        listed = "; ".join(f"{address} ({why})" for address, why in missing.items())
        return (f"{name} | {len(missing)} {count} at {scheduler!r} cannot import the {package} package: {listed}; "
                f"install it where they run (pip install -e '.[dask]', the same version as here) or start them with "
                f"it on their PYTHONPATH, or drop {name} (a worker without it ends as it is handed a run, and the "
                "runs then wait for ever)")
    try:
        own = check(FINGERPRINTED)
    except OSError:  # this process's own source cannot be read: nothing to compare with
        return None
    other = sorted(address for address, answer in answers.items() if isinstance(answer, str) and answer != own)
    if not other or own is None:
        return _versions_problem(client, scheduler, say, said)
    return (f"{name} | {len(other)} {count} at {scheduler!r} run another version of the {package} package than "
            f"this one (its source files differ there: {', '.join(FINGERPRINTED)}): {'; '.join(other)}; runs there "
            f"would be solved by other code, and may give other plans than here; install this version where they "
            f"run (pip install -e '.[dask]' from the same source) or start them with it on their PYTHONPATH, or "
            f"drop {name}")


def _versions_problem(client: Any, scheduler: str, say: Callable[[str], None] | None = None,
                      said: set[str] | None = None) -> str | None:
    """Why some workers of the Dask scheduler at `scheduler` (connected to `client`) cannot run the
    batch's runs: they have other versions of DEPENDENCIES than this process (`version_check`), each
    named with both versions; None when every one has the same (or cannot tell). A worker lost
    during the check (`lost_worker`) is said through `say` (but those of `said`, already said), not
    counted against the batch."""
    check = version_check()
    try:
        answers = client.run(check, DEPENDENCIES, on_error="return")
    except Exception:  # an answer that does not travel back: the check cannot tell
        return None
    own = check(DEPENDENCIES)
    kept = _say_lost(answers, scheduler, set() if said is None else said, say)
    differing = {address: differences for address, answer in sorted(kept.items())
                 if (differences := version_differences(own, answer))}
    if not differing:
        return None
    name = SCHEDULER_NAME.get()
    count = _of_its(kept)
    listed = "; ".join(f"{address}: {', '.join(differences)}" for address, differences in differing.items())
    every = sorted({text for differences in differing.values() for text in differences})
    return (f"{name} | {len(differing)} {count} at {scheduler!r} have other versions than this process of packages "
            f"the runs depend on: {listed}; runs there may give other plans than here; install these versions where "
            f"they run ({_versions_fix(own, every)}), or drop {name}")


#: What a task on Dask gives in place of its result when the worker running it has another
#: version of the packages of FINGERPRINTED than the batch (`checked_call`): the first item of a
#: tuple of plain data, which any version of this package reads.
OTHER_VERSION = "siting: another version on this worker"


def checked_call() -> Callable[..., Any]:
    """The call a task on Dask makes first, on the worker that runs it (`_run_on_dask`):
    `call(expected, packages, versions, then, *args)` gives `then(*args)` when the worker's digest of
    `packages` (`source_check`) is `expected`, the batch's own, and its versions of the packages of
    `versions` (`version_check`) are those given there; else, calling nothing, the tuple
    (OTHER_VERSION, the worker's address or None, its digest or None, its versions). The batch's check as it
    connects (`workers_problem`) sees only the workers present then: a worker that joins later, or
    one given other code since, is checked so before it runs anything. Made here, a function of no
    module, it travels to the worker by value (Dask's cloudpickle) and runs whatever version of
    this package stands there, needing only the standard library and Dask: `then` is given
    pickled (bytes, unpickled only once the check passes) and `args` must need nothing of this
    package to unpickle (`_run_on_dask` hands the run's own call as `packed_call`'s), since Dask
    unpickles a task's function and arguments before it runs it, and a worker without this
    package would fail there, before the check, with no word of why."""
    digest = source_check()
    installed = version_check()

    def call(expected: str, packages: Sequence[str], versions: dict[str, str | None], then: bytes,
             *args: Any) -> Any:
        import pickle

        found = digest(packages)
        have = installed(list(versions))
        if found != expected or have != versions:
            try:
                from distributed import get_worker

                address = get_worker().address
            except Exception:  # not on a worker: no address to name
                address = None
            return (OTHER_VERSION, address, found, have)
        return pickle.loads(then)(*args)

    return call


def packed_call() -> Callable[[bytes], Any]:
    """`run(data)` gives `call(*args)` for `data`, the pickled (call, args) of a run (`packed`).
    Made here, a function of no module, it travels to a Dask worker by value, so that the task
    handing it `data` unpickles there without this package; `call` and `args` are unpickled only
    as it runs, after the worker's check (`checked_call`)."""

    def run(data: bytes) -> Any:
        import pickle

        call, args = pickle.loads(data)
        return call(*args)

    return run


def packed(call: Callable[..., Any], args: Sequence[Any]) -> Callable[[], Any]:
    """`call(*args)` as a call of no argument that unpickles on a Dask worker without this package
    (`packed_call`), for `_run_on_dask` to hand a task."""
    import cloudpickle

    return functools.partial(packed_call(), cloudpickle.dumps((call, tuple(args))))


def checked_announced() -> Callable[..., Any]:
    """`_announced` as a task on Dask calls it (`_run_on_dask`), its worker's source checked first
    against this process's (`checked_call`); `_announced` alone when this process's own source
    cannot be read (nothing to compare with)."""
    try:
        own = source_check()(FINGERPRINTED)
    except OSError:
        own = None
    if own is None:
        return _announced
    import cloudpickle

    return functools.partial(checked_call(), own, FINGERPRINTED, version_check()(DEPENDENCIES),
                             cloudpickle.dumps(_announced))


def other_version(result: Any) -> bool:
    """Whether a task's `result` is the refusal of a worker of another version (`checked_call`)."""
    return isinstance(result, tuple) and len(result) == 4 and result[0] == OTHER_VERSION


def other_version_problem(client: Any, label: str, refusal: tuple[Any, ...]) -> str:
    """The problem a batch on Dask ends with when the worker handed the task `label` runs another
    version of this package (`checked_call`'s `refusal`): the argument (`SCHEDULER_NAME`), the
    worker, the scheduler, and how to fix it, as `workers_problem` says it of the workers present
    as the batch connects."""
    package = __name__.partition(".")[0]
    name = SCHEDULER_NAME.get()
    _marker, worker, found, versions = refusal
    address = getattr(getattr(client, "scheduler", None), "address", None)
    at = f" of the Dask scheduler at {address!r}" if isinstance(address, str) and address else ""
    who = f"the worker {worker}{at}" if worker else f"a worker{at}"
    own = version_check()(DEPENDENCIES)
    if found is None:
        why = f"cannot find the source files of the {package} package there ({', '.join(FINGERPRINTED)})"
    elif found == source_check()(FINGERPRINTED) and (differences := version_differences(own, versions)):
        return (f"{name} | {who}, handed the run {label}, has other versions than this process of packages the runs "
                f"depend on ({', '.join(differences)}): its runs may give other plans than here (each worker is "
                f"checked as it is handed a run: one that joined after the batch connected, or changed since); the "
                f"batch stopped, with nothing written; install these versions where it runs "
                f"({_versions_fix(own, differences)}), or drop {name}")
    else:
        why = (f"runs another version of the {package} package than this one (its source files differ there: "
               f"{', '.join(FINGERPRINTED)})")
    return (f"{name} | {who}, handed the run {label}, {why}: its runs would be solved by other code, and may give "
            f"other plans than here (each worker is checked as it is handed a run: one that joined after the batch "
            f"connected, or whose source changed since); the batch stopped, with nothing written; install this "
            f"version where it runs (pip install -e '.[dask]' from the same source) or start it with it on its "
            f"PYTHONPATH, or drop {name}")


@dataclass(frozen=True)
class _Task:
    """One call to make in a worker, `call(*args)`, shown on the progress as `label`."""

    label: str
    call: Callable[..., Any]
    args: tuple[Any, ...]


@dataclass(frozen=True)
class _Hooks:
    """What the caller hears of its tasks: `begin(label)` as one is handed over, `done(i, result)`
    as task i ends, `beat()` while waiting, and `lost(i, why)`, the result of task i when it was
    lost with its worker more than RETRIES times. `refused(result)` is the summary of the run
    whose write the disk refused for good (`CaseSummary.disk_refused`) when `result` holds one,
    else None: such a result stops the tasks (`_run_tasks`). `again(label, why)` hears, once for
    each, a worker that ended while it ran (or held) task `label`, which then runs again: why in
    words (`_run_in_pool`, `_run_on_dask`); a `Progress` says it on a line (`ran_again`).
    `notice(text)` hears a line about the batch as a whole, such as a Dask scheduler left without
    workers (`_WorkerWatch`); a `Progress` says it on a line."""

    begin: Callable[[str], None]
    done: Callable[[int, Any], None]
    beat: Callable[[], None]
    lost: Callable[[int, str], Any]
    refused: Callable[[Any], CaseSummary | None] = lambda _result: None
    again: Callable[[str, str], None] = lambda _label, _why: None
    notice: Callable[[str], None] = lambda _text: None


def ran_again(label: str, why: str, what: str = "run") -> str:
    """The line that says that the task `label` (a `what`: "run", "cross-start of") runs again
    after the worker it ran on ended, `why` in words (`_Hooks.again`): "run 2030-strict: the worker
    process running it ended (killed by SIGKILL, which an out-of-memory kill gives); it runs again"."""
    return f"{what} {label}: {why}; it runs again"


def _case_hooks(cases: Sequence[Case], progress: Callable[[CaseSummary], None] | None) -> _Hooks:
    """Hooks of `run_case` tasks: each summary to `progress`; a lost run is a failed summary."""

    def done(_i: int, summary: CaseSummary) -> None:
        if progress:
            progress(summary)

    say = _say(progress)
    return _Hooks(lambda label: _begin(progress, label), done, lambda: _beat(progress),
                  lambda i, why: CaseSummary(label=cases[i].label, ok=False, error=why),
                  lambda summary: summary if summary.disk_refused else None,
                  lambda label, why: say(ran_again(label, why)), say)


def _run_some(cases: Sequence[Case], workers: int | None, dask: Any,
              progress: Callable[[CaseSummary], None] | None, start: dict[str, dict[Any, float]] | None,
              keep_plan: bool) -> list[CaseSummary]:
    """`run_cases` for `cases`, each started from `start`, keeping their plans with `keep_plan`."""
    tasks = [_Task(case.label, run_case, (case, start, keep_plan)) for case in cases]
    return _run_tasks(tasks, workers, dask, _case_hooks(cases, progress), "siting-run")


@dataclass(frozen=True)
class FrontNames:
    """What the front door in use calls things in its messages, in this thread, as plain data for
    the workers its runs go to (`front_names`, `_named`): the time limit (in the advice of a run
    without a plan: siting/optimize/results.py `TIME_LIMIT_NAME`), the overrides (in the problems:
    siting/config/load.py `OVERRIDES_NAME`) and its files (siting/config/load.py `MessagePaths`:
    the caller's current folder and the paths it typed, named as typed)."""

    time_limit: str
    overrides: str
    paths: MessagePaths


def front_names() -> FrontNames:
    """The front door's names in this thread (`FrontNames`): ("--time-limit", "--set") on the
    command line, ("time_limit_s=", "overrides") from Python (siting/api.py), with the files as
    its messages name them."""
    from siting.config.load import OVERRIDES_NAME, MessagePaths
    from siting.optimize.results import TIME_LIMIT_NAME

    return FrontNames(TIME_LIMIT_NAME.get(), OVERRIDES_NAME.get(), MessagePaths.current())


def _named(names: FrontNames, call: Callable[..., Any], *args: Any) -> Any:
    """`call(*args)` with the front door's `names` (`front_names`) in force where it runs: a
    worker process forked from the caller inherits some of them, but a Dask worker (or a process
    started otherwise, or in another current folder) does not, and would name the command line's
    options to a Python caller, and the scenario by its absolute path rather than as typed."""
    from siting.config.load import overrides_named
    from siting.optimize.results import time_limit_named

    with time_limit_named(names.time_limit), overrides_named(names.overrides), names.paths.named_from():
        return call(*args)


def _run_tasks(tasks: Sequence[_Task], workers: int | None, dask: Any, hooks: _Hooks, key: str) -> list[Any]:
    """Every task's result, in task order: in this process (one worker, or one task), in a pool
    of `workers` processes, or on Dask (`dask`, a client from `dask_client`; `key` begins the
    tasks' Dask keys). Each task carries the front door's names (`front_names`) to where it
    runs (`_named`). Once a result holds a run whose write the disk refused for good
    (`hooks.refused`), no further task is started (the tasks under way end; on Dask they are
    cancelled) and BatchStopped is raised: that run (the first in task order, if several) and
    the labels of the tasks not run."""
    if not tasks:
        return []
    names = front_names()
    tasks = [_Task(task.label, _named, (names, task.call, *task.args)) for task in tasks]
    if dask is not None:
        with quiet_logs(DASK_CLIENT_LOGGER):  # a lost scheduler is said once, in words (`scheduler_lost_problem`)
            results = _run_on_dask(tasks, dask, hooks, key)
    elif (workers or default_workers()) == 1 or len(tasks) == 1:
        results = []
        for i, task in enumerate(tasks):
            hooks.begin(task.label)
            results.append(task.call(*task.args))
            hooks.done(i, results[-1])
            if hooks.refused(results[-1]) is not None:
                break
        results += [NOT_RUN] * (len(tasks) - len(results))
    else:
        results = _run_in_pool(tasks, workers or default_workers(), hooks)
    refused = [summary for summary in (hooks.refused(r) for r in results if r is not NOT_RUN) if summary is not None]
    if refused:
        raise BatchStopped(refused[0], [task.label for task, r in zip(tasks, results, strict=True) if r is NOT_RUN])
    return results


class _NotRun:
    """The result of a task not run: the tasks stopped before it (`_run_tasks`)."""

    def __repr__(self) -> str:
        return "NOT_RUN"


NOT_RUN = _NotRun()


def _run_in_pool(tasks: Sequence[_Task], workers: int, hooks: _Hooks) -> list[Any]:
    """The tasks in a pool of `workers` processes (`_pool_round`); a task whose worker died is run
    again in a new pool, up to RETRIES times, then given `hooks.lost`. Only a task under way when
    its pool broke counts that as a death: one still waiting for a free worker never ran, and is
    run again in the next pool however often pools broke before its turn. A process that dies
    takes the whole pool down, so when several tasks were under way, which of them broke it is
    not known: those are run again one at a time, in a pool of one worker, before the others, so
    that only the task that breaks a pool again is counted again, and one under way beside it
    keeps its result. Each task counted a death that runs again is said once (`hooks.again`), with
    how the process ended where the pool saw it. Once a result stops the tasks (`hooks.refused`),
    the tasks not started are NOT_RUN, and so are those lost."""
    results: dict[int, Any] = {}
    pending = list(range(len(tasks)))
    deaths = dict.fromkeys(pending, 0)  # the pools that broke while the task was under way
    ended: list[str] = []  # how the processes that broke a pool ended, in words, in the order seen
    suspects: list[int] = []  # under way together when a pool broke: run one at a time
    while pending:
        alone = bool(suspects)
        batch = suspects if alone else pending
        begun: set[int] = set()
        seen = len(ended)
        left = _pool_round(tasks, batch, 1 if alone else workers, hooks, results, ended, begun)
        if left and len(left) == len(batch) and unguarded_main(ended[seen:]):
            raise InputError([unguarded_main_problem()])
        if any(hooks.refused(r) is not None for r in results.values() if r is not NOT_RUN):
            return [results.get(i, NOT_RUN) for i in range(len(tasks))]
        # a pool that broke before any task began counts against each, so that the retries end
        counted = begun.intersection(left) or set(left)
        for i in counted:
            deaths[i] += 1
        given_up = [i for i in left if deaths[i] > RETRIES]
        how = f" ({'; '.join(dict.fromkeys(ended))})" if ended else ""
        for i in given_up:
            results[i] = hooks.lost(i, f"worker process died {deaths[i]} times running this case{how}")
            hooks.done(i, results[i])
        now = "; ".join(dict.fromkeys(ended[seen:])) or "how it ended is not known"
        for i in sorted(counted.difference(given_up)):
            hooks.again(tasks[i].label, _pool_again_words(now, i in begun, len(counted)))
        gone = set(batch).difference(left).union(given_up)
        pending = [i for i in pending if i not in gone]
        if alone:
            suspects = [i for i in suspects if i not in gone]
        elif len(counted) > 1 and begun:
            suspects = [i for i in pending if i in counted]
    return [results[i] for i in range(len(tasks))]


def unguarded_main(ended: Sequence[str]) -> bool:
    """Whether the worker processes of a pool that broke before any of its tasks gave a result,
    having ended as `ended` says (`exit_words`, as `_watch_deaths` reads them), ended as they
    started because they imported this process's main module again and it called for a pool of its
    own (`IMPORTING_MAIN_EXIT`, siting/optimize/workers.py `run_handed_over`): the main module is a
    file (a script) and the start method is not "fork" (which imports nothing again), the way the
    local Dask cluster fails from such a script (`local_cluster_failed`)."""
    return (bool(ended) and all(how == exit_words(IMPORTING_MAIN_EXIT) for how in ended)
            and multiprocessing.get_start_method() != "fork"
            and getattr(sys.modules.get("__main__"), "__file__", None) is not None)


def unguarded_main_problem() -> str:
    """The problem of a process pool whose worker processes ended as they started (`unguarded_main`),
    naming the workers argument as the front door in use writes it (the command line's option, or
    the Python argument while `siting.api`'s calls run: `SCHEDULER_NAME`)."""
    name = "--workers" if SCHEDULER_NAME.get().startswith("--") else "workers"
    method = multiprocessing.get_start_method()
    return (f"{name} | the worker processes could not start: each imports the script again as it starts "
            f"(multiprocessing's \"{method}\" start method), and the script's top level called for worker "
            "processes again; in a script, put the call under `if __name__ == \"__main__\":` (a notebook or "
            f"the command line needs nothing), or run in this process ({name}=1)")


def _pool_again_words(how: str, begun: bool, under_way: int) -> str:
    """Why a task of the process pool runs again (`_run_in_pool`), in words for `hooks.again`: a
    worker process that ended `how` while it ran (`begun`), alone or beside others (`under_way`
    tasks together), or before it began."""
    if not begun:
        return f"a worker process of its pool ended ({how}) before it began"
    if under_way == 1:
        return f"the worker process running it ended ({how})"
    others = under_way - 1
    return (f"a worker process of its pool ended ({how}) while it and {others} other{'s' if others != 1 else ''} "
            "were under way, which stopped them all; which of them the process ran is not known")


def exit_words(code: int) -> str:
    """How a process ended, from its exit code as `multiprocessing` gives it (-N: killed by signal
    N), in words: "killed by SIGKILL, which an out-of-memory kill gives", "killed by SIGSEGV",
    "exit code 3"."""
    if code >= 0:
        return f"exit code {code}"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    return f"killed by {name}" + (", which an out-of-memory kill gives" if -code == signal.SIGKILL else "")


def _watch_deaths(future: Future[Any], pool: Any, ended: list[str]) -> None:
    """Once `future` of the process pool `pool` fails for the pool's breaking (BrokenProcessPool),
    add to `ended` how each of its worker processes that had ended by then ended (`exit_words`):
    the pool fails its tasks before it stops its other workers, so those are the processes that
    broke it. The pool's processes are read from its `_processes` (no public way tells them);
    without it nothing is added."""
    processes = getattr(pool, "_processes", None)
    if not isinstance(processes, dict):
        return

    def seen(done: Future[Any]) -> None:
        if done.cancelled() or not isinstance(done.exception(), BrokenProcessPool):
            return
        with contextlib.suppress(Exception):  # how it ended is a detail: never let it hide the loss
            workers = list(processes.values())
            gone = set(mp_wait([p.sentinel for p in workers], timeout=0))
            for process in workers:
                if process.sentinel in gone:
                    process.join(1.0)  # its end is seen (its sentinel); this reads its exit code
                    if process.exitcode is not None:
                        ended.append(exit_words(process.exitcode))

    future.add_done_callback(seen)


def _pool_round(tasks: Sequence[_Task], pending: list[int], workers: int, hooks: _Hooks,
                results: dict[int, Any], ended: list[str], begun: set[int] | None = None) -> list[int]:
    """Run the tasks numbered `pending` in one pool (`run_handed_over`: in order, no more than
    the workers at once, so that those handed over are those under way, as a `Progress` shows
    them, beating about every `BEAT_S`), their results into `results`; return those lost with a
    worker that died, how it ended added to `ended` where the pool shows it (`_watch_deaths`), and
    the tasks handed over to a worker added to `begun` (when given).
    Once a task that ended stops the tasks (`hooks.refused`), no other is started: each is handed
    over as ended at once, NOT_RUN, and not shown."""
    submitted: list[Future[Any]] = []
    skipped: set[int] = set()

    def stopped() -> bool:
        # The task that ended is done before the next is handed over (`run_handed_over`).
        return any(f.done() and not f.cancelled() and f.exception() is None and hooks.refused(f.result()) is not None
                   for f in submitted)

    def submit(pool: Any, i: int) -> Future[Any]:
        if stopped():
            skipped.add(i)
            not_run: Future[Any] = Future()
            not_run.set_result(NOT_RUN)
            return not_run
        future = pool.submit(tasks[i].call, *tasks[i].args)
        _watch_deaths(future, pool, ended)
        submitted.append(future)
        return future

    def begin(i: int) -> None:
        if i not in skipped:
            if begun is not None:
                begun.add(i)
            hooks.begin(tasks[i].label)

    def done(i: int, result: Any) -> None:
        results[i] = result
        if result is not NOT_RUN:
            hooks.done(i, result)

    return run_handed_over(pending, min(workers, len(pending)), submit, begin, done, hooks.beat, BEAT_S)


def dask_loss_words(error: BaseException, begins: int | None = None, submissions: int = 1) -> str:
    """Why a task on Dask gave no result, from the exception its future raised, in words for
    `hooks.lost`, as the process pool says it (`_run_in_pool`): for Dask's KilledWorker (the
    workers running the task died more often than the scheduler's setting
    distributed.scheduler.allowed-failures lets a task's workers die) how many died, the address
    of the last and that setting's value, and that Dask does not say how they ended: "Dask worker
    died 4 times running this case (KilledWorker: the last was tcp://10.0.0.5:40000, and Dask's
    distributed.scheduler.allowed-failures is 3; Dask does not say how a worker ended: its log does,
    e.g. a restart for using more than its memory limit)". A task heard to begin (`begins`, on its
    last submission of `submissions`) on fewer workers than died holding it (`never_began`) is not
    said to have died running: "Dask workers died 2 times holding this case, none of them heard to
    begin it, on the last of its 3 submissions, each lost with more workers than it was heard to
    begin on (KilledWorker: ...; a worker holds cases queued behind the one it runs, and its death
    is counted against each: another case, of this batch or of another client of the scheduler, may
    have killed it; ...)". Any other exception as the traceback module gives it, after "Dask worker
    failed: "."""
    from distributed import KilledWorker

    allowed = getattr(error, "allowed_failures", None)
    worker = getattr(getattr(error, "last_worker", None), "address", None)
    if isinstance(error, KilledWorker) and isinstance(allowed, int) and worker:
        died = allowed + 1
        times = f"{died} time{'s' if died != 1 else ''}"
        setting = (f"KilledWorker: the last was {worker}, and Dask's distributed.scheduler.allowed-failures is "
                   f"{allowed}; ")
        ended = ("Dask does not say how a worker ended: its log does, e.g. a restart for using more than its memory "
                 "limit")
        if begins is None or not never_began(error, begins):
            return f"Dask worker died {times} running this case ({setting}{ended})"
        heard = ("not heard to begin it" if died == 1 else
                 f"{'none' if begins == 0 else begins} of them heard to begin it")
        every = (f", on the last of its {submissions} submissions, each lost with more workers than it was heard to "
                 "begin on") if submissions > 1 else ""
        return (f"Dask worker{'s' if died != 1 else ''} died {times} holding this case, {heard}{every} ({setting}a "
                "worker holds cases queued behind the one it runs, and its death is counted against each: another "
                f"case, of this batch or of another client of the scheduler, may have killed it; {ended})")
    return f"Dask worker failed: {traceback.format_exception_only(type(error), error)[-1].strip()}"


def dask_again_words(error: BaseException) -> str:
    """Why a task on Dask lost with more workers than it began on (`never_began`) is submitted
    again, in words for `hooks.again`: what Dask's KilledWorker says, how many workers died
    holding it and the last: "the Dask workers holding it were lost (KilledWorker: 2 died holding it, the last
    tcp://10.0.0.5:40000; Dask does not say how a worker ended)"."""
    allowed = getattr(error, "allowed_failures", None)
    worker = getattr(getattr(error, "last_worker", None), "address", None)
    known = [f"{allowed + 1} died holding it"] if isinstance(allowed, int) else []
    known += [f"the last {worker}"] if worker else []
    return (f"the Dask workers holding it were lost ({type(error).__name__}{': ' if known else ''}{', '.join(known)}; "
            "Dask does not say how a worker ended)")


def scheduler_lost(error: BaseException) -> bool:
    """Whether a task's future raised `error` because the client lost its connection to the
    scheduler (Dask cancels every future then, reason "scheduler-connection-lost"), not because
    of the task or its worker."""
    return isinstance(error, CancelledError) and getattr(error, "reason", None) == SCHEDULER_LOST


#: The reason Dask gives for the futures it cancels when its client loses the scheduler.
SCHEDULER_LOST = "scheduler-connection-lost"


class SchedulerLost(InputError):
    """A batch on Dask whose client lost the scheduler while the runs were under way
    (`scheduler_lost_problem`): not a problem of its input, and headed so ("1 problem with the Dask
    scheduler:"); an InputError all the same, exit 2 on the command line, nothing written."""

    concerning = "with the Dask scheduler"


def scheduler_lost_problem(client: Any) -> str:
    """The problem a batch ends with when its Dask client lost the scheduler while the runs were
    under way (`scheduler_lost`): the argument (`SCHEDULER_NAME`), the scheduler's address as the
    client has it, and that no run failed on its own: "--scheduler | lost the connection to the
    Dask scheduler at tcp://10.0.0.5:8786 while the runs were under way (scheduler-connection-lost):
    no run failed on its own and nothing was written; start the scheduler again and repeat the
    command, or drop --scheduler"."""
    name = SCHEDULER_NAME.get()
    address = getattr(getattr(client, "scheduler", None), "address", None)
    at = f" at {address}" if isinstance(address, str) and address else ""
    return (f"{name} | lost the connection to the Dask scheduler{at} while the runs were under way ({SCHEDULER_LOST}):"
            f" no run failed on its own and nothing was written; start the scheduler again and repeat the command, "
            f"or drop {name}")


def _run_on_dask(tasks: Sequence[_Task], client: Any, hooks: _Hooks, key: str, beat_s: float = BEAT_S) -> list[Any]:
    """The tasks on the Dask cluster of `client`, submitted at once: its scheduler hands them to
    its workers, runs a task whose worker died again on another until the task's workers died
    more often than its setting distributed.scheduler.allowed-failures allows (RETRIES on the
    local cluster of `dask_client`, as in the process pool; a scheduler of its own address keeps
    its own, 3 unless configured), and a task that raised again up to RETRIES times; then the task's result is
    `hooks.lost`, with why in the words of `dask_loss_words`. As a worker begins a task, the task
    says so (`_announced`: an event on a topic of this call's own, heard, as the nannies' restarts
    and the scheduler's removals of workers are, through the client's one handler of each topic
    that the batches at once on one client share, `_subscribe`) and `hooks.begin` hears it, so
    that a `Progress` shows the runs under way as the process pool's do; `hooks.again` hears, once
    for each, a worker lost while it ran (or held) a task that then runs again (`_began`,
    `dask_again_words`); `hooks.done` hears each task as it ends, and `hooks.beat` is called about
    every `beat_s` seconds. The tasks' keys begin with `key` and a token of this call's own, so
    that two batches on one scheduler never share a task. Before it begins, each task checks that
    its worker's source is this process's (`checked_announced`): a worker of another version (one
    that joined after the batch connected, or whose source changed since) stops the batch with an
    InputError naming it (`other_version_problem`), the tasks cancelled. An interrupt or any other exception
    cancels the tasks and is raised; a lost scheduler (`scheduler_lost`: every task cancelled by
    Dask) raises SchedulerLost (`scheduler_lost_problem`),
    no task's failure, with nothing cancelled (no scheduler to hear it). Workers restarted for
    memory MEMORY_RESTARTS times with no task begun or ended in between, none under way, and no worker
    removed holding another client's task (`_removed`: restarts on a shared scheduler may be its
    work's) (`_restarted`), raise WorkersLost, the tasks cancelled: none lives long enough to hold a task,
    which the scheduler would count, and the batch would wait for ever. A scheduler left with no
    worker (none started yet, or all lost, by SIGKILL or otherwise, before they held a task) keeps
    the tasks waiting without a word from Dask: `hooks.notice` hears so (`_WorkerWatch`), and then
    again, calmly; an interrupt stops the wait as ever. Once a result stops the
    tasks (`hooks.refused`), those not ended are cancelled, NOT_RUN."""
    token = uuid.uuid4().hex[:12]
    topic = f"{key}-{token}-began"
    # (ended, task number), or (None, a nanny's restart for memory, or OTHERS_HELD), from Dask's threads
    events: queue.SimpleQueue[tuple[bool | None, Any]] = queue.SimpleQueue()
    handlers: dict[str, Callable[[Any], None]] = {
        MEMORY_TOPIC: lambda event: events.put((None, event[1])),
        topic: lambda event: events.put((False, int(event[1]))),
        REMOVALS_TOPIC: lambda event: _removed(event[1], f"{key}-{token}-", events),
    }
    restarts: list[Any] = []  # the restarts for memory heard since a task last began or ended
    futures: list[Any] = []
    lost = False  # the scheduler's connection, with every task
    begins = dict.fromkeys(range(len(tasks)), 0)  # how often a worker said it began each, this submission
    again = dict.fromkeys(range(len(tasks)), 0)  # how often each was submitted again, never having begun

    announced = checked_announced()
    watch = _WorkerWatch(client, hooks.notice)

    def submit(i: int) -> Any:
        task = tasks[i]
        tail = f"-again{again[i]}" if again[i] else ""
        future = client.submit(announced, topic, i, packed(task.call, task.args),
                               key=f"{key}-{token}-{i}-{task.label}{tail}", retries=RETRIES, pure=False)
        future.add_done_callback(lambda _future, i=i: events.put((True, i)))
        return future

    try:
        for name, handler in handlers.items():
            _subscribe(client, name, handler)
        for i in range(len(tasks)):
            futures.append(submit(i))
        results: dict[int, Any] = {}
        next_beat = time.perf_counter() + beat_s
        while len(results) < len(tasks):
            event = _next_event(events, max(next_beat - time.perf_counter(), 0.0), restarts, client)
            if event is not None:
                watch.heard()
                ended, i = event
                if not ended and i not in results:  # (a beginning heard after the end is dropped)
                    begins[i] += 1
                    _began(tasks[i].label, begins[i], hooks)
                elif ended:
                    kind, value = _dask_outcome(futures[i], begins[i], again[i])
                    if kind in ("scheduler", "other"):  # not the run's failure: the batch stops
                        lost = kind == "scheduler"  # every run is lost with it
                        raise _batch_stop(kind, client, tasks[i].label, value) from None
                    if kind == "again":  # lost with workers it never ran on: it runs again
                        hooks.again(tasks[i].label, dask_again_words(value))
                        again[i] += 1
                        begins[i] = 0
                        futures[i] = submit(i)
                        continue
                    results[i] = (value if kind == "result" else
                                  hooks.lost(i, dask_loss_words(value, begins[i], again[i] + 1)))
                    hooks.done(i, results[i])
                    if hooks.refused(results[i]) is not None:  # stop: nothing more is started
                        client.cancel([futures[j] for j in range(len(tasks)) if j not in results])
                        return [results.get(j, NOT_RUN) for j in range(len(tasks))]
            if time.perf_counter() >= next_beat:
                hooks.beat()
                watch.beat()
                next_beat = time.perf_counter() + beat_s
        return [results[i] for i in range(len(tasks))]
    except BaseException:
        if not lost:  # no scheduler to cancel them on (it would be waited for)
            client.cancel(futures)
        raise
    finally:
        for name, handler in handlers.items():
            _unsubscribe(client, name, handler, connected=not lost)


class _TopicFanout:
    """The one handler a Dask client keeps for a topic (`Client.subscribe_topic` replaces the
    client's handler of the topic, and `Client.unsubscribe_topic` stops the scheduler sending it to
    the client), shared by the batches on that client that hear the topic (`_subscribe`): each event
    goes to every batch's handler, in the order they subscribed."""

    def __init__(self) -> None:
        self.handlers: list[Callable[[Any], None]] = []

    def __call__(self, event: Any) -> None:
        with _FANOUTS_LOCK:
            handlers = list(self.handlers)
        for handler in handlers:
            handler(event)


#: The handlers shared by the batches on each Dask client and topic (`_subscribe`), by the client's
#: id and the topic, with the client (so that its id is not another's while the entry stands).
_FANOUTS: dict[tuple[int, str], tuple[Any, _TopicFanout]] = {}
_FANOUTS_LOCK = threading.Lock()


def _subscribe(client: Any, topic: str, handler: Callable[[Any], None]) -> None:
    """`handler` hears the events of `topic` on the Dask client `client` until `_unsubscribe`:
    through the client's one handler of the topic (`_TopicFanout`), subscribed as the first batch
    on the client asks for the topic, so that batches at once on one client (two threads of a
    notebook, a batch started while another runs) neither replace each other's handlers nor
    unsubscribe the topic while another still hears it."""
    with _FANOUTS_LOCK:
        entry = _FANOUTS.get((id(client), topic))
        if entry is None:
            entry = (client, _TopicFanout())
            client.subscribe_topic(topic, entry[1])  # (raising, nothing is kept)
            _FANOUTS[(id(client), topic)] = entry
        entry[1].handlers.append(handler)


def _unsubscribe(client: Any, topic: str, handler: Callable[[Any], None], connected: bool = True) -> None:
    """`handler`, subscribed to `topic` on `client` by `_subscribe`, no longer hears it; once it
    was the last, the topic is unsubscribed; not when the client lost the scheduler (`connected`
    False: no scheduler to hear it). A client already broken must not hide why the batch ends: its
    errors here are dropped."""
    with _FANOUTS_LOCK:
        entry = _FANOUTS.get((id(client), topic))
        if entry is None or handler not in entry[1].handlers:
            return
        entry[1].handlers.remove(handler)
        if entry[1].handlers:
            return
        del _FANOUTS[(id(client), topic)]
        if not connected:
            return
        with contextlib.suppress(Exception):
            client.unsubscribe_topic(topic)


#: Beats of a batch on Dask with no task begun or ended between two questions to its scheduler of
#: how many workers it has (`_WorkerWatch`): the first after as many quiet beats (about 10 s).
NO_WORKERS_BEATS = 10

#: Beats between two notices of a scheduler that still has no worker (`_WorkerWatch`): about a minute.
NO_WORKERS_AGAIN_BEATS = 60


class _WorkerWatch:
    """What `_run_on_dask` says of a Dask scheduler with no worker, whose tasks wait without a word
    from Dask: none started yet, or all lost before they held a task (a worker killed by SIGKILL
    with its nanny, a machine gone), which the scheduler counts against no task. Every
    NO_WORKERS_BEATS beats with no task heard to begin or end (`heard`), it asks the scheduler how
    many workers it has (`Client.nthreads`; a scheduler that does not answer is asked again later);
    while it has none, `notice` hears `no_workers_notice` at once and then every
    NO_WORKERS_AGAIN_BEATS beats, and once workers are back after a notice before any task is heard,
    `workers_back_notice` (a task heard begins or ends in the progress itself)."""

    def __init__(self, client: Any, notice: Callable[[str], None]) -> None:
        self.client, self.notice = client, notice
        self.quiet = 0  # beats since a task was last heard to begin or end
        self.since: int | None = None  # beats since the last notice of no worker; None when none stands

    def heard(self) -> None:
        """A task began or ended: its worker is there (a notice standing is over; a later loss of
        every worker is said afresh)."""
        self.quiet = 0
        self.since = None

    def beat(self) -> None:
        """One more beat of the wait (`_run_on_dask`)."""
        self.quiet += 1
        if self.since is not None:
            self.since += 1
        if self.quiet % NO_WORKERS_BEATS:
            return
        try:
            count = len(self.client.nthreads())
        except Exception:  # the scheduler does not tell now: asked again later
            return
        if count == 0 and (self.since is None or self.since >= NO_WORKERS_AGAIN_BEATS):
            self.notice(no_workers_notice(self.client))
            self.since = 0
        elif count and self.since is not None:
            self.notice(workers_back_notice(self.client, count))
            self.since = None


def _scheduler_at(client: Any) -> str:
    """" at ADDRESS", the address of the scheduler of `client` as the client has it; empty when it
    does not say."""
    address = getattr(getattr(client, "scheduler", None), "address", None)
    return f" at {address}" if isinstance(address, str) and address else ""


def _of_local_cluster(client: Any) -> bool:
    """Whether `client` is that of a cluster this process started (`dask_client` "local": a
    `Client(LocalCluster)` has its cluster; one connected to an address has None there)."""
    return getattr(client, "cluster", None) is not None


def no_workers_notice(client: Any) -> str:
    """The line a batch on Dask says while its scheduler has no worker (`_WorkerWatch`): "waiting
    for workers: the Dask scheduler at tcp://10.0.0.5:8786 has none (none started yet, or all lost);
    the runs wait until one connects (dask worker tcp://10.0.0.5:8786, where this package is
    installed); Ctrl-C stops the batch, with nothing written". Of a local cluster (`--scheduler
    local`: `_of_local_cluster`), whose workers all started before its first run and whose
    scheduler's loopback address is nothing to connect a worker to: "waiting for workers: the local
    Dask cluster has no workers (all lost, none restarted by its nannies); the runs wait until one
    is back; Ctrl-C stops the batch, with nothing written"."""
    if _of_local_cluster(client):
        return ("waiting for workers: the local Dask cluster has no workers (all lost, none restarted by its "
                "nannies); the runs wait until one is back; Ctrl-C stops the batch, with nothing written")
    at = _scheduler_at(client)
    start = f" (dask worker {at[4:]}, where this package is installed)" if at else ""
    return (f"waiting for workers: the Dask scheduler{at} has none (none started yet, or all lost); the runs wait "
            f"until one connects{start}; Ctrl-C stops the batch, with nothing written")


def workers_back_notice(client: Any, count: int) -> str:
    """The line a batch on Dask says once its scheduler, said to have no worker, has some again
    (`_WorkerWatch`): "the Dask scheduler at tcp://10.0.0.5:8786 has 2 workers now: the runs go on";
    of a local cluster (`_of_local_cluster`), "the local Dask cluster has 2 workers now: ..."."""
    workers = f"{count} worker{'s' if count != 1 else ''}"
    whose = "the local Dask cluster" if _of_local_cluster(client) else f"the Dask scheduler{_scheduler_at(client)}"
    return f"{whose} has {workers} now: the runs go on"


#: The topic of the events Dask's nannies log as they restart a worker for using more than its
#: memory limit (distributed.worker.memory.terminate of it): {"worker", "pid", "rss"}.
MEMORY_TOPIC = "worker-restart-memory"

#: How many restarts of workers for memory, with no task begun or ended in between and none under
#: way, end a batch on Dask (`_restarted`): its workers die before they hold a task.
MEMORY_RESTARTS = 10


#: The topic on which the scheduler logs, among others, each worker it removes ("remove-worker": the
#: worker, the tasks it was processing and the data it kept), which `_removed` hears.
REMOVALS_TOPIC = "all"

#: What `_removed` puts among a batch's events (`_run_on_dask`) for a worker removed holding another
#: client's task: the restarts for memory heard so far are not counted against the batch.
OTHERS_HELD = "others-held"


def _removed(event: Any, ours: str, events: queue.SimpleQueue[tuple[bool | None, Any]]) -> None:
    """An event the scheduler logged on REMOVALS_TOPIC, heard by `_run_on_dask` (from Dask's
    threads): a worker removed ("remove-worker") while it was processing, or kept the result or
    scattered data of, a task whose key does not begin with `ours` (this batch's keys) puts (None, OTHERS_HELD) on
    `events`: on a shared scheduler, another client's work may restart its workers for memory, which
    says nothing of the workers this batch waits for (`_next_event` forgets the restarts heard). Any
    other event is dropped."""
    if not isinstance(event, dict) or event.get("action") != "remove-worker":
        return
    held = [key for kind in ("processing-tasks", "lost-computed-tasks", "lost-scattered-tasks")
            for key in event.get(kind) or ()]
    if any(not (isinstance(k, str) and k.startswith(ours)) for k in held):
        events.put((None, OTHERS_HELD))


class WorkersLost(InputError):
    """A batch on Dask whose workers are restarted for memory before they can hold a task
    (`_restarted`): not a problem of its input, and headed so ("1 problem with the Dask
    workers:"); an InputError all the same, exit 2 on the command line, nothing written."""

    concerning = "with the Dask workers"


def _next_event(events: queue.SimpleQueue[tuple[bool | None, Any]], timeout: float, restarts: list[Any],
                client: Any) -> tuple[bool, int] | None:
    """The next task's beginning (False, its number) or end (True, its number) that `_run_on_dask`
    hears on `events` within `timeout` seconds, which clears `restarts`; None when none comes. A
    nanny's restart of a worker for memory heard instead (None, its event) goes to `_restarted`,
    which may stop the batch, and gives None; a worker removed holding another client's task (None,
    OTHERS_HELD: `_removed`) clears `restarts` and gives None."""
    try:
        ended, value = events.get(timeout=timeout)
    except queue.Empty:
        return None
    if ended is None:
        if isinstance(value, str) and value == OTHERS_HELD:
            restarts.clear()
        else:
            _restarted(restarts, value, client)
        return None
    restarts.clear()
    return ended, value


def _restarted(restarts: list[Any], event: Any, client: Any) -> None:
    """A nanny of the Dask cluster of `client` restarted a worker for using more than its memory
    limit (`event`, on MEMORY_TOPIC), heard by `_run_on_dask` (`_next_event`, which clears `restarts`
    as a task begins or ends). A worker restarted while it holds a task is counted by the scheduler against
    the task (KilledWorker, `dask_loss_words`); one restarted before it holds any (its limit below
    what a worker process takes as it starts) is counted against nothing, and the tasks wait for
    ever. So once MEMORY_RESTARTS are heard in a row, with no worker removed holding another
    client's task in between (`_removed`: on a shared scheduler, their work may be what restarts the
    workers, and the scheduler shows none of it under way while the only worker is away), and the
    scheduler shows no task under way on any worker, WorkersLost is raised (`memory_restarts_problem`)."""
    restarts.append(event)
    if len(restarts) < MEMORY_RESTARTS:
        return
    try:
        busy = any(client.processing().values())
    except Exception:  # the scheduler does not tell: the batch goes on waiting
        return
    if not busy:
        raise WorkersLost([memory_restarts_problem(restarts)])


def memory_restarts_problem(restarts: Sequence[Any]) -> str:
    """The problem a batch on Dask ends with when its workers were restarted for memory before they
    could hold a run (`_restarted`'s `restarts`, the nannies' events): how often, the last worker
    and the memory it used, and the settings to change: "--scheduler | the Dask workers were
    restarted 10 times for using more than their memory limit, with no run begun in between, the
    last tcp://127.0.0.1:40000 using 30 MB: ..."."""
    import dask

    name = SCHEDULER_NAME.get()
    last = restarts[-1] if restarts and isinstance(restarts[-1], dict) else {}
    worker, rss = last.get("worker"), last.get("rss")
    used = f" using {rss / 2**20:,.0f} MB" if isinstance(rss, (int, float)) else ""
    which = f", the last {worker}{used}" if worker else ""
    terminate = dask.config.get("distributed.worker.memory.terminate", None)
    share = f"{terminate:.0%} of it" if isinstance(terminate, float) else "its share of it"
    return (f"{name} | the Dask workers were restarted {len(restarts)} times for using more than their memory limit, "
            f"with no run begun in between{which}: they die before they can hold a run, and the runs would wait for "
            f"ever; the batch stopped, with nothing written. Give each worker more memory: on the local cluster, "
            f"fewer workers (--workers), which share the machine's memory; where you start them, a larger "
            f"--memory-limit (dask worker). Dask's nanny restarts a worker above {share} "
            f"(distributed.worker.memory.terminate)")


#: How often a task on Dask that was lost with its workers without ever beginning (`never_began`)
#: is submitted again before it is reported lost (a bound, so that the batch ends).
NEVER_BEGAN_AGAIN = 2


def never_began(error: BaseException, begins: int) -> bool:
    """Whether a task on Dask whose future raised `error` was lost with workers it never began on:
    Dask's KilledWorker for a task that workers said they began (`begins`) fewer times than
    workers died with it (its allowed_failures + 1; when Dask does not say, a task no worker said
    it began). A scheduler lets a worker hold tasks beyond the one it runs
    (distributed.scheduler.worker-saturation, 1.1 by default), and counts a worker's death against
    every task it held, so a task waiting behind one that kills its worker reaches allowed-failures
    without having run; and workers that die together (a machine going down, the OOM killer taking
    several) are each counted against the task of the first, handed to the next as it dies."""
    from distributed import KilledWorker

    if not isinstance(error, KilledWorker):
        return False
    allowed = getattr(error, "allowed_failures", None)
    return begins < allowed + 1 if isinstance(allowed, int) else begins == 0


def _dask_outcome(future: Any, begins: int, again: int) -> tuple[str, Any]:
    """How a task's ended `future` ended: ("result", its result); ("scheduler", the exception) when
    the client lost the scheduler (`scheduler_lost`); ("again", the exception) when it was lost
    with workers it never began on (`never_began`, `begins`: how often workers said they began it) and was
    submitted again fewer than NEVER_BEGAN_AGAIN times (`again`); ("other", the refusal) when the
    worker runs another version of this package (`checked_call`, `other_version`); else ("lost", the exception): a
    worker lost beyond the retries, or the task's own failure, reported, never dropped."""
    try:
        result = future.result()
    except Exception as exc:
        if scheduler_lost(exc):
            return "scheduler", exc
        if never_began(exc, begins) and again < NEVER_BEGAN_AGAIN:
            return "again", exc
        return "lost", exc
    return ("other" if other_version(result) else "result"), result


def _batch_stop(kind: str, client: Any, label: str, value: Any) -> InputError:
    """What stops a batch on Dask as the task `label` ends (`_dask_outcome`'s `kind` and `value`):
    its client lost the scheduler ("scheduler": SchedulerLost), or its worker runs another version
    of this package ("other": `other_version_problem`); no run failed on its own."""
    if kind == "scheduler":
        return SchedulerLost([scheduler_lost_problem(client)])
    return InputError([other_version_problem(client, label, value)])


def _began(label: str, begins: int, hooks: _Hooks) -> None:
    """Task `label` on Dask was heard to begin for the `begins`-th time in its submission
    (`_run_on_dask`): from the second on, the scheduler runs it again after the worker it ran on
    was lost, which `hooks.again` hears (once for each), before `hooks.begin`."""
    if begins > 1:
        hooks.again(label, "the Dask worker running it was lost (Dask does not say how it ended)")
    hooks.begin(label)


def _announced(topic: str, number: int, call: Callable[..., Any], *args: Any) -> Any:
    """`call(*args)` on a Dask worker, after an event on `topic` saying that task `number` began,
    which the client of `_run_on_dask` hears; outside a worker, the call alone. The event is sent
    to the scheduler and its receipt awaited before the call (the scheduler's `log_event`): sent
    the way `Worker.log_event` sends it, in a batch every few milliseconds, it was lost with a
    worker that the call ended at once, and the task was taken for one that never began
    (`never_began`). Where that call fails, `Worker.log_event` sends it."""
    from dask.distributed import get_worker

    try:
        worker = get_worker()
    except ValueError:  # not on a worker
        worker = None
    if worker is not None:
        try:
            from distributed.utils import sync

            sync(worker.loop, worker.scheduler.log_event, topic=topic, msg=number)
        except Exception:  # an older or other scheduler: sent with the worker's next batch
            worker.log_event(topic, number)
    return call(*args)


# --------------------------------------------------------------------------------------------
# cross-starts


@dataclass(frozen=True)
class CrossCheck:
    """What `cross_check` found for one run.

    costs: by case number, the cost (yuan) in this run of that case's plan; None where the plan
        breaks this run's rules.
    chosen: the case whose plan the run moved to (None: no plan was cheaper).
    resolved: the summary of the run with that plan, written in the folder aside (`_aside`).
    same_plan: whether it ended on the whole-number decisions of that plan (then the other runs
        need not cost its plan again: they costed the same decisions as the plan of `chosen`).
    taken: whether the plan was taken as it is, certified by the run's own bound (no search);
        false when the run was solved again from it.
    costing_s: wall seconds spent loading the run and costing the plans.
    error: why the plans could not be costed ("" when they were).
    not_taken: why taking the plan as it is failed, in words (`failure_words`), when the run was
        solved again from it for that reason; "" otherwise.
    """

    costs: dict[int, float | None]
    chosen: int | None = None
    resolved: CaseSummary | None = None
    same_plan: bool = False
    taken: bool = False
    costing_s: float = 0.0
    error: str = ""
    not_taken: str = ""


def cheaper(cost: float, own: float | None) -> bool:
    """Whether a plan of `cost` yuan beats a run's own plan of `own` yuan (None: it has none) by
    more than CROSS_TOLERANCE of `own` (taken as at least 1 yuan)."""
    return own is None or cost < own - CROSS_TOLERANCE * max(abs(own), 1.0)


def proven_by(cost: float, bound: float | None, rel_gap: float, abs_gap_yuan: float = 0.0) -> bool:
    """Whether a plan of `cost` yuan of a model lies within the asked gap of `bound`, a proven
    lower bound of the model's optimum (yuan; None: none): (cost - min(bound, cost)) /
    max(|cost|, 1e-9) at most `rel_gap`, or cost - min(bound, cost) at most `abs_gap_yuan` (yuan;
    0: none), as siting/optimize/tolerance.py `within_gap` says."""
    from siting.optimize.tolerance import within_gap

    return within_gap(cost, bound, rel_gap, abs_gap_yuan)


def cross_check(case: Case, own_yuan: float | None, plans: dict[int, PlanValues], aside: Path,
                bound_yuan: float | None = None, searches: dict[str, Any] | None = None,
                names: dict[int, str] | None = None, own_search: OwnSearch | None = None) -> CrossCheck:
    """Cost each plan of `plans` (by case number) in `case` (siting/optimize/solve.py
    `plan_cost`, on the case's model built once), and when the cheapest plan that meets its
    rules (`cheapest`: the lowest case number on a tie) beats `own_yuan` (`cheaper`), move the
    case to it, into the folder `aside`, its plan kept:
    - when its cost lies within the case's gap of `bound_yuan` (`proven_by`), a proven lower
      bound of the case's optimum from its own solve (whose searches are `searches`, its timings
      and options `own_search`, which the run's record keeps as its own), by taking it as it is
      (siting/optimize/run.py `FixedStart`, named by `names`, the cases' labels by number), no
      search;
    - otherwise, or when that ends other than "optimal" (a plan above the gap after all, or a
      failure), by solving the case again from it (the plan as costed here, a complete start); a
      failure (any error) is then said in `not_taken` and in a notice of the new solve
      (`not_taken_notice`).
    Never raises for a failure: it is reported in `error` (and the run keeps its own plan)."""
    from models import build_model
    from siting.optimize.run import FixedStart, solver_settings
    from siting.optimize.solve import new_solver, plan_cost, plan_values
    from siting.prepare.problem import prepare

    started = time.perf_counter()
    costs: dict[int, float | None] = {}
    completed: dict[int, PlanValues] = {}  # the plans cheaper than the run's own, as costed here
    try:
        prepared = prepare(case.scenario, {}, case.variant, case.overrides)
        settings = solver_settings(prepared.loaded)
        if case.time_limit_s is not None:
            settings = dataclasses.replace(settings, time_limit_s=case.time_limit_s)
        model = build_model(prepared.inputs)
        solver = new_solver()
        for j in sorted(plans):
            report = plan_cost(model, plans[j], settings, solver)
            cost = report.objective_yuan if report is not None and report.has_solution else None
            costs[j] = cost
            if cost is not None and cheaper(cost, own_yuan):
                completed[j] = plan_values(model)
    except Exception as exc:  # the run keeps its plan; a bug here must not sink the sweep
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return CrossCheck(costs, costing_s=time.perf_counter() - started, error=detail)
    costing = time.perf_counter() - started
    chosen = cheapest({j: costs[j] for j in completed})
    if chosen is None:
        return CrossCheck(costs, costing_s=costing)
    cost = costs[chosen]
    case_aside = dataclasses.replace(case, out_dir=aside)
    plan_from = (names or {}).get(chosen, f"case {chosen + 1}")
    not_taken = ""
    if cost is not None and bound_yuan is not None and proven_by(cost, bound_yuan, settings.rel_gap,
                                                                 settings.abs_gap_yuan):
        fixed = FixedStart(completed[chosen], bound_yuan, plan_from, own_yuan, dict(searches or {}), own_search)
        try:
            taken = run_case(case_aside, fixed, keep_plan=True)
            if taken.disk_refused:  # the batch stops (`_run_tasks`): no search again
                return CrossCheck(costs, chosen, taken, False, True, costing)
            if taken.ok and taken.status == "optimal":
                same = decisions(model, taken.plan_values) == decisions(model, completed[chosen])
                return CrossCheck(costs, chosen, taken, same, True, costing)
            not_taken = "" if taken.ok else failure_words(taken.error)  # ok: above the gap after all
        except Exception as exc:  # a bug here must not sink the sweep: the run is searched again
            not_taken = failure_words(error_text(exc))
        if case.files:  # not taken: searched again instead
            shutil.rmtree(aside, ignore_errors=True)
    notices = [not_taken_notice(case.label, plan_from, not_taken)] if not_taken else []
    resolved = run_case(case_aside, completed[chosen], keep_plan=True, notices=notices)
    same = resolved.ok and decisions(model, resolved.plan_values) == decisions(model, completed[chosen])
    return CrossCheck(costs, chosen, resolved, same, False, costing, not_taken=not_taken)


def decisions(model: Any, values: PlanValues) -> dict[tuple[str, Any], int]:
    """The whole-number decisions of the plan `values` on the whole-number variables of `model`
    (a Pyomo model), by component name and index (0 where the plan has none, as `plan_cost`
    reads it)."""
    import pyomo.core as pyo

    return {(component.name, index): round(values.get(component.name, {}).get(index, 0.0))
            for component in model.component_objects(pyo.Var, descend_into=True)
            for index, var in component.items() if var.is_integer() or var.is_binary()}


def cheapest(costs: dict[int, float | None]) -> int | None:
    """The lowest case number among the plans that cost the least (yuan; None: no plan), costs
    within CROSS_TOLERANCE of the least counting as ties, so that the LP's noise in the last
    digits never decides; None when no plan has a cost."""
    priced = {j: cost for j, cost in costs.items() if cost is not None}
    if not priced:
        return None
    least = min(priced.values())
    return min(j for j, cost in priced.items() if not cheaper(least, cost))


def aside_name(name: str) -> str:
    """The name of the folder beside a run's folder `name` where its cross-start solve is written:
    `.<name>.cross`, the longest name a batch derives from a run's folder name."""
    return f".{name}.cross"


def _aside(out_dir: Path) -> Path:
    """The folder beside a run's folder where its cross-start solve is written (`aside_name`)."""
    folder = Path(out_dir).resolve()
    return folder.with_name(aside_name(folder.name))


def _takes_start(case: Case) -> bool:
    """Whether the case's solve starts from a plan: not with candidate cells (see the module
    docstring), nor when the scenario cannot be read."""
    from siting.config.load import load_scenario

    try:
        return load_scenario(case.scenario, case.variant, case.overrides).scenario.candidates is None
    except InputError:
        return False


def _may_improve(summary: CaseSummary) -> bool:
    """A run with a plan, or one that found none in its limits (a plan of another run may be one)."""
    return summary.ok or summary.error.startswith(f"{NoSolution.__name__}:")


def cross_starts(cases: Sequence[Case], summaries: Sequence[CaseSummary], workers: int | None,
                 dask: Any, progress: Callable[[CaseSummary], None] | None) -> list[CaseSummary]:
    """The cross-start rounds (see the module docstring) on solved `cases` whose `summaries` carry
    their plans: the summaries after them, a run that took another run's plan or was solved again
    from it marked `started_from` (with `own_objective_yuan`, the cost of the plan its own solve
    found), its folder replaced by the new one. Tasks run as `run_cases` runs them (`dask`: its
    Dask client, or None); each round's decisions are made here, in case order, once all of its
    tasks are done. A write the disk refuses for good stops the rounds (BatchStopped, naming no
    run as not run: every run was solved)."""
    current = list(summaries)
    movable = [_takes_start(case) and _may_improve(summary) for case, summary in zip(cases, current, strict=True)]
    fresh = [i for i, summary in enumerate(current) if summary.plan_values]
    names = {j: case.label for j, case in enumerate(cases)}
    for number in range(1, len(cases) + 1):
        work: list[tuple[int, dict[int, PlanValues]]] = []  # (run, the plans new to it) to check
        for i, case in enumerate(cases):
            plans = {j: current[j].plan_values for j in fresh if j != i}
            # never write over what is there (a run without files writes nothing: its folder is its label)
            if plans and movable[i] and not (case.files and _aside(case.out_dir).exists()):
                work.append((i, plans))
        if not work:
            break
        counter = progress.then(len(work), "cross-starts" if number == 1 else f"cross-starts, round {number}") \
            if isinstance(progress, Progress) else None
        tasks = [_Task(cases[i].label, cross_check,
                       (cases[i], current[i].objective_yuan, plans, _aside(cases[i].out_dir),
                        current[i].best_bound_yuan, current[i].searches, {j: names[j] for j in plans},
                        current[i].own_search))
                 for i, plans in work]
        try:
            checks = _run_tasks(tasks, workers, dask, _cross_hooks(cases, work, counter), f"siting-cross{number}")
        except BatchStopped as stopped:  # every run was solved: its cross-starts alone are left undone
            raise BatchStopped(stopped.refused) from None
        fresh = []
        for (i, _plans), check in zip(work, checks, strict=True):
            kept = _kept(cases[i], current[i], check)
            if kept is not None:
                own = current[i].own_objective_yuan if current[i].started_from else current[i].objective_yuan
                # a plan taken as it is ran no search: the one behind its bound stays the run's own
                search = current[i].own_search if check.taken and current[i].own_search else kept.own_search
                current[i] = dataclasses.replace(kept, started_from=cases[check.chosen].label, own_objective_yuan=own,
                                                 not_taken=check.not_taken, warm_from=current[i].warm_from,
                                                 cross_failures=current[i].cross_failures,
                                                 own_time_limit_s=current[i].own_time_limit_s, own_search=search)
                if not check.same_plan:
                    fresh.append(i)
            elif failure := cross_failure(check, current[i].objective_yuan, names):
                current[i] = dataclasses.replace(current[i], cross_failures=(*current[i].cross_failures, failure))
    return current


def cross_failure(check: CrossCheck, own_yuan: float | None, names: dict[int, str]) -> str:
    """What failed in a run's cross-start `check` that left the run on its own plan (of
    `own_yuan`, yuan; None: it has none), in words for its `CaseSummary.cross_failures`: its
    costing of the other runs' plans (an error, or its worker lost: `CrossCheck.error`); or its
    move to the plan of run `names[chosen]`, found cheaper under its rules, whose new solve failed
    (`failure_words`) or ended dearer than its own plan (after taking the plan as it is failed, if
    it did: `CrossCheck.not_taken`). "" when nothing failed (no plan was cheaper)."""
    if check.error:
        return f"the other runs' plans were not costed under its rules ({check.error})"
    resolved = check.resolved
    if check.chosen is None or resolved is None:
        return ""
    cost = check.costs.get(check.chosen) or 0.0  # a chosen plan has a cost (`cross_check`)
    own = (f"less than the {own_yuan / BN:,.4f} {MONEY_UNIT} of its own" if own_yuan is not None
           else "where its own solve found no plan")
    tried = f"taking it as it is failed with {check.not_taken}, and " if check.not_taken else ""
    ended = (f"failed with {failure_words(resolved.error)}" if not resolved.ok
             else f"ended at {(resolved.objective_yuan or 0.0) / BN:,.4f} {MONEY_UNIT}, dearer than its own plan")
    return (f"the plan of {names.get(check.chosen, f'case {check.chosen + 1}')} costs {cost / BN:,.4f} {MONEY_UNIT} "
            f"under its rules, {own}, but {tried}solving it again from that plan {ended}; "
            f"{'it keeps its own plan' if own_yuan is not None else 'it has no plan'}")


def _cross_hooks(cases: Sequence[Case], work: list[tuple[int, Any]], counter: Progress | None) -> _Hooks:
    """Hooks of a round's `cross_check` tasks: each counted on `counter` with how it ended."""

    def done(k: int, check: CrossCheck) -> None:
        if counter is None:
            return
        if check.error:
            state = f"not checked: {check.error}"
        elif check.chosen is None or check.resolved is None:
            state = "its own plan is the cheapest"
        else:
            state = (f"from {cases[check.chosen].label}: " + ("took its plan, " if check.taken else "")
                     + (f"taking its plan failed with {check.not_taken}, solved again from it: "
                        if check.not_taken else "")
                     + progress.in_words(outcome_words(check.resolved)))
        counter.advance(cases[work[k][0]].label, state)

    return _Hooks(lambda label: counter.begin(label) if counter else None, done,
                  lambda: counter.beat() if counter else None, lambda _k, why: CrossCheck({}, error=why),
                  lambda check: check.resolved if check.resolved is not None and check.resolved.disk_refused else None,
                  lambda label, why: counter.say(ran_again(label, why, "cross-start of")) if counter else None,
                  lambda text: counter.say(text) if counter else None)


def _kept(case: Case, own: CaseSummary, check: CrossCheck) -> CaseSummary | None:
    """The summary of the run's cross-start solve when it gave a plan no dearer than its own,
    its folder then moved into the run's; None otherwise (the folder aside removed). A case
    without `files` wrote no folder: nothing is moved or removed."""
    aside = _aside(case.out_dir)
    resolved = check.resolved
    if resolved is None:
        return None
    better = resolved.ok and resolved.objective_yuan is not None and (
        own.objective_yuan is None or resolved.objective_yuan <= own.objective_yuan)
    if not case.files:
        return dataclasses.replace(resolved, out_dir="") if better else None
    if not better:
        shutil.rmtree(aside, ignore_errors=True)
        return None
    folder = Path(case.out_dir).resolve()
    shutil.rmtree(folder, ignore_errors=True)
    aside.rename(folder)
    return dataclasses.replace(resolved, out_dir=str(folder))


# --------------------------------------------------------------------------------------------
# nested rules


#: The fields of `models.ModelInputs` through which the red line reaches the model: the usable
#: land of each (site, product) pair outside its buffered zone, and the pairs it excludes.
REDLINE_FIELDS = ("land_after_redline_ha", "REDLINE_EXCLUDED")


#: Rule families named otherwise than by their name with spaces ("chain balance"), in words.
FAMILY_WORDS = {"redline": "the red line"}


def relaxing_families() -> frozenset[str]:
    """The rule families whose switching off relaxes the rules without touching the rest of the
    model: those `--rule-costs` prices whose rows alone switch off (models/registry.py
    `RULE_COST_FAMILIES` without `relax_needs_rebuild`: differentiation, agglomeration, budget,
    chain balance, market), and the red line, whose land and exclusions `admits_every_plan`
    compares as they stand with it off."""
    from models import RULE_COST_FAMILIES, family

    return frozenset({"redline", *(name for name in RULE_COST_FAMILIES if not family(name).relax_needs_rebuild)})


def relaxed_rules(looser: Any, stricter: Any) -> tuple[str, ...] | None:
    """What the model inputs `looser` relax of `stricter` (both `models.ModelInputs`), in words
    ("the red line" for its land and exclusions, "differentiation off", "the red line off" for a
    family switched off; () when they are the same), when every plan of
    `stricter` is then a plan of `looser` at no higher cost; None when that is not proven.

    Proven when every field of the inputs is the same but for
    - the red line (REDLINE_FIELDS, and the family switched off): for every candidate pair that
      `stricter` does not exclude, `looser` leaves at least as much usable land (ha,
      models/families/redline.py `usable_land_ha`), and it excludes no pair `stricter` admits.
      The red line reaches the model only through that land L[s,p] and those exclusions, and
      every use of L is monotone: a pair is buildable when one module fits, the module bounds
      are floor(L / land), the linking constants Amax[s,p] are the module knapsack on L, and the
      land rows (models/families/land.py) hold for a plan under larger L wherever they hold
      under smaller: a row of `looser` at level l sums the pairs with L <= l there, whose L in
      `stricter` is no larger, and which `stricter`'s row at the largest of those covers.
    - rule families `stricter` has on and `looser` off, among `relaxing_families`: their rows
      are left out and nothing else changes (the relaxation `--rule-costs` prices).
    Every other difference (targets, costs, sites, distances, families switched otherwise)
    leaves the question open, and None is returned."""
    from models.families.redline import redline_excluded, usable_land_ha
    from models.index import is_on

    if type(looser) is not type(stricter) or not dataclasses.is_dataclass(looser):
        return None
    differing = {f.name for f in dataclasses.fields(looser) if getattr(looser, f.name) != getattr(stricter, f.name)}
    if not differing <= {*REDLINE_FIELDS, "enabled_families"}:
        return None
    off = stricter.enabled_families - looser.enabled_families
    if looser.enabled_families - stricter.enabled_families or not off <= relaxing_families():
        return None
    on_looser, on_stricter = is_on(looser, "redline"), is_on(stricter, "redline")
    candidates = set(stricter.CANDIDATES)
    out_looser = redline_excluded(looser, on_looser) & candidates
    out_stricter = redline_excluded(stricter, on_stricter) & candidates
    if not out_looser <= out_stricter:
        return None
    admitted = [pair for pair in stricter.CANDIDATES if pair not in out_stricter]
    if any(usable_land_ha(looser, pair, on_looser) < usable_land_ha(stricter, pair, on_stricter) for pair in admitted):
        return None
    words = []
    if "redline" not in off and (out_looser != out_stricter or any(
            usable_land_ha(looser, pair, on_looser) != usable_land_ha(stricter, pair, on_stricter)
            for pair in admitted)):
        words.append("the red line")
    words += [f"{FAMILY_WORDS.get(name, name.replace('_', ' '))} off" for name in sorted(off)]
    return tuple(words)


def admits_every_plan(looser: Any, stricter: Any) -> bool:
    """Whether the rules of the model inputs `looser` are proven to admit every plan of those of
    `stricter` at no higher cost (`relaxed_rules`), so that the optimum of `looser` is no higher
    than that of `stricter`."""
    return relaxed_rules(looser, stricter) is not None


def carry_bounds(summaries: Sequence[CaseSummary]) -> list[CaseSummary]:
    """The summaries with what nested rules prove (see the module docstring): each run with its
    model inputs (`CaseSummary.rules`) gets `admits`, the other runs every plan of which its rules
    admit (`relaxed_rules`, in words); and each run with a plan takes the highest proven bound
    (`best_bound_yuan`) among the runs whose rules admit every plan of its own, the earliest on a
    tie, when that is above its own bound by more than CROSS_TOLERANCE of its objective (less is
    the LP's noise) and no higher than its objective to that tolerance (a bound above it would
    contradict the nesting: it is not taken). Its gap is then measured against that bound
    (siting/optimize/counts.py `certified_gap`), `bound_from` names its run and `own_gap` keeps
    the gap of its own solve."""
    from siting.optimize.counts import certified_gap

    words: dict[tuple[int, int], str] = {}  # (looser, stricter) -> what the looser relaxes
    for i, looser in enumerate(summaries):
        for j, stricter in enumerate(summaries):
            if i != j and looser.rules is not None and stricter.rules is not None:
                relaxed = relaxed_rules(looser.rules, stricter.rules)
                if relaxed is not None:
                    words[(i, j)] = ", ".join(relaxed)
    result = []
    for j, summary in enumerate(summaries):
        admits = {summaries[k].label: text for (i, k), text in words.items() if i == j}
        summary = dataclasses.replace(summary, admits=admits) if admits else summary
        own = summary.best_bound_yuan
        objective = summary.objective_yuan
        bounds = [(summaries[i].best_bound_yuan, i) for (i, k) in words if k == j
                  and summaries[i].ok and summaries[i].best_bound_yuan is not None]
        if summary.ok and objective is not None and bounds:
            bound, i = max(bounds, key=lambda pair: (pair[0], -pair[1]))
            above_own = own is None or bound > own + CROSS_TOLERANCE * max(abs(objective), 1.0)
            if above_own and bound <= objective + CROSS_TOLERANCE * max(abs(objective), 1.0):
                summary = dataclasses.replace(summary, best_bound_yuan=bound, gap=certified_gap(objective, bound),
                                              bound_from=summaries[i].label, own_gap=summary.gap)
        result.append(summary)
    return result
