"""TFactory's in-sandbox grader for Python (stdlib + pytest + coverage.py only).

Entry points live next to this package: ``tfactory_grader.py`` (the orchestrator, run once per
evaluation) and ``tfactory_worker.py`` (one pytest session: collect once, then fork per batch).
"""
