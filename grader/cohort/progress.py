"""What a cohort run shows while it grades: a progress bar on a terminal, a plain line per student
otherwise (a CI log, a file), and always the same lines in ``cohort.log``.

The bar is tqdm's (done/total, rate, ETA) with the students being graded after it.
"""
from __future__ import annotations

import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from grader.catalogue import Catalogue
from grader.report.terminal import visible


class Progress:
    def __init__(self, total: int, log_path: Path, texts: Catalogue,
                 stream: TextIO = sys.stderr) -> None:
        self.total = total
        self.done = 0
        self.texts = texts
        self.stream = stream
        self._lock = threading.Lock()
        self._grading: list[str] = []
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = log_path.open("a", encoding="utf-8")
        self._bar = (tqdm(total=total, file=stream, unit=texts.text("cohort_run.unit"),
                          dynamic_ncols=True, smoothing=0.1) if stream.isatty() else None)

    def started(self, student_id: str) -> None:
        with self._lock:
            self._grading.append(student_id)
            self._show_grading()

    def finished(self, student_id: str, line: str) -> None:
        """One student is done: ``line`` says how (score, status, reused or graded, duration)."""
        with self._lock:
            if student_id in self._grading:
                self._grading.remove(student_id)
            self.done += 1
            # visible(): an error may quote the student
            text = visible(f"[{self.done}/{self.total}] {student_id}: {line}")
            self._log.write(f"{datetime.now().isoformat(timespec='seconds')} {text}\n")
            self._log.flush()
            if self._bar is not None:
                self._bar.update(1)
                self._show_grading()
            else:
                print(text, file=self.stream, flush=True)

    def note(self, text: str) -> None:
        """A line that is not about one student (the run's start and end)."""
        text = visible(text)
        with self._lock:
            self._log.write(f"{datetime.now().isoformat(timespec='seconds')} {text}\n")
            self._log.flush()
            if self._bar is not None:
                self._bar.write(text, file=self.stream)
            else:
                print(text, file=self.stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        self._log.close()

    def _show_grading(self) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str(", ".join(self._grading), refresh=True)


def elapsed(started: float) -> str:
    return f"{time.monotonic() - started:.0f} s"
