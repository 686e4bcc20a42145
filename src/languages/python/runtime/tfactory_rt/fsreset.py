"""Nothing a test writes survives from one run to the next: the writable places of the sandbox are
put back, after every forked batch (forkrun.run_batch, in the parent) and between the grader's
sessions (tfactory_grader.py), the way a snapshot taken before it found them.

``take(roots)`` records every entry under ``roots`` (lstat, links never followed; at most ``cap``
entries); ``reset(snapshot)`` removes what is not in it (a new file, folder or link) and every
regular file that changed (size, mtime or inode), and returns how many entries it removed. A test
that kept a memo of what the head code returned (in /tmp, in HOME, in a folder that was already
there) finds nothing in the next run, so a mutant is compared with what the test itself computes.

Past the cap a folder is not listed; at reset, whatever under it has a ctime since the snapshot
(a write, a rename, a chmod: a test cannot set it back) is removed.

Only in the sandbox container (``roots_in_container``): on a developer's machine /tmp is not the
tests' alone. The walk and the reset take their roots as arguments (tests call them on temp folders).
"""
import os
import shutil
import stat
import time

# Where a test can write in the sandbox (src/sandbox/docker/container-config.ts: tmpfs /tmp, HOME,
# the grader's own /run/tfactory; /scratch, the host's folder; /dev/shm).
SANDBOX_ROOTS = ("/tmp", "/home/runner", "/dev/shm", "/scratch", "/run/tfactory")
CAP = 20000
# File timestamps come from the kernel's coarse clock, a few ms behind time.time_ns().
_SLACK_NS = 50 * 1000 * 1000

_lstat, _scandir, _unlink, _rmtree, _chmod, _time_ns = os.lstat, os.scandir, os.unlink, shutil.rmtree, os.chmod, time.time_ns
_S_ISDIR, _S_ISREG = stat.S_ISDIR, stat.S_ISREG


def roots_in_container(extra=()):
    """The sandbox's writable places (and ``extra``) that exist here, as real folders."""
    found = []
    for root in tuple(SANDBOX_ROOTS) + tuple(extra):
        try:
            if _S_ISDIR(_lstat(root).st_mode) and root not in found:
                found.append(root)
        except OSError:
            continue
    return found


class Snapshot:
    __slots__ = ("roots", "exclude", "entries", "unlisted", "since_ns")

    def __init__(self, roots, exclude):
        self.roots = tuple(roots)
        self.exclude = frozenset(exclude)
        self.entries = {}  # path -> (is dir, is regular file, size, mtime_ns, inode)
        self.unlisted = set()  # folders past the cap: judged by ctime at reset
        self.since_ns = 0


def _key(st):
    return (_S_ISDIR(st.st_mode), _S_ISREG(st.st_mode), st.st_size, st.st_mtime_ns, st.st_ino)


def _stats(folder, exclude):
    """(path, lstat result) of each entry of ``folder`` not in ``exclude``; none when it cannot be
    listed. A folder a test locked (chmod 000: the same user) is opened up first: what it hides there
    must be seen."""
    try:
        it = list(_scandir(folder))
    except PermissionError:
        try:
            _chmod(folder, 0o700)
            it = list(_scandir(folder))
        except OSError:
            return
    except OSError:
        return
    for entry in it:
        path = entry.path
        if path in exclude:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        yield path, st


def take(roots, exclude=(), cap=CAP):
    """What is under ``roots`` now; ``exclude``: paths (with everything under them) never touched."""
    snap = Snapshot(roots, exclude)
    snap.since_ns = _time_ns() - _SLACK_NS
    budget = cap
    stack = [r for r in snap.roots if r not in snap.exclude]
    while stack:
        folder = stack.pop()
        if budget <= 0:
            snap.unlisted.add(folder)
            continue
        for path, st in _stats(folder, snap.exclude):
            key = _key(st)
            snap.entries[path] = key
            budget -= 1
            if key[0]:
                stack.append(path)
    return snap


def _retry_writable(func, path, _exc):
    """rmtree's error handler: a folder the test made unwritable (chmod 000) is opened up first."""
    try:
        _chmod(os.path.dirname(path), 0o700)
        if _S_ISDIR(_lstat(path).st_mode):
            _chmod(path, 0o700)
            _rmtree(path, ignore_errors=True)
        else:
            func(path)
    except OSError:
        pass


def remove(path, is_dir):
    """Removes ``path`` (a folder with what is in it; a link is removed, never followed)."""
    try:
        if is_dir:
            _rmtree(path, onerror=_retry_writable)
        else:
            _unlink(path)
        return True
    except OSError:
        try:
            _chmod(os.path.dirname(path), 0o700)
            _unlink(path)
            return True
        except OSError:
            return False


def changes(snap):
    """[(path, is dir)]: what is new or changed since ``snap`` (a new folder once, not its content)."""
    out = []
    stack = [(r, r in snap.unlisted) for r in snap.roots if r not in snap.exclude]
    while stack:
        folder, by_ctime = stack.pop()
        for path, st in _stats(folder, snap.exclude):
            key = _key(st)
            if by_ctime:
                if st.st_ctime_ns >= snap.since_ns and not key[0]:
                    out.append((path, False))
                elif key[0]:
                    stack.append((path, True))
                continue
            old = snap.entries.get(path)
            if old is None or old[0] != key[0] or old[1] != key[1] or (not key[0] and old[2:] != key[2:]):
                out.append((path, key[0]))
            elif key[0]:
                stack.append((path, path in snap.unlisted))
    return out


def reset(snap):
    """Removes what is new or changed under the snapshot's roots; returns how many entries."""
    removed = 0
    for path, is_dir in changes(snap):
        removed += remove(path, is_dir)
    return removed
