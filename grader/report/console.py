"""The student's console: French text that never crashes the grader, colours only where they show.

A Windows console (or a pipe there) may use a code page that cannot encode « ✔ », « → » or
« œ »: without ``PYTHONIOENCODING``, printing the summary would raise ``UnicodeEncodeError``.
``prepare`` makes such a stream write what it can instead: a terminal keeps its code page and shows
``?`` for the rest, a file or a pipe gets UTF-8. ``colour`` says whether ANSI colours will show:
not with ``NO_COLOR`` or ``TERM=dumb``, not in a file or a pipe, and on Windows only in a console
that accepts virtual-terminal sequences (turned on here when it can be).
"""
from __future__ import annotations

import os
import sys
from typing import TextIO

# What the summary prints beyond plain ASCII: accents, the status symbols, dashes and arrows.
SAMPLE = "éèàçœ«»’✔✘–—→…"
ENABLE_VIRTUAL_TERMINAL_PROCESSING = 0x0004


def prepare(stream: TextIO) -> None:
    """Make ``stream`` able to print the catalogue's texts, whatever its encoding."""
    if os.environ.get("PYTHONIOENCODING") or _encodes(stream, SAMPLE):
        return
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is None:
        return
    try:
        if _is_terminal(stream):
            reconfigure(errors="replace")
        else:
            reconfigure(encoding="utf-8", errors="replace")
    except (ValueError, OSError):  # a stream already written to in another encoding: leave it
        pass


def colour(stream: TextIO) -> bool:
    """Whether ANSI colours will show on ``stream``."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb" or not _is_terminal(stream):
        return False
    return sys.platform != "win32" or _windows_vt(stream)


def _encodes(stream: TextIO, text: str) -> bool:
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        text.encode(encoding, errors=getattr(stream, "errors", None) or "strict")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _windows_vt(stream: TextIO) -> bool:  # pragma: no cover - Windows only
    """Windows 10 and later: turn on virtual-terminal processing for this console; False where it
    cannot be (an older console, a handle that is not a console)."""
    if sys.platform != "win32":  # the caller checked it: said again for the type checker
        return False
    import ctypes
    import msvcrt
    from ctypes import wintypes

    try:
        handle = msvcrt.get_osfhandle(stream.fileno())
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        mode = wintypes.DWORD()
        if not kernel32.GetConsoleMode(handle, ctypes.byref(mode)):
            return False
        if mode.value & ENABLE_VIRTUAL_TERMINAL_PROCESSING:
            return True
        return bool(kernel32.SetConsoleMode(handle, mode.value | ENABLE_VIRTUAL_TERMINAL_PROCESSING))
    except (OSError, ValueError, AttributeError):
        return False
