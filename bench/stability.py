"""Are the verdicts stable? Grade the same folder many times, optionally beside CPU hogs.

    python bench/stability.py [FOLDER] [--repeat 20] [--hogs 2] [--start-method spawn]

Prints how many runs gave full marks and, for every check that did not pass each time, how often it
failed or stayed pending, why (its message key), and how many measurements a pending check took.
Every check that needed measuring again is counted too, whatever its end. Each run draws new random
inputs (a new seed).
"""
from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "solutions")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--hogs", type=int, default=0, help="CPU-burning processes beside the grader")
    parser.add_argument("--start-method", default=None)
    parser.add_argument("--exercise", action="append", default=[])
    arguments = parser.parse_args()
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(arguments.hogs)]
    full, problems, walls = 0, collections.defaultdict(list), []
    remeasured: collections.Counter[str] = collections.Counter()
    try:
        for index in range(arguments.repeat):
            with tempfile.TemporaryDirectory() as work:
                report_path = Path(work) / "report.json"
                command = [sys.executable, "-m", "grader", "check", str(arguments.folder), "--json",
                           str(report_path), "--seed", str(1000 + index)]
                command += [f"--exercise={exercise}" for exercise in arguments.exercise]
                if arguments.start_method:
                    command.append(f"--start-method={arguments.start_method}")
                started = time.monotonic()
                subprocess.run(command, cwd=ROOT, capture_output=True, check=False)
                walls.append(time.monotonic() - started)
                report = json.loads(report_path.read_text(encoding="utf-8"))
            full += report["score"] == report["max_score"]
            for exercise in report["exercises"]:
                for check in exercise["checks"]:
                    name = f"{exercise['id']}.{check['id']}"
                    measures = (check.get("facts") or {}).get("mesures", 1)
                    if measures > 1:
                        remeasured[f"{name} ({check['status']}, {measures} mesures)"] += 1
                    if check["status"] != "passed":
                        problems[name].append(f"{check['status']} ({check.get('message_key')}, "
                                              f"{measures} mesures): {check['message']}")
            print(f"run {index + 1:>2}: {report['score']:g}/{report['max_score']:g} "
                  f"in {walls[-1]:.1f} s", flush=True)
    finally:
        for hog in hogs:
            hog.kill()
    print(f"\n{full}/{arguments.repeat} runs with full marks ({arguments.hogs} CPU hogs, "
          f"start method {arguments.start_method or 'from course.yaml'})")
    statuses = collections.Counter(message.split(" ", 1)[0] for messages in problems.values()
                                   for message in messages)
    print(f"checks not passed: {dict(statuses) or 'none'}; walls {min(walls):.1f}–{max(walls):.1f} s")
    for check, messages in sorted(problems.items()):
        print(f"  {check}: not passed {len(messages)} times, e.g. {messages[0]}")
    for check, count in sorted(remeasured.items()):
        print(f"  measured again: {check} × {count}")


if __name__ == "__main__":
    main()
