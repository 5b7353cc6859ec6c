"""The spec: the example loads; each kind of bad spec is reported with file, line and key."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipesteward.app import EXAMPLE_TEAM
from pipesteward.spec import SpecError, load_spec, parse_spec
from tests.golden import assert_golden

EXAMPLE = (EXAMPLE_TEAM / "steward.yaml").read_text(encoding="utf-8")


def bad(replace: str, by: str) -> str:
    assert replace in EXAMPLE, replace
    return EXAMPLE.replace(replace, by, 1)


# Each case: a named edit of the example spec that makes it invalid.
BAD_SPECS = {
    "unknown_engineer": bad("audience: experiments, primary: A, secondary: B",
                            "audience: experiments, primary: E, secondary: B"),
    "primary_equals_secondary": bad("primary: C, secondary: D", "primary: C, secondary: C"),
    "duplicate_pipeline_id": bad("- {id: daily_growth,", "- {id: unit_profit,"),
    "duplicate_engineer_id": bad("- {id: D, name: Engineer D", "- {id: A, name: Engineer D"),
    "rotation_off_team": bad("rotation: [A, B, C, D]", "rotation: [A, B, C, Z]"),
    "bad_timezone": bad("timezone: America/New_York", "timezone: America/Gotham"),
    "unknown_holiday_country": bad("country: US", "country: XX"),
    "malformed_yaml": bad("rotation: [A, B, C, D]", "rotation: [A, B, C, D"),
    "swap_of_week_not_on": bad(
        "swaps: []",
        "swaps:\n    - {engineer: A, week: 2026-12-28, with: B, their_week: 2027-01-04}",
    ),
    "unknown_key": bad("shift_days: 7", "shift_days: 7\n  shfit_days: 7"),
    "bad_handoff": bad('handoff: "10:00"', 'handoff: "25:00"'),
    "several_problems": bad("primary: C, secondary: D", "primary: C, secondary: C").replace(
        "country: US", "country: XX"
    ),
    "impossible_date": bad("start: 2025-12-22", "start: 2025-02-30"),
    "day_out_of_range": bad("start: 2025-12-22", "start: 2025-12-32"),
    "self_referencing_alias": bad("extra: []", "extra: &r [*r]"),
    "duplicate_key": bad("shift_days: 7", "shift_days: 7\n  shift_days: 14"),
    # A schema error does not hide the cross-reference errors of the same file.
    "schema_and_cross_reference": bad("rotation: [A, B, C, D]", "rotation: [A, B, C, Z]")
    .replace('handoff: "10:00"', 'handoff: "10:99"').replace("shift_days: 7", "shift_days: -7")
    .replace("primary: C, secondary: D", "primary: C, secondary: C"),
    "rotation_names_twice": bad("rotation: [A, B, C, D]", "rotation: [A, B, A, C, D]"),
    "runbook_outside_project": bad("runbook: runbooks/unit_profit.md", "runbook: /etc/passwd"),
    "runbook_climbs_out": bad("runbook: runbooks/unit_profit.md",
                              "runbook: ../../etc/passwd"),
    "override_to_before_from_mixed": bad(
        "overrides: []",
        "overrides:\n    - {engineer: C, from: '2026-11-01T04:00-05:00', to: '2026-11-01T02:00'}",
    ),
    # "Billion laughs": nine levels of nine aliases each, about 1 KB of text.
    "alias_bomb": "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n"
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)) + EXAMPLE,
}


def problems_of(text: str) -> str:
    with pytest.raises(SpecError) as info:
        parse_spec(text, "steward.yaml", env={})
    return "\n".join(str(p) for p in info.value.problems) + "\n"


def test_example_team_is_the_team_document() -> None:
    spec = parse_spec(EXAMPLE, "steward.yaml", env={})
    owners = {p.id: (p.primary, p.secondary) for p in spec.pipelines}
    assert owners == {
        "unit_profit": ("A", "B"),
        "aggregate_profit": ("C", "D"),
        "aggregate_growth": ("B", "C"),
        "daily_growth": ("D", "A"),
        "aggregate_engagement": ("A", "C"),
    }
    assert spec.oncall.rotation == ["A", "B", "C", "D"]
    assert spec.oncall.start == date(2025, 12, 22)
    assert spec.oncall.handoff == "10:00"


@pytest.mark.parametrize("case", sorted(BAD_SPECS))
def test_golden_bad_spec_errors(case: str) -> None:
    assert_golden(f"spec_errors/{case}.txt", problems_of(BAD_SPECS[case]))


def test_every_problem_names_file_line_and_key() -> None:
    for case, text in BAD_SPECS.items():
        for line in problems_of(text).splitlines():
            file, lineno, *_ = line.split(":")
            assert file == "steward.yaml", case
            assert lineno.isdigit(), f"{case}: no line number in {line!r}"


def test_all_problems_are_reported_at_once() -> None:
    report = problems_of(BAD_SPECS["several_problems"])
    assert "pipelines[1].secondary" in report
    assert "oncall.holidays.country" in report


def test_environment_values_are_substituted_and_missing_ones_reported() -> None:
    text = bad("email: engineer-a@example.com, notify: []",
               "email: engineer-a@example.com, notify: ['${A_HOOK}']")
    spec = parse_spec(text, "steward.yaml", env={"A_HOOK": "json://127.0.0.1:9/hook"})
    assert spec.team.engineer("A").notify == ["json://127.0.0.1:9/hook"]
    report = problems_of(text)
    assert "A_HOOK is not set" in report and "team.engineers[0].notify[0]" in report


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(tmp_path / "nope.yaml", env={})
    assert "file not found" in str(info.value)


def test_relative_paths_resolve_against_the_spec_folder(project: Path) -> None:
    spec = load_spec(project, env={})
    assert spec.base_dir == project.parent.resolve()


def test_an_offset_time_and_a_local_time_compare_in_the_team_zone() -> None:
    # 01:30-05:00 is the second 01:30 of the fall-back night in New York (06:30 UTC); 04:00
    # local (09:00 UTC) is after it: a valid override, not a crash comparing the two.
    text = bad("overrides: []", "overrides:\n    - {engineer: C, from: '2026-11-01T01:30-05:00',"
               " to: '2026-11-01T04:00'}")
    spec = parse_spec(text, "steward.yaml", env={})
    assert spec.oncall.overrides[0].engineer == "C"


def test_merge_keys_are_read_and_explicit_keys_win() -> None:
    text = bad("escalation:\n    ack_timeout_minutes: 15",
               "escalation: &esc\n    ack_timeout_minutes: 15") + "review:\n  <<: *esc\n" \
        "  period_days: 30\n"
    report = problems_of(text)
    # ack_timeout_minutes is merged into review, where it is not a key: reported, not lost.
    assert "review.ack_timeout_minutes: is not a known key" in report


def test_every_schema_and_cross_reference_problem_in_one_pass() -> None:
    report = problems_of(BAD_SPECS["schema_and_cross_reference"])
    for key in ("oncall.handoff", "oncall.shift_days", "oncall.rotation[3]",
                "pipelines[1].secondary"):
        assert f": {key}: " in report, key


def test_a_refused_engineer_entry_does_not_make_its_id_unknown() -> None:
    text = bad("- {id: B, name: Engineer B, email: engineer-b@example.com, notify: []}",
               "- {id: B, name: Engineer B, email: [x], notify: []}")
    report = problems_of(text)
    assert "team.engineers[1].email" in report
    assert "unknown engineer 'B'" not in report


def test_a_value_from_the_environment_is_never_printed() -> None:
    text = bad("timezone: America/New_York", "timezone: ${TEAM_ZONE}")
    with pytest.raises(SpecError) as info:
        parse_spec(text, "steward.yaml", env={"TEAM_ZONE": "Secret/Value-42"})
    assert "Secret/Value-42" not in str(info.value)
    assert "team.timezone: unknown time zone '${TEAM_ZONE}'" in str(info.value)
    # A missing variable is one problem, not also a bad (empty) time zone.
    assert problems_of(text).count("team.timezone") == 1
