"""The example team's runbooks: the team document's issues, their checks, and real commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipesteward.app import EXAMPLE_TEAM, Steward
from pipesteward.checks.registry import CHECKS
from pipesteward.cli import app

RUNBOOKS = EXAMPLE_TEAM / "runbooks"
REGISTRY = {c.id: c for c in CHECKS}

# Per pipeline: (issue heading, the team document's one-line description, check id of DESIGN 5).
# The investor pipelines' issues are exactly the team document's; the experiment pipelines
# carry the failure modes that apply to them, with the same check code.
ISSUES: dict[str, list[tuple[str, str, str]]] = {
    "aggregate_profit": [
        (
            "Data Inconsistencies",
            "Mismatch between unit-level and aggregated profit values.",
            "profit.reconciliation",
        ),
        (
            "Pipeline Failures",
            "Scheduled job not completing due to resource limits or system outages.",
            "profit.pipeline_failure",
        ),
        (
            "Source Data Delays",
            "Late data updates from dependent systems.",
            "profit.source_freshness",
        ),
    ],
    "aggregate_growth": [
        (
            "Incorrect Calculations",
            "Errors in growth rate formulas or logic.",
            "growth.calculation",
        ),
        (
            "Missing Data",
            "Daily growth values not captured due to upstream failures.",
            "growth.completeness",
        ),
        (
            "Version Mismatches",
            "Different pipeline components using inconsistent versions of transformation logic.",
            "growth.version_consistency",
        ),
    ],
    "aggregate_engagement": [
        (
            "Metric Definitions",
            "Misalignment on how engagement is calculated (e.g., daily active users).",
            "engagement.definition_alignment",
        ),
        (
            "Data Overlap",
            "Duplication of users counted in multiple categories.",
            "engagement.overlap",
        ),
        (
            "Output Failures",
            "Errors in exporting metrics to reporting systems.",
            "engagement.export",
        ),
    ],
}
ISSUES["unit_profit"] = ISSUES["aggregate_profit"]
ISSUES["daily_growth"] = ISSUES["aggregate_growth"]
INVESTOR = ["aggregate_profit", "aggregate_growth", "aggregate_engagement"]
PIPELINES = [
    "unit_profit",
    "aggregate_profit",
    "aggregate_growth",
    "daily_growth",
    "aggregate_engagement",
]

# DESIGN section 1: name, primary, secondary.
OWNERS = {
    "unit_profit": ("Unit-Level Profit Needed for Experiments", "A", "B"),
    "aggregate_profit": ("Aggregate Profit Reported to Investors", "C", "D"),
    "aggregate_growth": ("Aggregate Growth Reported to Investors", "B", "C"),
    "daily_growth": ("Daily Growth Needed for Experiments", "D", "A"),
    "aggregate_engagement": ("Aggregate Engagement Reported to Investors", "A", "C"),
}

# DESIGN section 9's command list.
COMMANDS = {
    "init",
    "validate",
    "pipelines",
    "owners",
    "runbook",
    "review",
    "oncall",
    "data",
    "run",
    "backfill",
    "check",
    "export",
    "incidents",
    "serve",
    "demo",
}
SUBCOMMANDS = {
    "oncall": {"who", "schedule", "ical", "plan", "swap", "unavailable", "override"},
    "incidents": {"list", "ack", "resolve"},
    "data": {"generate", "accept"},
}

LABELS = ["**Check:**", "**Symptoms:**", "**Diagnose:**", "**Fix:**", "**Escalate to:**"]


def read(pipeline: str) -> str:
    return (RUNBOOKS / f"{pipeline}.md").read_text(encoding="utf-8")


def issue_sections(text: str) -> dict[str, str]:
    """The `###` sections under "## Potential issues", heading -> body, in order."""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    in_issues = False
    for line in text.splitlines():
        if line.startswith("## "):
            in_issues = line.strip() == "## Potential issues"
            current = None
        elif line.startswith("### ") and in_issues:
            current = line[4:].strip()
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return {k: "\n".join(v) for k, v in sections.items()}


def steward_commands(text: str) -> list[list[str]]:
    """Every `steward ...` quoted in backticks, split into words (spans may wrap lines)."""
    spans = (" ".join(s.split()) for s in re.findall(r"`([^`]+)`", text))
    return [s.split() for s in spans if s.startswith("steward ")]


@pytest.mark.parametrize("pipeline", INVESTOR)
def test_investor_runbook_has_exactly_the_team_document_issues(pipeline: str) -> None:
    sections = issue_sections(read(pipeline))
    assert list(sections) == [heading for heading, _, _ in ISSUES[pipeline]]
    for heading, description, check in ISSUES[pipeline]:
        body = sections[heading]
        assert description in " ".join(body.split()), (pipeline, heading)
        assert f"**Check:** `{check}`" in body, (pipeline, heading)


@pytest.mark.parametrize("pipeline", ["unit_profit", "daily_growth"])
def test_experiment_runbook_reuses_the_check_code(pipeline: str) -> None:
    sections = issue_sections(read(pipeline))
    assert list(sections) == [heading for heading, _, _ in ISSUES[pipeline]]
    for heading, _, check in ISSUES[pipeline]:
        assert f"**Check:** `{check}`" in sections[heading], (pipeline, heading)


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_each_check_line_names_the_pipelines_the_check_covers(pipeline: str) -> None:
    # A check id is fixed by DESIGN section 5 even where its code covers more pipelines than
    # its prefix says (profit.pipeline_failure runs for every pipeline): the line says which.
    lines = re.findall(r"^\*\*Check:\*\* `([a-z_.]+)` \(covers ([^;)]+)", read(pipeline), re.M)
    assert lines, pipeline
    for check_id, covers in lines:
        assert re.findall(r"`([a-z_]+)`", covers) == list(REGISTRY[check_id].pipelines), check_id


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_every_issue_has_the_five_labels_in_order(pipeline: str) -> None:
    for heading, body in issue_sections(read(pipeline)).items():
        positions = [body.find(label) for label in LABELS]
        assert -1 not in positions, (pipeline, heading, dict(zip(LABELS, positions, strict=True)))
        assert positions == sorted(positions), (pipeline, heading)
        diagnose = body[positions[2] : positions[3]]
        assert re.search(r"^- .*`steward ", diagnose, re.M), (pipeline, heading)
        fix = body[positions[3] : positions[4]]
        assert "`steward " in fix, (pipeline, heading)


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_title_owners_and_escalation(pipeline: str) -> None:
    text = read(pipeline)
    name, primary, secondary = OWNERS[pipeline]
    title = text.splitlines()[0]
    assert title.startswith("# ") and name in title and f"`{pipeline}`" in title
    assert f"Engineer {primary} (primary), Engineer {secondary} (secondary)" in text
    escalate = (
        f"**Escalate to:** Engineer {secondary} (secondary), then Engineer {primary} (primary)"
    )
    for heading, body in issue_sections(text).items():
        flat = " ".join(body.split())
        assert escalate in flat, (pipeline, heading)
        assert f"`steward oncall who --pipeline {pipeline}`" in flat, (pipeline, heading)


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_quoted_commands_exist(pipeline: str) -> None:
    commands = steward_commands(read(pipeline))
    assert commands
    for words in commands:
        command = " ".join(words)
        assert len(words) > 1 and words[1] in COMMANDS, command
        if words[1] in SUBCOMMANDS:
            assert len(words) > 2 and words[2] in SUBCOMMANDS[words[1]], command
        for option in ("--only", "--pipeline"):
            if option in words:
                named = words[words.index(option) + 1].split(",")
                assert set(named) <= set(PIPELINES), command


def test_the_spec_points_at_these_runbooks(steward: Steward) -> None:
    for pipeline in PIPELINES:
        assert steward.runbook(pipeline) == read(pipeline)


def test_runbook_command_shows_the_checks(project: Path) -> None:
    result = CliRunner().invoke(app, ["runbook", "aggregate_profit", "--spec", str(project)])
    assert result.exit_code == 0, result.output
    for heading, _, check in ISSUES["aggregate_profit"]:
        assert heading in result.output
        assert check in result.output


def all_sections(text: str) -> dict[str, str]:
    """Every `###` section of a runbook, heading -> body."""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        if line.startswith("### "):
            current = line[4:].strip()
            sections[current] = []
        elif line.startswith("#"):
            current = None
        elif current is not None:
            sections[current].append(line)
    return {k: "\n".join(v) for k, v in sections.items()}


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_the_source_and_output_checks_have_their_runbook_section(pipeline: str) -> None:
    from pipesteward.checks.registry import CHECKS
    from pipesteward.checks.sources import readers

    name, primary, secondary = OWNERS[pipeline]
    sections = all_sections(read(pipeline))
    for check in [c for c in CHECKS if c.id.startswith(("source.", "output."))]:
        covers = (any(pipeline in readers(t) for t in check.pipelines)
                  if check.scope == "source" else pipeline in check.pipelines)
        if not covers:
            continue
        found = [b for b in sections.values() if f"**Check:** `{check.id}`" in b]
        assert len(found) == 1, (pipeline, check.id)
        body = found[0]
        positions = [body.find(label) for label in LABELS]
        assert -1 not in positions and positions == sorted(positions), (pipeline, check.id)
        assert (f"**Escalate to:** Engineer {secondary} (secondary), then Engineer {primary} "
                "(primary)") in " ".join(body.split()), (pipeline, check.id)
