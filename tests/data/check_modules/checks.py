"""A check module as the grading reads it (never imported): which checks judge a timed run."""
import pytest

from grader.checking.scenario import Scenario


@pytest.fixture(scope="module")
def measured(student):
    return Scenario.timed(student, [], [], "exNN.py")


@pytest.fixture(scope="module")
def through_measured(measured):  # a fixture built on a timed run
    return measured


@pytest.fixture(scope="module")
def plain(student):
    return Scenario(student.run([]), [], "exNN.py")


@pytest.fixture(scope="module")
def cycle(cycle_too):
    return cycle_too


@pytest.fixture(scope="module")
def cycle_too(cycle):
    return cycle


def test_on_the_timed_run(measured):
    pass


def test_through_another_fixture(plain, *, through_measured):
    pass


def test_measures_itself(student):
    Scenario.timed(student, [], [], "exNN.py")


def test_on_an_untimed_run(plain, exercise):
    pass


def test_in_a_cycle(cycle):
    pass


def helper_not_a_check(measured):
    pass


def _helper(student):
    return Scenario.timed(student, [], [], "exNN.py")


@pytest.fixture(scope="module")
def through_a_helper(student):  # a fixture that calls a helper making a timed run
    return _helper(student)


Alias = Scenario


def test_through_a_helper(through_a_helper):
    pass


def test_through_an_alias(student):
    Alias.timed(student, [], [], "exNN.py")


@pytest.mark.usefixtures("measured")
def test_decorated(plain):  # what a decorator asks for is not read: taken for timed
    pass


async def test_asynchronous(plain):
    pass
