"""Two scenarios that draw their inputs from ``rng``: each check writes what its own drew."""
import json
import os
import random

import pytest


@pytest.fixture(scope="module")
def first(rng: random.Random) -> list[float]:
    return [rng.random() for _ in range(3)]


@pytest.fixture(scope="module")
def second(rng: random.Random) -> list[float]:
    return [rng.random() for _ in range(3)]


def test_premier(first: list[float]) -> None:
    _write("premier", first)


def test_second(second: list[float]) -> None:
    _write("second", second)


def _write(check: str, drawn: list[float]) -> None:
    with open(os.environ["DRAWN_INPUTS"], "a", encoding="utf-8") as drawn_file:
        drawn_file.write(json.dumps([check, drawn]) + "\n")
