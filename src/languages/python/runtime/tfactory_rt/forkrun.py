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
import shutil
import signal
import time
import traceback

from . import fsreset

STARTUP_TIMEOUT_S = 60.0
TAMPER_PREFIX = "tampers with the grader: "
UNTRUSTED_PREFIX = "the grader got no trustworthy result: "
# A test that exhausted a shared resource (verdict.ts: reject `exhausts-resources`, naming what it did).
RESOURCE_PREFIX = "resource limit: "
OOM_MESSAGE = RESOURCE_PREFIX + "out of memory (killed by the kernel)"
# When /tmp has less than this left after a test, the test filled it: its files there are removed.
TMP_LOW_BYTES = 8 * 1024 * 1024
# /scratch is the host's disk (the host kills the whole grader past its hard limit, 256 MB): a test
# that writes more than this there is stopped by the parent first, and only that test fails.
SCRATCH = "/scratch"
SCRATCH_SOFT_BYTES = 64 * 1024 * 1024
SCRATCH_POLL_S = 0.1
_CGROUP = "/sys/fs/cgroup"
# Only inside the sandbox container (the grader command sets TFACTORY_KILL_SCOPE=container) is every
# new process in /proc the test's, and the cgroup the container's. Anywhere else (the grader run on a
# developer's machine) only the child's own descendants are killed and the cgroup is not read:
# /proc there lists the whole machine.
_IN_CONTAINER = os.environ.get("TFACTORY_KILL_SCOPE") == "container"

_fork, _pipe, _read, _write, _close, _waitpid, _kill_pid, _exit, _urandom = (
    os.fork, os.pipe, os.read, os.write, os.close, os.waitpid, os.kill, os._exit, os.urandom)
_select, _loads, _dumps, _monotonic, _compare = select.select, json.loads, json.dumps, time.monotonic, hmac.compare_digest
_listdir, _statvfs, _getpid, _open, _sleep, _unlink, _rmtree = os.listdir, os.statvfs, os.getpid, open, time.sleep, os.unlink, shutil.rmtree
_isdir, _islink, _waitpid_nohang = os.path.isdir, os.path.islink, os.WNOHANG
_scandir = os.scandir
_os_open, _O_RDONLY = os.open, os.O_RDONLY
_fs_take, _fs_reset, _fs_roots = fsreset.take, fsreset.reset, fsreset.roots_in_container
# Paths the reset after a batch never touches (the grader's own files): set once by the worker with
# ``keep_files`` before any test module is imported (a tuple: the integrity snapshot sees a rebinding).
KEEP = ()

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


# The container's cgroup counters: (cgroup v2 file, cgroup v1 file), and the field read in them.
OOM_COUNTER = (("memory.events", "memory/memory.oom_control"), "oom_kill")
PIDS_MAX_COUNTER = (("pids.events", "pids/pids.events"), "max")


def _cgroup_text(names):
    """The start of the first readable cgroup file among ``names`` (v2 name, v1 name), or None."""
    if not _IN_CONTAINER:
        return None
    for name in names:
        try:  # a plain read (no buffered file object): it runs twice per test
            fd = _os_open(_CGROUP + "/" + name, _O_RDONLY)
        except OSError:
            continue
        try:
            return _read(fd, 4096).decode("ascii", "replace")
        except OSError:
            continue
        finally:
            _close(fd)
    return None


def _cgroup_count(counter):
    """A counter of the container's cgroup (OOM kills, forks refused at the pids limit), or None."""
    names, field = counter
    for name in names:
        for line in (_cgroup_text((name,)) or "").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == field:
                try:
                    return int(parts[1])
                except ValueError:
                    break
    return None


def _pids():
    try:
        return {int(p) for p in _listdir("/proc") if p.isdigit()}
    except OSError:
        return set()


def _parent(pid):
    try:
        with _open("/proc/%d/stat" % pid, "rb") as fh:
            stat = fh.read(512)
        return int(stat[stat.rindex(b")") + 2:].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _descendants(root, pids):
    """The pids among ``pids`` whose parent chain reaches ``root``."""
    parents = {p: _parent(p) for p in pids}
    out = []
    for pid in pids:
        seen, cur = 0, parents.get(pid)
        while cur is not None and cur > 1 and seen < 64:
            if cur == root:
                out.append(pid)
                break
            cur, seen = parents.get(cur, _parent(cur)), seen + 1
    return out


def _live(pid):
    """Whether ``pid`` is a live (not zombie) process."""
    try:
        with _open("/proc/%d/stat" % pid, "rb") as fh:
            stat = fh.read(512)
        return stat[stat.rindex(b")") + 2:stat.rindex(b")") + 3] not in (b"Z", b"X")
    except (OSError, ValueError):
        return False


def _cmdline(pid):
    try:
        with _open("/proc/%d/cmdline" % pid, "rb") as fh:
            text = fh.read(300).replace(b"\0", b" ").decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "pid %d" % pid


def _reap_children():
    while True:
        try:
            pid, _ = _waitpid(-1, _waitpid_nohang)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_leftovers(before):
    """SIGKILL every live process that appeared since ``before`` (a set of pids), other than this
    one (outside the sandbox container: only this one's descendants), until none is left (a fork bomb keeps making new ones for a while). Returns the command
    lines of the first few it found."""
    me = _getpid()
    found = []
    for _ in range(200):
        new = [p for p in _pids() - before if p != me and _live(p)]
        if not _IN_CONTAINER:
            new = _descendants(me, new)
        if not new:
            break
        for pid in new:
            if len(found) < 3:
                found.append(_cmdline(pid))
            _kill(pid)
        _reap_children()
        _sleep(0.01)
    _reap_children()
    return found


def _tmp_entries():
    try:
        return set(_listdir("/tmp"))
    except OSError:
        return set()


def _tmp_free():
    try:
        st = _statvfs("/tmp")
        return st.f_bavail * st.f_frsize
    except OSError:
        return None


def _remove_entries(folder, names):
    """Removes the named entries of ``folder`` (a link is removed, never followed)."""
    for name in names:
        path = folder + "/" + name
        try:
            if _isdir(path) and not _islink(path):
                _rmtree(path, ignore_errors=True)
            else:
                _unlink(path)
        except OSError:
            pass


def _clear_tmp(before):
    _remove_entries("/tmp", _tmp_entries() - before)


def _cgroup_value(names):
    """A one-number cgroup file (v2 name, v1 name) as an int, or None ("max", absent, unreadable)."""
    try:
        return int((_cgroup_text(names) or "").strip())
    except ValueError:
        return None


def _settle_pids():
    """Waits (2 s at most) until the processes a previous test left (a fork bomb's, killed, still
    exiting) are gone below half the container's process limit: otherwise the next test's own fork
    could meet the limit and be blamed for a fork bomb that was not its own."""
    limit = _cgroup_value(("pids.max", "pids/pids.max"))
    if limit is None:
        return
    for _ in range(200):
        current = _cgroup_value(("pids.current", "pids/pids.current"))
        if current is None or current <= limit // 2:
            return
        _reap_children()
        _sleep(0.01)


def hygienic(run_one):
    """``run_one`` with what a test leaves behind cleared after it, and the test failed for it:
    processes still running (killed), the process limit hit (a fork bomb), /tmp filled (its new
    files removed). Runs in the forked child, between two tests."""
    batch = {}

    def run(key, nxt):
        # What earlier tests of this batch left that is still alive (a fork bomb's stragglers, which
        # outlived the cleanup after their own test on a loaded machine) is killed before this test
        # starts: their refused forks must not be blamed on it. Each was already that test's reason.
        # After a test that left nothing and hit no limit there is nothing to wait for.
        if "pids" not in batch:
            batch["pids"] = _pids()
            _settle_pids()
        elif not batch.get("clean"):
            if _IN_CONTAINER:
                kill_leftovers(batch["pids"])
            _settle_pids()
        pids, tmp, forks_failed = _pids(), _tmp_entries(), _cgroup_count(PIDS_MAX_COUNTER)
        result = run_one(key, nxt)
        problems = []
        left = kill_leftovers(pids)
        after = _cgroup_count(PIDS_MAX_COUNTER)
        if forks_failed is not None and after is not None and after > forks_failed:
            problems.append("hit the process limit (a fork bomb?); its processes were killed")
        elif left:
            problems.append("left a process running: " + "; ".join(left)[:300])
        free = _tmp_free() if _IN_CONTAINER else None  # a host's /tmp is not the test's alone
        if free is not None and free < TMP_LOW_BYTES:
            _clear_tmp(tmp)
            problems.append("filled /tmp (the disk the tests share); its files there were removed")
        batch["clean"] = not problems and not left and (forks_failed is None or after == forks_failed)
        if problems and isinstance(result, dict):
            return {"outcome": "error", "failureKind": "error", "durationMs": result.get("durationMs", 0),
                    "message": RESOURCE_PREFIX + "; ".join(problems)}
        return result
    return run


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


def _describe_status(status, oom_before=None):
    if status is None:
        return "test process vanished"
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL and oom_before is not None:
        now = _cgroup_count(OOM_COUNTER)
        if now is not None and now > oom_before:
            return OOM_MESSAGE
    if os.WIFSIGNALED(status):
        return "test process killed by signal %d" % os.WTERMSIG(status)
    return "test process exited with code %d" % os.WEXITSTATUS(status)


def keep_files(paths):
    """The grader's own files and folders (its job and output files), spared by the reset after a batch."""
    global KEEP
    KEEP = tuple(os.path.realpath(p) for p in paths)


def _fs_snapshot():
    """What the writable places hold before a batch (in the container only), or None."""
    return _fs_take(_fs_roots(), KEEP) if _IN_CONTAINER else None


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
        before = _pids()
        files = _fs_snapshot()
        pid = _fork_retrying()
        if pid == 0:
            _close(read_fd)
            _child(write_fd, pending, hygienic(run_one), on_start, token)
        _close(write_fd)
        try:
            _watch(pid, read_fd, pending, results, timeout_s, token)
        finally:
            _close(read_fd)
            # what a killed child's test left (a timeout or an OOM kill skips the child's own cleanup)
            kill_leftovers(before)
            # nothing the batch wrote survives into the next one (a memo of what head returned)
            if files is not None:
                _fs_reset(files)
        pending = [k for k in pending if k not in results]
    return results


def _fork_retrying():
    """fork, retried while the process limit is full (what a test left is being killed, or exits)."""
    for attempt in range(40):
        try:
            return _fork()
        except BlockingIOError:
            if attempt == 39:
                raise
            _reap_children()
            _sleep(0.25)
    raise RuntimeError("unreachable")


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


def _scratch_over(limit):
    """Whether /scratch holds more than ``limit`` bytes (allocated blocks, links never followed)."""
    total, stack = 0, [SCRATCH]
    while stack:
        try:
            entries = list(_scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            total += st.st_blocks * 512
            if total > limit:
                return True
    return False


def _clear_scratch():
    """Empties /scratch: while tests run, nothing of the grader's is there (its files are on its own tmpfs)."""
    try:
        _remove_entries(SCRATCH, _listdir(SCRATCH))
    except OSError:
        return


def _filled_scratch(pid, key, results, started):
    _kill(pid)
    _reap(pid)
    _clear_scratch()
    results[key] = {"outcome": "error", "failureKind": "error", "durationMs": int((_monotonic() - started) * 1000),
                    "message": RESOURCE_PREFIX + "filled /scratch (more than %d MB; the host's disk); its files there were removed" % (SCRATCH_SOFT_BYTES // (1024 * 1024))}


def _watch(pid, read_fd, pending, results, timeout_s, token):
    oom_before = _cgroup_count(OOM_COUNTER)
    buffer = b""
    current, started = None, _monotonic()
    progressed = False  # a child that ended its batch early (EndBatch) after a result is not a failure
    while True:
        limit = timeout_s(current) if current is not None else STARTUP_TIMEOUT_S
        remaining = limit - (_monotonic() - started)
        poll = SCRATCH_POLL_S if _IN_CONTAINER and current is not None else None
        wait = max(0.0, remaining) if poll is None else max(0.0, min(remaining, poll))
        ready = _select([read_fd], [], [], wait)[0] if remaining > 0 else []
        if not ready and poll is not None and limit - (_monotonic() - started) > 0:
            # woken to look at the host's disk while the test runs
            if _scratch_over(SCRATCH_SOFT_BYTES):
                _filled_scratch(pid, current, results, started)
                return
            continue
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
                results[current] = {"outcome": "error", "failureKind": "error", "message": _describe_status(status, oom_before), "durationMs": int((_monotonic() - started) * 1000)}
            elif not progressed and any(k not in results for k in pending):
                raise RuntimeError(_describe_status(status, oom_before) + " before running its tests")
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
                if _IN_CONTAINER and _scratch_over(SCRATCH_SOFT_BYTES):
                    _filled_scratch(pid, current, results, started)
                    return
                results[current] = message["result"]
                current, started, progressed = None, _monotonic(), True
            elif "fatal" in message:
                _kill(pid)
                _reap(pid)
                raise RuntimeError(message["fatal"])
