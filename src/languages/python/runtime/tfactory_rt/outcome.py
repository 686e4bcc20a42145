"""Turn pytest's setup/call/teardown reports for one test into one GradedRun-shaped dict."""

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


def classify_exception(excinfo):
    """('assertion' | 'error', message). pytest.fail / pytest.raises' DID NOT RAISE are checks too."""
    try:
        from _pytest.outcomes import Failed
    except ImportError:  # pragma: no cover - very old pytest
        Failed = ()  # noqa: N806
    kind = "assertion" if issubclass(excinfo.type, AssertionError) or (Failed and issubclass(excinfo.type, Failed)) else "error"
    return kind, excinfo.type.__name__, _first_lines(excinfo.exconly())


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
