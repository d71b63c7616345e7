"""The MkDocs hook of the benchmark's CSL rows: counts the pandoc processes the build starts
(from the audit events `subprocess.Popen`, `os.posix_spawn` and `os.system`: subprocess, which
bibcite and pypandoc use, and Python's other ways of starting a program) and, when the process
ends, writes the count and the CPU seconds of the processes it waited for to stderr, where
run.py reads them. A warm build should start none.

It costs the build next to nothing: Python calls it for the ~14,000 audit events of a build
(mostly `id()` and `open()`), and it looks at little more than the event's name.
"""

import atexit
import os
import sys

PREFIX = "bench-probe:"  # run.py reads the line that starts so
_started: list[str] = []
_spawning: object = None


def _program(path: object) -> str:
    """The file name of what is run, from a path, a command line or an argument list."""
    if path is not None and not isinstance(path, str | bytes):
        path = next(iter(path), "")
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    words = str(path or "").split()
    return os.path.basename(words[0]) if words else ""


def _audit(event: str, args: tuple) -> None:
    global _spawning
    if event == "subprocess.Popen":  # (executable, args, cwd, env)
        program = _program(args[0])
        _spawning = args[0]  # Popen may go on to os.posix_spawn: one process, not two
    elif event == "os.posix_spawn":  # (path, argv, env)
        if args[0] == _spawning:
            _spawning = None
            return
        program = _program(args[0])
    elif event == "os.system":  # (command,)
        program = _program(args[0])
    else:
        return
    if program.startswith("pandoc"):
        _started.append(program)


def _report() -> None:
    times = os.times()
    children = times.children_user + times.children_system
    print(f"{PREFIX} pandoc={len(_started)} children_cpu={children:.3f}", file=sys.stderr)


sys.addaudithook(_audit)
atexit.register(_report)
