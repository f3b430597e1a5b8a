"""Whether a process has ended, read from /proc (study/owner.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from hypersense.study.owner import is_process_alive
from hypersense.testing.executors import wait_until

# The main thread ends with pthread_exit while a second thread goes on: the main
# thread then shows as a zombie, but the process lives (and holds its files).
_MAIN_THREAD_ENDS_FIRST = textwrap.dedent(
    """
    import ctypes, sys, threading, time
    threading.Thread(target=lambda: (print("ready", flush=True), time.sleep(3))).start()
    time.sleep(0.2)
    ctypes.CDLL(None).pthread_exit(None)
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_process_whose_main_thread_ended_is_alive_until_its_last_thread_ends() -> None:
    with subprocess.Popen(
        [sys.executable, "-c", _MAIN_THREAD_ENDS_FIRST], stdout=subprocess.PIPE, text=True
    ) as child:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"

        def main_thread_is_zombie() -> bool:
            with open(f"/proc/{child.pid}/stat", encoding="ascii") as stat:
                text = stat.read()
            return text[text.rfind(")") + 2] == "Z"

        wait_until(main_thread_is_zombie, "the main thread's end", 10)
        assert is_process_alive(child.pid)
        assert child.poll() is None  # the kernel agrees: not reapable yet
        child.wait(timeout=10)
        assert not is_process_alive(child.pid)


def test_a_reaped_or_zombie_process_has_ended() -> None:
    with subprocess.Popen([sys.executable, "-c", "pass"]) as child:
        wait_until(lambda: not is_process_alive(child.pid), "the child's end (a zombie)", 10)
        assert child.poll() == 0
        assert not is_process_alive(child.pid)
