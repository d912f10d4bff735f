"""Every relative link and image of README.md and docs/*.md names a file that exists, and a link to a
heading of a Markdown file (`USAGE.md#exit-codes`, `#quickstart`) names a heading that file has,
as GitHub makes its anchor. Links inside code (fenced blocks, `inline` spans) are examples, not
links, and web addresses are not checked (the tests run offline). No heading stands inside a
paragraph, splitting one of its sentences in two (`split_sentences`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

#: `[text](target)` and `![alt](target)`; the target ends at the first space or `)`.
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^\s*(```|~~~)")
#: An inline code span: backquotes, then anything up to as many backquotes, within a paragraph.
CODE_SPAN = re.compile(r"(`+)((?:(?!\n[ \t]*\n).)*?)\1", re.DOTALL)
HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s|$)")
#: A line that is no paragraph's: a table row, an HTML line or a thematic break (`---`).
NOT_PROSE = re.compile(r"^\s*(?:\||<|(?:([-*_])\s*){3,}$)")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
#: How a sentence, or a lead before a list or a code block, ends: before any closing bracket,
#: quote, emphasis or backquote.
SENTENCE_END = (".", "!", "?", ":")


def prose_lines(text: str, spans: bool = False) -> list[tuple[int, str]]:
    """The lines of Markdown `text` outside fenced code blocks, each with its 1-based number and
    its inline code spans (which may run over a line break) removed; kept, without their
    backquotes, with `spans`."""
    kept, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            kept.append("")
        else:
            kept.append("" if fenced else line)
    prose = "\n".join(kept)
    prose = CODE_SPAN.sub(lambda m: m.group(2) if spans else "\n" * m.group(0).count("\n"), prose)
    return list(enumerate(prose.split("\n"), start=1))


def anchors(path: Path) -> set[str]:
    """The anchors GitHub gives the headings of the Markdown file `path`: the heading's text in
    lower case, without punctuation other than `-` and `_`, spaces made hyphens, a repeated one
    numbered (`-1`, `-2`, ...)."""
    seen: dict[str, int] = {}
    found = set()
    for _number, line in prose_lines(path.read_text(encoding="utf-8"), spans=True):
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading is None:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading.group(1).lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def broken_links(path: Path) -> list[str]:
    """Each relative link of the Markdown file `path` whose file or heading does not exist, as
    `<file>:<line>: <target> | <what is missing>`."""
    problems = []
    for number, line in prose_lines(path.read_text(encoding="utf-8")):
        for target in LINK.findall(line):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):  # https:, mailto:, ...
                continue
            file_part, _hash, anchor = target.partition("#")
            linked = (path.parent / file_part).resolve() if file_part else path
            where = f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{number}: {target}"
            if not linked.exists():
                problems.append(f"{where} | no file {linked}")
            elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                problems.append(f"{where} | {linked.name} has no heading with the anchor #{anchor}")
    return problems


def split_sentences(path: Path) -> list[str]:
    """Each heading of the Markdown file `path` that splits a sentence, as `<file>:<line>: <heading>
    | after "<line before>"`: a heading outside code whose previous non-blank line is a paragraph's
    (not a code fence, table row, HTML line, thematic break, heading or a list's) and ends without
    a sentence's closing punctuation (`SENTENCE_END`), so that the sentence runs on after it."""
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    problems: list[str] = []
    block: list[str] = []  # the lines of the last block of text before this line, blank lines aside
    fenced, ended = False, False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if FENCE.match(line):
            fenced, block = not fenced, []
        elif fenced:
            continue
        elif not line.strip():
            ended = True
        elif HEADING.match(line):
            last = block[-1] if block else ""
            prose = block and not any(NOT_PROSE.match(b) or LIST_ITEM.match(b) for b in block)
            if prose and not last.rstrip().rstrip(")]\"'*_`").endswith(SENTENCE_END):
                problems.append(f'{where}:{number}: {line.strip()} | after "{last.strip()}"')
            block = []
        else:
            block, ended = ([line] if ended else [*block, line]), False
    return problems


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(path: Path) -> None:
    assert broken_links(path) == []


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_heading_splits_a_sentence(path: Path) -> None:
    assert split_sentences(path) == []


def test_the_readme_links_every_file_of_docs() -> None:
    """The README's "Documentation" index names each docs/*.md file."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    index = readme[readme.index("\n## Documentation\n"):]
    index = index[:index.index("\n## ", 1)]
    assert [path.name for path in DOCUMENTS[1:] if f"](docs/{path.name})" not in index] == []


def test_a_missing_file_or_heading_is_reported(tmp_path: Path) -> None:
    """The check itself: a link to a missing file, a missing heading or a missing image fails;
    links in code, web addresses and good links pass."""
    (tmp_path / "OTHER.md").write_text("# Other\n\n## Exit codes\n\n## Exit codes\n", encoding="utf-8")
    (tmp_path / "map.png").write_bytes(b"")
    page = tmp_path / "PAGE.md"
    page.write_text(
        "# Page `one`\n\n"
        "[ok](OTHER.md#exit-codes) [ok](OTHER.md#exit-codes-1) [ok](#page-one) ![ok](map.png)\n"
        "[web](https://example.org/x.md) `[code](nowhere.md)`\n\n"
        "```\n[fenced](nowhere.md)\n```\n\n"
        "[gone](NOWHERE.md) [bad heading](OTHER.md#outputs) ![gone](docs/map.png) [bad](#quickstart)\n",
        encoding="utf-8")
    found = broken_links(page)
    assert [problem.split(": ", 1)[1].split(" | ")[0] for problem in found] == [
        "NOWHERE.md", "OTHER.md#outputs", "docs/map.png", "#quickstart"]
    assert found[1].endswith("OTHER.md has no heading with the anchor #outputs")


def test_a_heading_inside_a_sentence_is_reported(tmp_path: Path) -> None:
    """The check itself: a heading right after a line that stops mid-sentence fails, whether or
    not a blank line comes between; one after a sentence, a lead ending in a colon, a code block,
    a table, a thematic break, a list or another heading passes, as does a `#` line in code."""
    page = tmp_path / "PAGE.md"
    page.write_text(
        "# Page\n## Sub\n\nA sentence (with a bracket).\n## After a sentence\n\nA lead:\n\n"
        "## After a lead\n\n```\nx = 1\n```\n## After code\n\n| a | b |\n|---|---|\n## After a table\n\n"
        "no end\n\n---\n## After a break\n\n- `targets`\n- `market`\n\n## After a list\n\n"
        "```yaml\nthe line\n# yaml-language-server: $schema=x.json\n```\n\n"
        "In under a minute (on a busy one the solve may reach the\n## Split\n\nlimit first).\n\n"
        "It reads `siting check`\n\n## Split after a blank line\n\nand goes on.\n",
        encoding="utf-8")
    assert split_sentences(page) == [
        f'{page}:36: ## Split | after "In under a minute (on a busy one the solve may reach the"',
        f'{page}:42: ## Split after a blank line | after "It reads `siting check`"']
