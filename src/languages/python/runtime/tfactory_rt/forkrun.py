"""Run a batch of tests in a forked child, with a hard per-test timeout enforced from outside.

The parent (which has imported and collected once) forks a child that runs the tests one after
the other and reports each start and result as a JSON line on a pipe. The parent waits on the
pipe with a deadline per test; when a test overruns (an infinite loop, a C-level sleep, a
deadlock) the child gets SIGKILL, that test is recorded as a timeout and a fresh child is forked
for the tests that remain. A child that dies (os._exit, a segfault) costs only the test it was
running. Nothing the tests do can touch the parent's state.
"""
import json
import os
import select
import signal
import time
import traceback

STARTUP_TIMEOUT_S = 60.0


def _send(fd, message):
    data = (json.dumps(message) + "\n").encode("utf-8")
    while data:
        written = os.write(fd, data)
        data = data[written:]


def _child(write_fd, keys, run_one, on_start):
    code = 0
    try:
        if on_start is not None:
            on_start()
        for position, key in enumerate(keys):
            nxt = keys[position + 1] if position + 1 < len(keys) else None
            _send(write_fd, {"start": key})
            result = run_one(key, nxt)
            _send(write_fd, {"done": key, "result": result})
    except BaseException:  # noqa: BLE001 - everything goes back to the parent
        try:
            _send(write_fd, {"fatal": traceback.format_exc(limit=8)})
        except Exception:  # noqa: BLE001
            pass
        code = 1
    finally:
        os._exit(code)


def _kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _reap(pid):
    try:
        _, status = os.waitpid(pid, 0)
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
    ``{"outcome": "timeout", ...}``; a test whose process died gets an ``error`` result; a failing
    ``on_start`` (e.g. a mutant that cannot be patched in) raises RuntimeError in the parent.
    """
    results = {}
    pending = list(keys)
    while pending:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            _child(write_fd, pending, run_one, on_start)
        os.close(write_fd)
        try:
            _watch(pid, read_fd, pending, results, timeout_s)
        finally:
            os.close(read_fd)
        pending = [k for k in pending if k not in results]
    return results


def _watch(pid, read_fd, pending, results, timeout_s):
    buffer = b""
    current, started = None, time.monotonic()
    while True:
        limit = timeout_s(current) if current is not None else STARTUP_TIMEOUT_S
        remaining = limit - (time.monotonic() - started)
        ready = select.select([read_fd], [], [], max(0.0, remaining))[0] if remaining > 0 else []
        if not ready:
            _kill(pid)
            _reap(pid)
            if current is None:
                raise RuntimeError("test process did not start within %ds" % STARTUP_TIMEOUT_S)
            ms = int(limit * 1000)
            results[current] = {"outcome": "timeout", "failureKind": "timeout", "message": "timed out after %d ms (killed)" % ms, "durationMs": ms}
            return
        chunk = os.read(read_fd, 1 << 16)
        if not chunk:
            status = _reap(pid)
            if current is not None:
                results[current] = {"outcome": "error", "failureKind": "error", "message": _describe_status(status), "durationMs": int((time.monotonic() - started) * 1000)}
            elif any(k not in results for k in pending):
                raise RuntimeError(_describe_status(status) + " before running its tests")
            return
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            message = json.loads(line.decode("utf-8"))
            if "start" in message:
                current, started = message["start"], time.monotonic()
            elif "done" in message:
                results[message["done"]] = message["result"]
                current, started = None, time.monotonic()
            elif "fatal" in message:
                _kill(pid)
                _reap(pid)
                raise RuntimeError(message["fatal"])
