"""What the grader reads of the process tree from /proc (grader.run.process_tree)."""
from __future__ import annotations

import io

import pytest

from grader.run import process_tree


@pytest.mark.parametrize(("line", "inner"), [
    (b"NSpid:\t5308\t44\n", 44),     # in the sandbox's namespace: its name there
    (b"NSpid:\t5308\n", None),       # in the grader's own namespace
    (b"NSpid:\t0\t0\n", None),       # read while being reaped: the kernel has no number left
    (b"NSpid:\t5308\t44\t1\n", 44),  # in a namespace the run nested: still its sandbox's name
])
def test_a_process_is_named_by_its_pid_in_the_sandbox_and_never_zero(monkeypatch, line, inner):
    status = b"Name:\tpython\nPid:\t5308\n" + line
    monkeypatch.setattr(process_tree, "_sandbox_level", lambda: 1)  # a grader in the machine's namespace
    monkeypatch.setattr(process_tree, "open", lambda path, mode: io.BytesIO(status), raising=False)
    assert process_tree.inner_pid(5308) == inner
