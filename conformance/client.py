"""The runner's side of the adapter protocol: one long-lived process [ADP-10].

:class:`AdapterProcess` starts the implementation under test, says ``hello``,
and sends requests with a per-request timeout. A crash, a hang or garbage on
the stream raises :class:`AdapterFailure` with the reason; the process is then
stopped, and the next :meth:`AdapterProcess.ensure_started` starts a fresh one.
"""

from __future__ import annotations

import collections
import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from typing import Any

import attrs

from .protocol import PROTOCOL_VERSION, STATUSES, ProtocolError, frame, read_frame

REFERENCE_COMMAND = (sys.executable, "-m", "phala_spec.conformance.cli_adapter")
CAPABILITIES = ("suites", "presets", "crypto", "calls", "views", "subsystems")
# Capabilities that an adapter may leave out, with the value it is then taken
# to have [ADP-5] [ADP-12].
OPTIONAL_CAPABILITIES: dict[str, tuple[str, ...]] = {
    "steps": ("initialize_block", "call", "finalize_block"),
    "primitives": (),
}


class AdapterFailure(Exception):
    """The adapter crashed, hung, or spoke garbage; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@attrs.frozen
class Hello:
    """What an adapter said about itself in its ``hello`` reply [ADP-4]."""

    name: str
    version: str
    protocol: int
    capabilities: dict[str, tuple[str, ...]]

    def lacks(self, capability: str, name: str) -> bool:
        """Whether the adapter did not declare ``name`` under ``capability`` [ADP-5]."""
        offered = self.capabilities.get(capability, ())
        return "*" not in offered and name not in offered


def parse_hello(reply: dict[str, Any]) -> Hello:
    """Check a ``hello`` reply; raises :class:`AdapterFailure` if it is not one."""
    impl = reply.get("implementation")
    caps = reply.get("capabilities")
    if reply.get("protocol") != PROTOCOL_VERSION:
        raise AdapterFailure(
            f"adapter speaks protocol {reply.get('protocol')!r}, not {PROTOCOL_VERSION}"
        )
    if (
        not isinstance(impl, dict)
        or not isinstance(impl.get("name"), str)
        or not isinstance(impl.get("version"), str)
    ):
        raise AdapterFailure("hello reply lacks implementation {name, version}")
    if not isinstance(caps, dict):
        raise AdapterFailure("hello reply lacks capabilities")
    parsed = {}
    for key in CAPABILITIES:
        value = caps.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise AdapterFailure(f"hello capability {key!r} must be a list of text strings")
        parsed[key] = tuple(value)
    for key, default in OPTIONAL_CAPABILITIES.items():
        value = caps.get(key, list(default))
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise AdapterFailure(f"hello capability {key!r} must be a list of text strings")
        parsed[key] = tuple(value)
    return Hello(impl["name"], impl["version"], PROTOCOL_VERSION, parsed)


STARTUP_TIMEOUT = 60.0
"""Seconds an adapter may take to start and answer ``hello`` when the run's timeout is shorter [ADP-10]."""


class AdapterProcess:
    """A long-lived adapter subprocess with per-request timeouts."""

    def __init__(self, command: Sequence[str], timeout: float = 10.0) -> None:
        self.command = list(command)
        self.timeout = timeout
        self.hello: Hello | None = None
        self.last_hello: Hello | None = None  # survives restarts, for reports
        self._proc: subprocess.Popen[bytes] | None = None
        self._replies: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._stderr: collections.deque[str] = collections.deque(maxlen=20)
        self._stderr_thread: threading.Thread | None = None
        self.starts = 0

    # -- lifecycle --------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def ensure_started(self) -> Hello:
        """Start the process and say hello unless it is already running [ADP-4]."""
        if self.running and self.hello is not None:
            return self.hello
        self.stop()
        self.starts += 1
        try:
            self._proc = subprocess.Popen(
                self.command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=os.name == "posix",
            )
        except OSError as exc:
            raise AdapterFailure(
                f"cannot start adapter {self.command[0]!r}: {exc.strerror or exc}"
            ) from exc
        self._replies = queue.Queue()
        self._stderr.clear()
        proc = self._proc
        threading.Thread(target=self._read_replies, args=(proc, self._replies), daemon=True).start()
        self._stderr_thread = threading.Thread(target=self._read_stderr, args=(proc,), daemon=True)
        self._stderr_thread.start()
        reply = self.request(
            {"request": "hello", "protocol": PROTOCOL_VERSION},
            timeout=max(self.timeout, STARTUP_TIMEOUT),
        )
        if reply["status"] != "ok":
            detail = reply.get("reason") or reply.get("message") or ""
            self.stop()
            raise AdapterFailure(f"adapter refused hello ({reply['status']}): {detail}")
        try:
            self.hello = parse_hello(reply)
        except AdapterFailure:
            self.stop()
            raise
        self.last_hello = self.hello
        return self.hello

    def stop(self) -> None:
        """Stop the process: ``bye`` if it is healthy, then kill whatever is left."""
        proc, self._proc, self.hello = self._proc, None, None
        if proc is None:
            return
        if proc.poll() is None:
            try:
                assert proc.stdin is not None
                proc.stdin.write(frame({"request": "bye"}))
                proc.stdin.close()
                proc.wait(timeout=min(self.timeout, 2.0))
            except (OSError, ValueError, subprocess.TimeoutExpired):
                pass
        if proc.poll() is None:
            self._kill(proc)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass

    close = stop

    @staticmethod
    def _kill(proc: subprocess.Popen[bytes]) -> None:
        try:
            if os.name == "posix":
                os.killpg(proc.pid, signal.SIGKILL)  # the group this runner created
            else:
                proc.kill()
        except (ProcessLookupError, PermissionError):
            pass
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)

    # -- requests ---------------------------------------------------------
    def request(self, message: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        """Send one request and wait for its reply, by default at most the run's timeout [ADP-3] [ADP-10].

        Returns a reply whose ``status`` is valid; any failure of the process
        or the stream stops the process and raises :class:`AdapterFailure`.
        """
        proc = self._proc
        if proc is None or proc.stdin is None:
            raise AdapterFailure("adapter is not running")
        kind = message.get("request")
        try:
            blob = frame(message)
        except (ProtocolError, ValueError) as exc:
            raise AdapterFailure(f"cannot encode the {kind} request: {exc}") from exc
        try:
            proc.stdin.write(blob)
            proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            raise self._failure(f"adapter closed its input before the {kind} request") from None
        wait = self.timeout if timeout is None else timeout
        try:
            what, payload = self._replies.get(timeout=wait)
        except queue.Empty:
            self._kill(proc)
            raise self._failure(f"no reply to {kind} within {wait:g}s (adapter hung)") from None
        if what == "eof":
            raise self._failure(f"adapter exited during {kind}")
        if what == "garbage":
            raise self._failure(f"adapter sent a malformed frame in reply to {kind}: {payload}")
        reply: dict[str, Any] = payload
        status = reply.get("status")
        if status not in STATUSES:
            raise self._failure(f"reply to {kind} has no valid status (got {status!r})")
        return reply

    def _failure(self, reason: str) -> AdapterFailure:
        proc = self._proc
        if proc is not None:
            if "exited" in reason:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=1.0)
                if proc.returncode is not None:
                    reason += f" with status {proc.returncode}"
            if proc.poll() is None:
                self._kill(proc)
            if self._stderr_thread is not None:
                self._stderr_thread.join(timeout=1.0)
            self.stop()
        tail = [line for line in self._stderr if line.strip()]
        if tail:
            reason += f"; its stderr ends with: {tail[-1].strip()[:200]}"
        return AdapterFailure(reason)

    @staticmethod
    def _read_replies(proc: subprocess.Popen[bytes], replies: queue.Queue[tuple[str, Any]]) -> None:
        assert proc.stdout is not None
        while True:
            try:
                message = read_frame(proc.stdout)
            except ProtocolError as exc:
                replies.put(("garbage", str(exc)))
                return
            except (OSError, ValueError):
                replies.put(("eof", None))
                return
            if message is None:
                replies.put(("eof", None))
                return
            replies.put(("frame", message))

    def _read_stderr(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stderr is not None
        lines = self._stderr
        try:
            for raw in proc.stderr:
                lines.append(raw.decode("utf-8", "replace"))
        except (OSError, ValueError):
            return
