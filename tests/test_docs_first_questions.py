"""The docs answer a new user's first questions quickly: how to change a setting, what an exit code
means, what an output file holds and what the gap means.

- docs/USAGE.md, "Solve options": the basic use of `--set` (an example, several settings, a list
  value) comes before its edge cases (YAML octal and hexadecimal, U+2028, `/vsicurl/`, `file://`,
  `~user`), which stand under a sub-heading of their own.
- docs/USAGE.md, "Exit codes": no bullet runs over `MAX_BULLET_LINES` lines (exit code 2 was one
  bullet of 35).
- docs/OUTPUTS.md: no cell of the table of files runs over `MAX_CELL_WORDS` words (sites.geojson's
  was about 900); a shortened cell links to the section below the table that holds the detail.
- docs/USAGE.md has a section "What the gap means" in the words of report.md's "Read this first",
  and the README's sample paragraph links to it.
- docs/USAGE.md, "Net cost", "Progress" and "Output folders" (each was one paragraph of 30 to 45
  lines) lead with a short paragraph and give their details as a list: no paragraph outside a
  list, and no bullet, runs over `MAX_BULLET_LINES` lines.
- docs/SCENARIOS.md, "Rule families": no line under the heading repeats it ("The rule families:").
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
USAGE = (ROOT / "docs" / "USAGE.md").read_text(encoding="utf-8")
SCENARIOS = (ROOT / "docs" / "SCENARIOS.md").read_text(encoding="utf-8")
OUTPUTS = (ROOT / "docs" / "OUTPUTS.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
REPORT_PY = (ROOT / "siting" / "deliver" / "report.py").read_text(encoding="utf-8")

#: The most lines one bullet (with its wrapped lines, not its sub-bullets) of "Exit codes" may run.
MAX_BULLET_LINES = 6
#: The most words a cell of OUTPUTS.md's table of files may hold.
MAX_CELL_WORDS = 250
#: The sections of docs/USAGE.md that lead with a short paragraph and list their details.
LISTED_SECTIONS = ("## Net cost", "## Progress", "## Output folders")


def section(text: str, heading: str) -> str:
    """The text of the section `heading` (e.g. "## Exit codes") of the Markdown `text`, up to the
    next heading of the same or a higher level; AssertionError naming the heading if absent."""
    level = heading.split(" ", 1)[0]
    start = text.find(f"\n{heading}\n")
    assert start >= 0, f"no heading {heading!r}"
    body = text[start + len(heading) + 2:]
    following = re.search(rf"^#{{1,{len(level)}}} ", body, re.MULTILINE)
    return body[:following.start()] if following else body


def test_solve_options_lead_with_the_basic_use_of_set() -> None:
    """The first `--set` examples, a list value among them, come before the first edge case, and
    the edge cases stand under a `###` sub-heading."""
    options = section(USAGE, "## Solve options")
    first_edge = min(options.index(case) for case in ("0o17", "U+2028", "/vsicurl/", "file://", "~user"))
    basic = options[:first_edge]
    assert "--set constraints.redline.buffer_m=2000" in basic, "docs/USAGE.md: no basic --set example first"
    assert re.search(r"--set \S+ --set ", basic), "docs/USAGE.md: no example with several --set first"
    assert "--set \"constraints.redline.categories=[lake, forest_park]\"" in basic, \
        "docs/USAGE.md: no list-value --set example first"
    sub_heading = options.rfind("\n### ", 0, first_edge)
    assert sub_heading > basic.index("--set constraints.redline.buffer_m=2000"), \
        "docs/USAGE.md: the edge cases of --set stand under no sub-heading of their own"
    lead = len(options[:sub_heading].split())
    assert lead < 250, f"docs/USAGE.md: {lead} words of Solve options before the edge cases' sub-heading"


def test_no_exit_code_bullet_runs_long() -> None:
    """Each bullet of "Exit codes", its wrapped lines counted and its sub-bullets apart, is short."""
    codes = section(USAGE, "## Exit codes")
    long_bullets = []
    for bullet in re.split(r"\n(?=\s*- )", codes):
        lines = [line for line in bullet.split("\n\n")[0].splitlines() if line.strip()]
        if lines and lines[0].lstrip().startswith("- ") and len(lines) > MAX_BULLET_LINES:
            long_bullets.append(f"{lines[0].strip()[:40]}... ({len(lines)} lines)")
    assert long_bullets == [], f"docs/USAGE.md, Exit codes: bullets over {MAX_BULLET_LINES} lines"
    for code in ("- 0:", "- 1:", "- 2:", "- 130 or 143:"):
        assert f"\n{code}" in codes, f"docs/USAGE.md, Exit codes: no bullet {code!r}"


def long_blocks(text: str, most: int) -> list[str]:
    """The paragraphs and bullets (each bullet's wrapped lines, its sub-bullets apart) of the
    Markdown `text`, code blocks left out, that run over `most` lines, each as its first words and
    its number of lines."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    blocks = [block for paragraph in text.split("\n\n") for block in re.split(r"\n(?=\s*- )", paragraph)]
    return [f"{block.strip()[:40]}... ({len(block.strip().splitlines())} lines)"
            for block in blocks if len(block.strip().splitlines()) > most]


@pytest.mark.parametrize("heading", LISTED_SECTIONS)
def test_long_sections_lead_short_and_list_their_details(heading: str) -> None:
    """The section's first paragraph is a lead of at most `MAX_BULLET_LINES` lines, a list
    follows, and no paragraph or bullet of it runs longer."""
    text = section(USAGE, heading).strip()
    lead = text.split("\n\n")[0]
    assert not lead.startswith("- ") and len(lead.splitlines()) <= MAX_BULLET_LINES, \
        f"docs/USAGE.md, {heading[3:]}: no short lead paragraph"
    assert "\n- " in text, f"docs/USAGE.md, {heading[3:]}: its details are no list"
    assert long_blocks(text, MAX_BULLET_LINES) == [], \
        f"docs/USAGE.md, {heading[3:]}: paragraphs or bullets over {MAX_BULLET_LINES} lines"


def test_rule_families_do_not_repeat_their_heading() -> None:
    families = section(SCENARIOS, "## Rule families")
    assert families.lstrip().startswith("- `targets`"), \
        f"docs/SCENARIOS.md, Rule families: {families.strip().splitlines()[0]!r} before the list"


def test_outputs_table_cells_are_short_and_link_their_detail() -> None:
    """Every cell of the table of files holds at most `MAX_CELL_WORDS` words; sites.geojson's links
    to a `###` section of its own, which holds its fields."""
    rows = [line for line in OUTPUTS.splitlines() if line.startswith("| `")]
    assert len(rows) > 20, "docs/OUTPUTS.md: the table of files was not found"
    long_cells = {row.split(" | ")[0]: len(row.split()) for row in rows if len(row.split()) > MAX_CELL_WORDS}
    assert long_cells == {}, f"docs/OUTPUTS.md: cells over {MAX_CELL_WORDS} words"
    sites = next(row for row in rows if row.startswith("| `sites.geojson` |"))
    assert "(#sitesgeojson)" in sites, "docs/OUTPUTS.md: the sites.geojson cell does not link its section"
    detail = section(OUTPUTS, "### `sites.geojson`")
    for field in ("footprint_ha", "setback_by_product", "position_sensitive", "demonstration", "input_id"):
        assert field in detail, f"docs/OUTPUTS.md, ### sites.geojson: no {field}"


def test_usage_says_what_the_gap_means_in_the_reports_words() -> None:
    """The section quotes report.md's "Read this first" on the gap (whose fixed words report.py
    writes), and the README's sample paragraph links to it."""
    gap = section(USAGE, "### What the gap means")
    said = " ".join(gap.replace("> ", "").split())
    assert ("The plan is one of several the solve cannot tell apart: it is proven within 0.20 bn yuan of the "
            "best possible (0.10%); a difference smaller than that is not a real difference") in said
    assert "of the best possible" in REPORT_PY and "difference smaller than that is not a real difference" in REPORT_PY
    assert "(docs/USAGE.md#what-the-gap-means)" in README, "README.md: no link to What the gap means"
