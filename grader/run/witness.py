"""What the probe says against what the kernel showed the grader: forged observations are refused.

The probe runs inside the student's processes, so the student's code can rewrite its records, its
clock or its idea of ``getpid``. The grader watched the same run from outside (``Run.witness``,
filled by ``grader.run.process_tree.Tree`` at every poll): which processes existed, when the kernel
started each one, when each disappeared, and when each step's result appeared in the harness's
file. A record that contradicts those observations cannot be true, and the run is not graded on
it. Every test here allows for the poll interval and a busy machine (``TOLERANCE_S``): a correct
submission is never refused; what remains possible to forge is listed in ``docs/security.md``.

Pure functions over a ``Run``, besides ``attach_orphans`` which completes its steps.
"""
from __future__ import annotations

import math

from grader.checking.verdicts import Detail
from grader.run.harness import Run, Step
from grader.run.process_tree import Witness

TOLERANCE_S = 0.5  # clock ticks of the kernel's start times, polls 50 ms apart, a busy machine
MISSED_LOOKS = 2  # a process that claims to have lived across this many polls must have been seen
SHOWN = 6  # contradictions listed in the message
CPU_CLAIM_MIN_S = 0.3  # computation claimed by a process below which its CPU time is not judged
# A process that computes is, all along, either running or ready and waiting for a core (the
# kernel counts both: CPU time and run delay), however busy the machine; one that only sleeps
# while it claims to compute is neither. Seen on 2 cores at load 5: a 1.9 s computation ran 1.46 s
# and waited 0.44 s; a 1.9 s sleep, 0.003 s in all.
RUNNABLE_SHARE_MIN = 0.5
# Where the run delay is unknown (not Linux), the CPU time alone: a share of a core that a
# computing process gets even at load 8 on 2 cores (0.165 seen there; a sleep: about 0).
CPU_SHARE_MIN = 0.05
CPU_SLACK_S = 0.05  # the kernel's accounting tick, and a read a little before the poll's time


# The contradictions that a machine stalling a correct run can make, however rarely: a moment
# beyond the tolerances (a step's start or end, a record against the life of its process), or a
# computation starved of its core. A run refuted by these alone is made again
# (``ExerciseUnderTest.run``). No machine makes the others (a record in another process's name, a
# pid the kernel had not given out, malformed records), which one try refutes.
STALL_DETAILS = frozenset({"debut_d_etape_deplace", "fin_d_etape_deplacee",
                           "enregistrement_avant_le_demarrage", "enregistrement_apres_la_fin",
                           "calcul_sans_processeur"})


def a_stall_may_explain(found: list[Detail]) -> bool:
    """Whether a stalled machine could have made every one of these contradictions."""
    return all(detail.key in STALL_DETAILS for detail in found)


def contradictions(run: Run, cpu_bound: tuple[str, ...] = ()) -> list[Detail]:
    """Each claim of the run's records that the grader's own observations refute (empty: none).
    ``cpu_bound`` names the task functions that only compute: their processes must show the CPU."""
    witness = run.witness
    if witness is None:
        return []
    found: list[Detail] = []
    if run.malformed_events:
        found.append(Detail("enregistrements_mal_formes", nombre=run.malformed_events))
    # A record in the name of another process than the one the kernel says sent it.
    found += [Detail("enregistrement_d_un_autre_processus", pid=claimed, expediteur=sender)
              for claimed, sender in run.disowned[:SHOWN]]
    spans = _claimed_spans(run)
    found += _outside_the_run(spans, witness)
    found += _unknown_processes(spans, witness, run.harness_pid)
    found += _outside_their_lives(spans, witness)
    found += _steps_against_the_result_file(run.steps, witness)
    found += _computation_without_cpu(run, witness, cpu_bound)
    return found


def shown(found: list[Detail]) -> list[dict]:
    """The first contradictions, as facts the catalogue words (``details``)."""
    return [detail.as_fact() for detail in found[:SHOWN]]


def _claimed_spans(run: Run) -> dict[int, tuple[float, float]]:
    """For each pid the records name, the first and last moment they say it was alive."""
    spans: dict[int, list[float]] = {}

    def claim(pid: object, *moments: object) -> None:
        if type(pid) is not int:
            return
        for moment in moments:
            if isinstance(moment, (int, float)) and math.isfinite(moment):
                span = spans.setdefault(pid, [moment, moment])
                span[0], span[1] = min(span[0], moment), max(span[1], moment)

    for event in run.events:
        claim(event["pid"], event.get("t"), event.get("t0"), event.get("t1"))
        if event["ev"] == "start":
            claim(event["child"], event["t"])  # start() returns once the child exists
    return {pid: (first, last) for pid, (first, last) in spans.items()}


def _outside_the_run(spans: dict[int, tuple[float, float]], witness: Witness) -> list[Detail]:
    """The probe's clock is the grader's (CLOCK_MONOTONIC): nothing happened before the harness
    was started nor after the tree was killed."""
    ended = witness.ended if witness.ended is not None else math.inf
    outside = sorted(pid for pid, (first, last) in spans.items()
                     if first < witness.started - TOLERANCE_S or last > ended + TOLERANCE_S)
    return [Detail("instants_hors_execution", pid=pid) for pid in outside]


def _unknown_processes(spans: dict[int, tuple[float, float]], witness: Witness,
                       harness_pid: int | None) -> list[Detail]:
    """A pid the records show alive across several polls, which none of those polls found in the
    tree; or one the kernel had not given out when the records say it lived (``Look.last_pid``:
    pids are given out in increasing order). (A process too short-lived to fall between two polls,
    with a pid the kernel did give out then, cannot be checked this way.)"""
    found: list[Detail] = []
    for pid, (first, last) in sorted(spans.items()):
        if pid in witness.processes or pid == harness_pid:
            continue
        not_yet = _not_given_out(pid, first, witness)
        if not_yet is not None:
            found.append(not_yet)
            continue
        missed = [look for look in witness.looks if first <= look.t0 and look.t1 <= last
                  and pid not in look.pids]
        if len(missed) >= MISSED_LOOKS:
            found.append(Detail("processus_jamais_vu", pid=pid, releves=len(missed),
                                duree_s=f"{last - first:.2f}"))
    return found


def _not_given_out(pid: int, first: float, witness: Witness) -> Detail | None:
    """Why ``pid`` cannot have existed at ``first`` by the kernel's pid counter, or None. Pids go
    up until they wrap around at the machine's maximum: a counter that went down is left alone."""
    counted = [(look.t0, look.last_pid) for look in witness.looks if look.last_pid is not None]
    values = ([] if witness.first_pid is None else [witness.first_pid]) + [last for _, last in counted]
    if not counted or any(later < earlier for earlier, later in zip(values, values[1:])):
        return None
    if pid > counted[-1][1]:
        return Detail("pid_pas_encore_attribue", pid=pid, dernier=counted[-1][1])
    if witness.first_pid and pid <= witness.first_pid:
        return Detail("pid_attribue_avant_l_execution", pid=pid)
    before = [t0 for t0, last in counted if last < pid]
    if before and first < before[-1] - TOLERANCE_S:
        return Detail("pid_pas_encore_attribue_a_l_instant", pid=pid, avance_s=f"{before[-1] - first:.2f}")
    return None


def _outside_their_lives(spans: dict[int, tuple[float, float]], witness: Witness) -> list[Detail]:
    """Records of a process before the kernel started it, or after the grader saw it gone."""
    found: list[Detail] = []
    for pid, (first, last) in sorted(spans.items()):
        seen = witness.processes.get(pid)
        if seen is None or pid in witness.reused:
            continue
        if first < seen.created - TOLERANCE_S:
            found.append(Detail("enregistrement_avant_le_demarrage", pid=pid,
                                ecart_s=f"{seen.created - first:.2f}"))
        if seen.gone_at is not None and last > seen.gone_at + TOLERANCE_S:
            found.append(Detail("enregistrement_apres_la_fin", pid=pid,
                                ecart_s=f"{last - seen.gone_at:.2f}"))
    return found


def _steps_against_the_result_file(steps: list[Step], witness: Witness) -> list[Detail]:
    """Each step ended between the last poll that did not find its result and the first that did;
    it began once the step before it had been written. A step's times outside those bounds were
    moved (a probe's clock patched to make a sequential call look short)."""
    found: list[Detail] = []
    previous = None
    for step in steps:
        if step.t0 is None or step.t1 is None or step.name not in witness.step_seen:
            previous = None
            continue
        absent, present = witness.step_seen[step.name]
        if step.t1 > present + TOLERANCE_S or step.t1 < absent - TOLERANCE_S:
            found.append(Detail("fin_d_etape_deplacee", etape=step.name, ecart_s=f"{step.t1 - absent:+.2f}"))
        previous_seen = witness.step_seen[previous.name][1] if previous is not None else math.inf
        if step.t0 > previous_seen + TOLERANCE_S:
            found.append(Detail("debut_d_etape_deplace", etape=step.name,
                                ecart_s=f"{step.t0 - previous_seen:.2f}"))
        if step.t1 < step.t0:
            found.append(Detail("fin_d_etape_avant_son_debut", etape=step.name))
        previous = step
    return found


def _computation_without_cpu(run: Run, witness: Witness, cpu_bound: tuple[str, ...]) -> list[Detail]:
    """A process said to have computed (a CPU-bound task) for a while, that the kernel saw neither
    running nor waiting for a core for most of it: it slept. Only the computation claimed before
    the grader's last poll of the process is weighed: that poll read the times it had used."""
    busy: dict[int, list[tuple[float, float]]] = {}
    for event in run.events_of("call"):
        if event["fn"] in cpu_bound and event["t1"] > event["t0"]:
            busy.setdefault(event["pid"], []).append((event["t0"], event["t1"]))
    found: list[Detail] = []
    for pid, intervals in sorted(busy.items()):
        seen = witness.processes.get(pid)
        if seen is None or pid in witness.reused:
            continue
        claimed = _union([(start, min(stop, seen.last_seen)) for start, stop in intervals
                          if start < seen.last_seen])
        if claimed < CPU_CLAIM_MIN_S:
            continue
        ran = seen.cpu_s + (seen.waited_s or 0.0)
        share = CPU_SHARE_MIN if seen.waited_s is None else RUNNABLE_SHARE_MIN
        if ran + CPU_SLACK_S < share * claimed:
            found.append(Detail("calcul_sans_processeur", pid=pid, annonce_s=f"{claimed:.2f}",
                                compte_s=f"{seen.cpu_s:.2f}"))
    return found


def _union(intervals: list[tuple[float, float]]) -> float:
    """Total length covered by ``intervals`` (threads of one process may overlap)."""
    total, end = 0.0, -math.inf
    for start, stop in sorted(intervals):
        if stop > end:
            total += stop - max(start, end)
            end = stop
    return total


def attach_orphans(run: Run) -> None:
    """Processes that lost their parent while the harness was running (a double-forked daemon, a
    child whose parent was killed) came back to the grader, out of the harness's sight: add each
    to ``alive_after`` of the step during which it appeared, so that the checks which ask "was
    anything left behind?" see it."""
    if run.witness is None:
        return
    timed = [step for step in run.steps if step.t0 is not None and step.t1 is not None]
    for seen in run.witness.processes.values():
        if not seen.adopted:
            continue
        step = _step_at(timed, seen.first_seen)
        if step is None or (seen.gone_at is not None and step.t1 is not None and seen.gone_at <= step.t1):
            continue
        if all(not isinstance(entry, dict) or entry.get("pid") != seen.pid
               for entry in step.alive_after):
            step.alive_after.append({"pid": seen.pid, "status": "orphan"})


def _step_at(steps: list[Step], moment: float) -> Step | None:
    """The step running at ``moment``, else the last one begun before it (``steps``: timed ones)."""
    begun = [step for step in steps if step.t0 is not None and step.t0 <= moment]
    for step in begun:
        if step.t1 is not None and moment <= step.t1:
            return step
    return begun[-1] if begun else None
