"""Run a batch of tests in a forked child, with a hard per-test timeout enforced from outside.

The parent (which has imported and collected once) forks a child that runs the tests one after
the other and reports each start and result as a JSON line on a pipe. The parent waits on the
pipe with a deadline per test; when a test overruns (an infinite loop, a C-level sleep, a
deadlock) the child gets SIGKILL, that test is recorded as a timeout and a fresh child is forked
for the tests that remain. A child that dies (os._exit, a segfault) costs only the test it was
running. Nothing the tests do in the child touches the parent's state.

The pipe is writable by the test code in the child, so every message carries a per-batch random
token, drawn in the parent right before the fork (after every test module was imported) and handed
to the child only through the fork's copy of memory. A message without it, a line that is not
JSON, or a result of the wrong shape is never believed: the test it concerns gets an ``error``
result saying so. A test in the child can still read the token from memory: this defends against
blind forgery (a test writing to the pipe it found in /proc/self/fd), not against a determined
in-process attacker (README "Threat model"; the static rule in tamper.ts is the first line).

The functions the parent uses are bound here, at import (before any test module is imported), so
a test module that rebinds ``os.fork`` or ``json.loads`` does not change what the parent runs.
"""
import hmac
import json
import os
import select
import signal
import time
import traceback

STARTUP_TIMEOUT_S = 60.0
TAMPER_PREFIX = "tampers with the grader: "
UNTRUSTED_PREFIX = "the grader got no trustworthy result: "

_fork, _pipe, _read, _write, _close, _waitpid, _kill_pid, _exit, _urandom = (
    os.fork, os.pipe, os.read, os.write, os.close, os.waitpid, os.kill, os._exit, os.urandom)
_select, _loads, _dumps, _monotonic, _compare = select.select, json.loads, json.dumps, time.monotonic, hmac.compare_digest

_OUTCOMES = frozenset(("passed", "failed", "error", "timeout", "skipped"))
_KINDS = frozenset(("assertion", "error", "import", "collection", "timeout"))


class EndBatch(Exception):
    """Raised by ``run_one`` with its test's result when this child must not run another test
    (its state can no longer be trusted); the parent forks a fresh child for the rest."""

    def __init__(self, result):
        super().__init__("end of batch")
        self.result = result


def _send(fd, message):
    data = (_dumps(message) + "\n").encode("utf-8")
    while data:
        written = _write(fd, data)
        data = data[written:]


def _child(write_fd, keys, run_one, on_start, token):
    code = 0
    try:
        if on_start is not None:
            on_start()
        for position, key in enumerate(keys):
            nxt = keys[position + 1] if position + 1 < len(keys) else None
            _send(write_fd, {"start": key, "token": token})
            try:
                result = run_one(key, nxt)
            except EndBatch as end:
                _send(write_fd, {"done": key, "result": end.result, "token": token})
                break
            _send(write_fd, {"done": key, "result": result, "token": token})
    except BaseException:  # noqa: BLE001 - everything goes back to the parent
        try:
            _send(write_fd, {"fatal": traceback.format_exc(limit=8), "token": token})
        except Exception:  # noqa: BLE001
            pass
        code = 1
    finally:
        _exit(code)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def valid_result(result):
    """Whether a child's result has exactly the shape the assembler reads (GradedRun + lines)."""
    if not isinstance(result, dict) or result.get("outcome") not in _OUTCOMES or not _is_number(result.get("durationMs")):
        return False
    if "failureKind" in result and result["failureKind"] not in _KINDS:
        return False
    if "message" in result and not isinstance(result["message"], str):
        return False
    lines = result.get("lines", {})
    if not isinstance(lines, dict) or not all(isinstance(f, str) and isinstance(v, list) and all(isinstance(n, int) and not isinstance(n, bool) for n in v) for f, v in lines.items()):
        return False
    return set(result) <= {"outcome", "failureKind", "message", "durationMs", "lines"}


def _kill(pid):
    try:
        _kill_pid(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _reap(pid):
    try:
        _, status = _waitpid(pid, 0)
        return status
    except ChildProcessError:
        return None


def _describe_status(status):
    if status is None:
        return "test process vanished"
    if os.WIFSIGNALED(status):
        return "test process killed by signal %d" % os.WTERMSIG(status)
    return "test process exited with code %d" % os.WEXITSTATUS(status)


def run_batch(keys, run_one, timeout_s, on_start=None):
    """Run ``run_one(key, next_key)`` for each key in a forked child; returns {key: result}.

    ``timeout_s(key)`` gives each test's hard limit. A timed-out test gets
    ``{"outcome": "timeout", ...}``; a test whose process died gets an ``error`` result, and so does
    a test whose messages cannot be trusted (see the module docstring); a failing ``on_start``
    (e.g. a mutant that cannot be patched in) raises RuntimeError in the parent.
    """
    results = {}
    pending = list(keys)
    while pending:
        read_fd, write_fd = _pipe()
        token = _urandom(16).hex()
        pid = _fork()
        if pid == 0:
            _close(read_fd)
            _child(write_fd, pending, run_one, on_start, token)
        _close(write_fd)
        try:
            _watch(pid, read_fd, pending, results, timeout_s, token)
        finally:
            _close(read_fd)
        pending = [k for k in pending if k not in results]
    return results


def _untrusted(pid, key, results, started, why):
    """The child said something we cannot believe: it is killed and its current test gets an error."""
    _kill(pid)
    _reap(pid)
    results[key] = {"outcome": "error", "failureKind": "error", "message": why, "durationMs": int((_monotonic() - started) * 1000)}


def _parse(line, token):
    """(message, None) for a well-formed message of this batch, else (None, why it is not trusted)."""
    try:
        message = _loads(line.decode("utf-8"))
    except ValueError:
        return None, UNTRUSTED_PREFIX + "a line on the result pipe is not JSON"
    if not isinstance(message, dict):
        return None, UNTRUSTED_PREFIX + "a message on the result pipe is not an object"
    got = message.get("token")
    if not isinstance(got, str) or not _compare(got, token):
        return None, TAMPER_PREFIX + "a message on the grader's result pipe did not carry the batch token (a forged result)"
    return message, None


def _watch(pid, read_fd, pending, results, timeout_s, token):
    buffer = b""
    current, started = None, _monotonic()
    progressed = False  # a child that ended its batch early (EndBatch) after a result is not a failure
    while True:
        limit = timeout_s(current) if current is not None else STARTUP_TIMEOUT_S
        remaining = limit - (_monotonic() - started)
        ready = _select([read_fd], [], [], max(0.0, remaining))[0] if remaining > 0 else []
        if not ready:
            _kill(pid)
            _reap(pid)
            if current is None:
                raise RuntimeError("test process did not start within %ds" % STARTUP_TIMEOUT_S)
            ms = int(limit * 1000)
            results[current] = {"outcome": "timeout", "failureKind": "timeout", "message": "timed out after %d ms (killed)" % ms, "durationMs": ms}
            return
        chunk = _read(read_fd, 1 << 16)
        if not chunk:
            status = _reap(pid)
            if current is not None:
                results[current] = {"outcome": "error", "failureKind": "error", "message": _describe_status(status), "durationMs": int((_monotonic() - started) * 1000)}
            elif not progressed and any(k not in results for k in pending):
                raise RuntimeError(_describe_status(status) + " before running its tests")
            return
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            # whom a bad message concerns: the running test, else the next one the child would run
            blame = current if current is not None else next((k for k in pending if k not in results), None)
            message, why = _parse(line, token)
            if message is None:
                if blame is None:
                    _kill(pid)
                    _reap(pid)
                    return
                _untrusted(pid, blame, results, started, why)
                return
            if "start" in message:
                if message["start"] not in pending or message["start"] in results or current is not None:
                    _untrusted(pid, blame, results, started, UNTRUSTED_PREFIX + "the test process announced a test out of order")
                    return
                current, started = message["start"], _monotonic()
            elif "done" in message:
                if message["done"] != current or not valid_result(message.get("result")):
                    _untrusted(pid, blame, results, started, UNTRUSTED_PREFIX + "the test process sent a malformed or misplaced result")
                    return
                results[current] = message["result"]
                current, started, progressed = None, _monotonic(), True
            elif "fatal" in message:
                _kill(pid)
                _reap(pid)
                raise RuntimeError(message["fatal"])
