"""Runs a test server for as long as the process that owns it lives, for the gpux tests.

    supervise.py OWNER_PID [--remove DIR] -- COMMAND [ARGS...]

Starts COMMAND in a session of its own and checks twice a second that OWNER_PID (the Maven build,
or the test JVM) is still there. When the owner is gone, the command exits, or this script gets
SIGTERM/SIGINT/SIGHUP, it stops the command's whole process group (mlflow server forks uvicorn and
its workers: SIGTERM, then SIGKILL after 10 s), removes DIR when given, and exits. So a server that
a test JVM leaves behind for the next module's JVM still ends with the build, and a killed build
(Ctrl-C, kill -9 of Maven) leaves no server behind.

Standard library only: it starts in a few milliseconds, whatever the environment.
"""

import os
import shutil
import signal
import subprocess
import sys
import time


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped by its parent) counts as gone.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def stop(child):
    if child.poll() is None:
        try:
            os.killpg(child.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    try:
        child.wait(10)
    except subprocess.TimeoutExpired:
        pass
    # The workers may outlive the group leader: kill whatever is left of the group.
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    child.wait()


def main(argv):
    owner = int(argv[0])
    rest = argv[1:]
    remove = None
    if rest[:1] == ["--remove"]:
        remove, rest = rest[1], rest[2:]
    if rest[:1] != ["--"] or len(rest) < 2:
        sys.exit("usage: supervise.py OWNER_PID [--remove DIR] -- COMMAND [ARGS...]")
    child = subprocess.Popen(rest[1:], start_new_session=True)
    stopping = []

    def on_signal(signum, frame):
        stopping.append(signum)

    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, on_signal)
    try:
        while not stopping and child.poll() is None and alive(owner):
            time.sleep(0.5)
    finally:
        stop(child)
        if remove:
            shutil.rmtree(remove, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
