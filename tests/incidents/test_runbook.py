"""A page carries the runbook section whose `**Check:**` names the failed check."""

from __future__ import annotations

from pipesteward.app import EXAMPLE_TEAM
from pipesteward.incidents.runbook import issue_section


def runbook(pipeline: str) -> str:
    return (EXAMPLE_TEAM / "runbooks" / f"{pipeline}.md").read_text(encoding="utf-8")


def test_the_section_of_the_check_and_nothing_after_it() -> None:
    section = issue_section(runbook("aggregate_profit"), "profit.source_freshness")
    assert section is not None and section.startswith("### Source Data Delays")
    assert "**Escalate to:**" in section and "### " not in section[4:]


def test_a_check_id_is_matched_whole() -> None:
    text = "## Potential issues\n\n### A\n\n**Check:** `x.y_z`\n\n### B\n\n**Check:** `x.y`\n"
    assert issue_section(text, "x.y") == "### B\n\n**Check:** `x.y`"
    assert issue_section(text, "x") is None


def test_the_export_check_is_found_with_a_remark_after_it() -> None:
    section = issue_section(runbook("aggregate_engagement"), "engagement.export")
    assert section is not None and "**Fix:**" in section
