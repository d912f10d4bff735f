"""report.md writes a name from the inputs as text: every "<" becomes "&lt;" and every "&" "&amp;",
so that a site named like an HTML tag, also with a backtick in its name (which would open or
close a code span), is never HTML a Markdown viewer renders (report.html escapes everything
already); the report's own Markdown (links, code spans) stays as it is."""

from __future__ import annotations

from siting.deliver.report import Block, Table, markdown

NAME = "<img src=x onerror=alert(1)>"


def test_names_in_every_kind_of_block_are_text() -> None:
    text = markdown([Block("h2", f"Why {NAME}"), Block("p", f"Built at {NAME}; see `a<b` and [x](x.md)."),
                     Block("list", [f"{NAME} | 3"]),
                     Block("table", Table(["site", "ha"], [[NAME, "1.0"]], frozenset({1})))])
    assert "<img" not in text
    assert "## Why &lt;img src=x onerror=alert(1)>" in text
    assert "Built at &lt;img src=x onerror=alert(1)>; see `a&lt;b` and [x](x.md)." in text
    assert "- &lt;img src=x onerror=alert(1)> | 3" in text
    assert "| &lt;img src=x onerror=alert(1)> | 1.0 |" in text


def test_the_tables_md_files_write_names_as_text() -> None:
    import pandas as pd

    from siting.deliver.tables import table_files

    files = table_files(pd.DataFrame({"site": [NAME], "ha": [1.0]}), "t", f"Base plan at {NAME}.")
    assert "<img" not in files["t.md"]
    assert "| &lt;img src=x onerror=alert(1)> |" in files["t.md"]
    assert "Base plan at &lt;img src=x onerror=alert(1)>." in files["t.md"]
    assert NAME in files["t.csv"]  # the CSV keeps the name as given


def test_a_backtick_in_a_name_does_not_open_a_way_for_html() -> None:
    name = "x` <img src=x onerror=alert(1)>"
    text = markdown([Block("p", f"Built at {name}; and at `code`."),
                     Block("table", Table(["site"], [[name]], frozenset()))])
    assert "<img" not in text
    assert "Built at x` &lt;img src=x onerror=alert(1)>; and at `code`." in text


def test_an_ampersand_reads_as_written() -> None:
    assert markdown([Block("p", "Tab&lt;le & Co")]) == "Tab&amp;lt;le &amp; Co\n"
