"""The grader's own memory while it grades an output flood: it must stay bounded.

    python bench/bench_hostile.py [--megabytes N] [--file-mb M]

Grades ``tests/hostile/deluge_sortie.py`` (``main()`` prints N MB, 500 by default) with
``python -m grader check``, under a course file whose ``file_mb`` limit is M (1024 by default: the
whole flood reaches the disk, so the grader has to read past it). Every 20 ms it samples the
resident memory of the grader's own processes — the command (``cli``) and the pytest process that
runs the checks (``pytest``), never the student's — and prints their peaks, with the size of the
output the student's process actually wrote and the grading time. Figures, not assertions.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # the repository's grader, whether installed or not

import courses  # noqa: E402  (edited copies of the course, as the tests make them)

FLOOD = ROOT / "tests" / "hostile" / "deluge_sortie.py"
SAMPLE_S = 0.02
MB = 1024 * 1024


class Sampler:
    """Peak RSS of the command and of its pytest child, and the largest captured output file."""

    def __init__(self, command: psutil.Process) -> None:
        self.command = command
        self.peaks = {"cli": 0, "pytest": 0}
        self.largest_output = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            time.sleep(SAMPLE_S)

    def _sample(self) -> None:
        try:
            self.peaks["cli"] = max(self.peaks["cli"], self.command.memory_info().rss)
            for child in self.command.children():
                if "pytest" in " ".join(child.cmdline()):
                    self.peaks["pytest"] = max(self.peaks["pytest"], child.memory_info().rss)
        except psutil.Error:
            pass
        for output in Path(tempfile.gettempdir()).glob("mpgrade-*/out/call-*.out"):
            try:
                self.largest_output = max(self.largest_output, output.stat().st_size)
            except OSError:
                pass

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def flood_submission(folder: Path, megabytes: int) -> Path:
    source = re.sub(r"range\(500\)", f"range({megabytes})", FLOOD.read_text(encoding="utf-8"))
    folder.mkdir()
    (folder / "ex02_main_guard.py").write_text(source, encoding="utf-8")
    return folder


def course_with_file_limit(folder: Path, file_mb: int) -> Path:
    """A copy of the shipped course whose runs may write files up to ``file_mb``."""
    settings = courses.shipped_settings()
    settings.setdefault("limits", {})["file_mb"] = file_mb
    return courses.write_course(folder, settings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=500, help="size of the flood (about)")
    parser.add_argument("--file-mb", type=int, default=1024, help="the course's file_mb limit")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder_name:
        work = Path(folder_name)
        folder = flood_submission(work / "deluge", arguments.megabytes)
        command = [sys.executable, "-m", "grader", "check", str(folder), "--exercise", "ex02_main_guard",
                   "--json", str(work / "report.json"),
                   "--course", str(course_with_file_limit(work, arguments.file_mb))]
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        with Sampler(psutil.Process(process.pid)) as sampler:
            process.wait()
        elapsed = time.monotonic() - started
    print(f"flood of ~{arguments.megabytes} MB, file_mb limit {arguments.file_mb}: graded in "
          f"{elapsed:.1f} s (exit {process.returncode})")
    print(f"largest captured output file seen: {sampler.largest_output / MB:.0f} MB")
    print(f"peak RSS of the grader: command {sampler.peaks['cli'] / MB:.1f} MB, "
          f"pytest {sampler.peaks['pytest'] / MB:.1f} MB")


if __name__ == "__main__":
    main()
