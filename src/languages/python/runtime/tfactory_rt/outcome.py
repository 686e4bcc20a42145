"""Turn pytest's setup/call/teardown reports for one test into one GradedRun-shaped dict."""
import os

_MAX_MESSAGE = 500
# A test that prints more than this (stdout + stderr + log, all phases) fails with "output limit".
OUTPUT_LIMIT_BYTES = 10 * 1024 * 1024


def captured_bytes(reports):
    """What pytest captured of one test's output (each phase's report carries the sections of the
    phases before it too, so the largest report counts, not their sum)."""
    total = 0
    for rep in reports:
        total = max(total, sum(len(content) for _title, content in getattr(rep, "sections", ()) or ()))
    return total


def _first_lines(text, count=3):
    lines = [l for l in str(text).splitlines() if l.strip()]
    return "\n".join(lines[:count])[:_MAX_MESSAGE]


def _unittest_dir():
    try:
        import unittest

        return os.path.dirname(os.path.abspath(unittest.__file__)) + os.sep
    except Exception:  # noqa: BLE001 - no unittest: nothing is raised from it either
        return None


_UNITTEST_DIR = _unittest_dir()


def _raised_in_unittest_check(excinfo):
    """Whether the exception was raised inside one of unittest's ``assert*`` methods (the check
    itself choked on the value it was given: ``assertAlmostEqual(None, 1)`` is a TypeError there,
    ``assertIn(x, None)`` too), not in the code under test."""
    tb = getattr(excinfo, "tb", None)
    if tb is None or _UNITTEST_DIR is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code
    return os.path.abspath(code.co_filename).startswith(_UNITTEST_DIR) and code.co_name.startswith(("assert", "_base", "_getAssert", "fail"))


def _failure_exception(item):
    """The ``failureException`` of a unittest TestCase item (AssertionError unless the class says otherwise)."""
    for owner in (getattr(item, "_testcase", None), getattr(item, "instance", None)):
        exc = getattr(owner, "failureException", None)
        if isinstance(exc, type) and issubclass(exc, BaseException):
            return exc
    return None


def classify_exception(excinfo, item=None):
    """('assertion' | 'error', type name, message). A check that failed is an assertion: an
    AssertionError (``assert``, ``self.assert*``, ``self.fail``, also inside ``self.subTest``),
    ``pytest.fail`` and ``pytest.raises``' DID NOT RAISE (pytest's Failed), a TestCase's own
    ``failureException``, and an error raised inside a unittest ``assert*`` method. Anything else
    the test raised (from the code under test, or from its own statements) is an error."""
    try:
        from _pytest.outcomes import Failed
    except ImportError:  # pragma: no cover - very old pytest
        Failed = ()  # noqa: N806
    failure = _failure_exception(item) if item is not None else None
    check = issubclass(excinfo.type, AssertionError) or (Failed and issubclass(excinfo.type, Failed)) \
        or (failure is not None and issubclass(excinfo.type, failure)) or _raised_in_unittest_check(excinfo)
    return "assertion" if check else "error", excinfo.type.__name__, _first_lines(excinfo.exconly())


def with_subtests(reports, subtests):
    """The phase reports with the first failed ``self.subTest`` report in place of a passed call
    phase: where the runner reports subtests apart (pytest 9, or pytest-subtests), a test whose
    subtest failed has failed, though its own call phase passed."""
    failed_sub = next((r for r in subtests if getattr(r, "failed", False)), None)
    if failed_sub is None:
        return reports
    return [failed_sub if r.when == "call" and not r.failed else r for r in reports]


def summarize(reports, duration_ms):
    """One outcome from the phase reports; the makereport hook put ``tf_exc`` on failed phases."""
    for rep in reports:
        exc = getattr(rep, "tf_exc", None)
        if rep.when == "setup" and rep.failed:
            text = str(rep.longrepr)
            missing_fixture = "fixture '" in text and "not found" in text
            message = exc[2] if exc else _first_lines(text.splitlines()[-1] if text else "setup failed")
            return {"outcome": "error", "failureKind": "collection" if missing_fixture else "error", "message": message, "durationMs": duration_ms}
        if rep.skipped and rep.when in ("setup", "call"):
            reason = "xfail" if hasattr(rep, "wasxfail") else _first_lines(rep.longrepr[2] if isinstance(rep.longrepr, tuple) else rep.longrepr, 1)
            return {"outcome": "skipped", "message": reason, "durationMs": duration_ms}
        if rep.when == "call" and rep.failed:
            if exc:
                kind, _type, message = exc
            else:  # e.g. XPASS(strict): a check of the test's own making
                kind, message = "assertion", _first_lines(rep.longrepr)
            return {"outcome": "failed", "failureKind": kind, "message": message, "durationMs": duration_ms}
        if rep.when == "teardown" and rep.failed:
            message = exc[2] if exc else _first_lines(rep.longrepr)
            return {"outcome": "error", "failureKind": "error", "message": "teardown: " + message, "durationMs": duration_ms}
    return {"outcome": "passed", "durationMs": duration_ms}


def collection_kind(nodeid):
    """'import' when a test module could not be imported, 'collection' for a part of one (a class)."""
    return "collection" if "::" in nodeid else "import"
