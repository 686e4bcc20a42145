"""One pytest session for the TFactory grader: ``python3 tfactory_worker.py <job.json>``.

Writes its findings to the job's ``output`` path. Started by tfactory_grader.py, never directly.
The functions that write the findings are bound before any test module is imported, and the
process ends with ``os._exit`` right after writing them, so exit handlers a test module registered
(atexit, finalizers) never run after the findings are written.
"""
import json
import os
import sys

sys.dont_write_bytecode = True  # the runtime folder is shipped as-is (and mounted read-only)

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

import pytest  # noqa: E402

from tfactory_rt import forkrun  # noqa: E402
from tfactory_rt.plugin import EnginePlugin  # noqa: E402

_dump, _open, _exit = json.dump, open, os._exit

# our folder must not shadow the project's modules
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]


def main(argv):
    with open(argv[1], encoding="utf-8") as fh:
        job = json.load(fh)
    os.chdir(job["root"])
    # the grader's folder (this job, its output and log): never reset after a batch
    forkrun.keep_files([os.path.dirname(os.path.abspath(job["output"]))])
    plugin = EnginePlugin(job)
    args = list(job["candidateFiles"]) + list(job.get("suiteFiles", []))
    args += ["-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:randomly", "-p", "no:cov", "-q", "--continue-on-collection-errors"]
    args += list(job.get("extraArgs", []))
    code = pytest.main(args, plugins=[plugin])
    result = dict(plugin.output)
    result["loopRan"] = plugin.loop_ran
    result["exitCode"] = int(code)
    if not plugin.loop_ran:
        result["collectErrors"] = [dict(e) for e in plugin.collect_errors]
    with _open(job["output"], "w", encoding="utf-8") as fh:
        _dump(result, fh)
    return 0


if __name__ == "__main__":
    status = main(sys.argv)
    sys.stdout.flush()
    sys.stderr.flush()
    _exit(status)
