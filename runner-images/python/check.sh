#!/bin/sh
# Smoke check run at build time: every tool the runner promises is importable.
set -eu
python3 --version
python3 -c "import pytest, coverage, pytest_timeout, hypothesis, freezegun; print('pytest', pytest.__version__, 'coverage', coverage.__version__)"
pytest --version
