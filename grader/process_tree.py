"""Operating-system process control: start a tree apart, watch it, ask it where it is stuck, end it.

Everything that depends on the platform lives here. On POSIX the harness starts in its own session
(so one ``killpg`` reaches every process that did not leave it) and processes dump their stacks on
SIGUSR1. On Windows there is no process group kill nor SIGUSR1: the tree is walked with psutil and
killed process by process, and a hang is diagnosed from the output only (``STACKS_AVAILABLE``).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys

import psutil

POSIX = os.name == "posix"
STACKS_AVAILABLE = hasattr(signal, "SIGUSR1")
PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """Linux: orphans of our descendants (double forks, dead parents) come back to us, so they are
    found, killed and reaped here instead of lingering as zombies under init. False elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def popen_options() -> dict:
    """Options for ``subprocess.Popen`` that make the harness the head of its own process group."""
    if POSIX:
        return {"start_new_session": True}
    return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}


class Tree:
    """The processes of one harness run, remembered from every look so that none is forgotten."""

    def __init__(self, root: subprocess.Popen) -> None:
        become_subreaper()
        self.root = root
        self.seen: dict[int, psutil.Process] = {}
        self.look()

    def look(self) -> None:
        """Note every process of the tree now (a descendant may outlive its parent)."""
        try:
            root = psutil.Process(self.root.pid)
            for process in [root, *root.children(recursive=True)]:
                self.seen.setdefault(process.pid, process)
        except psutil.Error:
            pass

    def alive(self) -> list[psutil.Process]:
        """The remembered processes still running (zombies are dead: they only await their parent)."""
        running = []
        for process in self.seen.values():
            try:
                if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                    running.append(process)
            except psutil.Error:
                pass
        return running

    def request_stacks(self) -> None:
        """Ask every process to write where each of its threads is (the probe answers SIGUSR1)."""
        if not STACKS_AVAILABLE:
            return
        for process in self.alive():
            try:
                process.send_signal(signal.SIGUSR1)
            except psutil.Error:
                pass

    def kill(self) -> None:
        """SIGKILL the whole tree: the process group first, then every process ever seen."""
        self.look()
        if POSIX:
            try:
                os.killpg(self.root.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        for process in self.alive():
            try:
                process.kill()
            except psutil.Error:
                pass
        psutil.wait_procs(list(self.seen.values()), timeout=2)
        try:
            self.root.wait(timeout=2)
        except subprocess.TimeoutExpired:
            print(f"mpgrade: process {self.root.pid} survived SIGKILL", file=sys.stderr)
