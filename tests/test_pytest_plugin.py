"""The checks' pytest plugin: a check this machine could not measure is measured again, and the
report says how many measurements its verdict took."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from grader.checking import pytest_plugin
from grader.checking.scenario import Scenario
from grader.checking.verdicts import CannotMeasure, CheckFailed
from grader.config import Remeasure


def _item(check, scenario: Scenario) -> SimpleNamespace:
    """What ``pytest_pyfunc_call`` reads of a pytest item: the check, its arguments, the course."""
    course = SimpleNamespace(remeasure=Remeasure(attempts=2, wait_s=0.0))
    return SimpleNamespace(obj=check, funcargs={"scenario": scenario},
                           _fixtureinfo=SimpleNamespace(argnames=("scenario",)),
                           _request=SimpleNamespace(getfixturevalue=lambda name: course))


def _scenario(runs: list[Any]) -> Scenario:
    """A scenario whose first run is ``runs[0]`` and whose measurements again give the others."""
    again = iter(runs[1:])
    return Scenario(run=runs[0], inputs=[], file_name="ex99.py", again=lambda: next(again))


def _measurable_on(run: str):
    def check(scenario: Scenario) -> None:
        if scenario.run != run:
            raise CannotMeasure("machine_occupee")
    return check


def test_a_check_passed_when_measured_again_says_how_many_measurements_it_took():
    item = _item(_measurable_on("second"), _scenario(["first", "second", "third"]))
    assert pytest_plugin.pytest_pyfunc_call(item) is True
    assert item.mpgrade_measured == {"mesures": 2}


def test_a_check_passed_at_once_reports_no_measurement_count():
    item = _item(_measurable_on("first"), _scenario(["first"]))
    assert pytest_plugin.pytest_pyfunc_call(item) is True
    assert "mesures" not in getattr(item, "mpgrade_measured", {})


def test_a_check_never_measured_is_pending_after_every_attempt():
    item = _item(_measurable_on("never"), _scenario(["first", "second", "third"]))
    with pytest.raises(CannotMeasure) as raised:
        pytest_plugin.pytest_pyfunc_call(item)
    assert raised.value.facts["mesures"] == 3


def test_a_machine_that_still_cannot_measure_is_looked_at_but_the_scenario_not_run_anew():
    """ex09: while its calibration alone says no speed-up can be shown, the student's versions are
    not run again: each attempt costs a calibration, and the check stays pending."""
    looks: list[str] = []
    scenario = _scenario(["first", "second"])
    scenario.machine_allows = lambda: bool(looks.append("calibration"))  # never allows
    item = _item(_measurable_on("second"), scenario)
    with pytest.raises(CannotMeasure) as raised:
        pytest_plugin.pytest_pyfunc_call(item)
    assert raised.value.facts["mesures"] == 3 and looks == ["calibration"] * 2
    assert scenario.run == "first"  # never run anew


def test_once_the_machine_allows_it_the_scenario_is_run_anew_and_judged():
    answers = iter([False, True])
    scenario = _scenario(["first", "second"])
    scenario.machine_allows = lambda: next(answers)
    item = _item(_measurable_on("second"), scenario)
    assert pytest_plugin.pytest_pyfunc_call(item) is True
    assert item.mpgrade_measured == {"mesures": 3}


def test_a_check_that_fails_once_measured_again_says_how_many_measurements_it_took():
    def check(scenario: Scenario) -> None:
        if scenario.run == "first":
            raise CannotMeasure("machine_occupee")
        raise CheckFailed("pas_d_acceleration")
    item = _item(check, _scenario(["first", "second"]))
    with pytest.raises(CheckFailed) as raised:
        pytest_plugin.pytest_pyfunc_call(item)
    assert raised.value.facts["mesures"] == 2


def test_no_scenario_is_run_anew_while_another_finds_the_machine_still_unable():
    looked_at, unable = _scenario(["first", "second"]), _scenario(["first", "second"])
    unable.machine_allows = lambda: False
    def check(scenario: Scenario, other: Scenario) -> None:
        if scenario.run == "first":
            raise CannotMeasure("machine_occupee")
    item = _item(check, looked_at)
    item.funcargs["other"] = unable
    item._fixtureinfo.argnames = ("scenario", "other")
    with pytest.raises(CannotMeasure):
        pytest_plugin.pytest_pyfunc_call(item)
    assert looked_at.run == "first" and unable.run == "first"
