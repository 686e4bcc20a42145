"""Run in the prepare container: argv[1] is the project's dependency file, argv[2] where to write
pip requirements. Prints the requirements file pip should install from (argv[1] itself for a
requirements file). Reads setup.cfg (install_requires and the test/dev extras, like pyproject.toml
below) and pyproject.toml ([project] dependencies, every optional-dependencies
test/dev extra and dependency group, Poetry's main and test/dev groups; those the runner image
already satisfies, and the test tooling the grader brings, are left out, so a project that needs
nothing new needs no index), uv.lock and
poetry.lock (their pinned registry packages) and Pipfile.lock (default and develop)."""
import json
import os
import re
import sys

try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = None

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# Extras and dependency groups a test run needs (docs and release tooling are left out).
TEST_GROUP = re.compile(r"^(test|tests|testing|dev|develop|development)$", re.I)
# The grader brings its own test runner and coverage (the runner image's): a project's ranges for
# them are not installed from a pyproject.toml (a lockfile's exact pins still are).
GRADER_TOOLS = re.compile(r"^(pytest|pytest[-_].+|coverage|hypothesis|freezegun|mock)$", re.I)


def fail(message):
    sys.stderr.write("tfactory-prepare: %s\n" % message)
    sys.exit(3)


def load_toml(path):
    if tomllib is None:
        fail("%s needs Python 3.11 or newer (tomllib) in the runner image" % os.path.basename(path))
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except (OSError, ValueError) as err:  # TOMLDecodeError is a ValueError
        fail("%s could not be read as TOML: %s" % (os.path.basename(path), err))


def satisfied(requirement):
    """True when the image already has a distribution that meets `requirement` (PEP 508 text)."""
    try:
        from importlib import metadata
        try:
            from packaging.requirements import Requirement
        except ImportError:
            from pip._vendor.packaging.requirements import Requirement
        req = Requirement(requirement)
        if req.marker is not None and not req.marker.evaluate():
            return True  # not for this interpreter or platform
        if GRADER_TOOLS.match(req.name):
            return True
        version = metadata.version(req.name)
        return req.specifier.contains(version, prereleases=True) and not req.extras
    except Exception:  # unknown distribution, unparsable requirement: let pip decide
        return False


def poetry_table(table):
    out = []
    for name, spec in (table or {}).items():
        if name.lower() == "python" or not NAME.match(name):
            continue
        if isinstance(spec, dict) and any(k in spec for k in ("path", "git", "url")):
            continue  # local or VCS: not from an index
        out.append(name)
    return out


def from_pyproject(data):
    reqs = list(data.get("project", {}).get("dependencies", []))
    for name, extra in data.get("project", {}).get("optional-dependencies", {}).items():
        if TEST_GROUP.match(name):
            reqs.extend(extra)
    for name, group in data.get("dependency-groups", {}).items():
        if TEST_GROUP.match(name):
            reqs.extend(r for r in group if isinstance(r, str))
    poetry = data.get("tool", {}).get("poetry", {})
    reqs.extend(poetry_table(poetry.get("dependencies")))
    reqs.extend(poetry_table(poetry.get("dev-dependencies")))
    for name, group in poetry.get("group", {}).items():
        if TEST_GROUP.match(name):
            reqs.extend(poetry_table(group.get("dependencies")))
    return reqs


def from_setup_cfg(path):
    import configparser
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeError) as err:
        fail("setup.cfg could not be read: %s" % err)
    lines = lambda text: [l.strip() for l in (text or "").splitlines() if l.strip() and not l.strip().startswith("#")]
    reqs = lines(parser.get("options", "install_requires", fallback=""))
    if parser.has_section("options.extras_require"):
        for name, text in parser.items("options.extras_require"):
            if TEST_GROUP.match(name):
                reqs.extend(lines(text))
    return reqs


def from_lock_packages(packages, registry_only):
    reqs = []
    for pkg in packages:
        name, version = pkg.get("name"), pkg.get("version")
        if not name or not version or not NAME.match(name):
            continue
        if registry_only(pkg.get("source")):
            reqs.append("%s==%s" % (name, version))
    return reqs


def uv_registry(source):
    return isinstance(source, dict) and "registry" in source


def poetry_registry(source):
    return source is None or (isinstance(source, dict) and source.get("type") in (None, "legacy"))


def from_pipfile_lock(data):
    reqs = []
    for section in ("default", "develop"):
        for name, spec in (data.get(section) or {}).items():
            version = spec.get("version", "") if isinstance(spec, dict) else ""
            if NAME.match(name) and (version.startswith("==") or version == ""):
                reqs.append(name + version)
    return reqs


def main():
    source, out = sys.argv[1], sys.argv[2]
    base = os.path.basename(source)
    if base == "pyproject.toml":
        reqs = [r for r in from_pyproject(load_toml(source)) if not satisfied(r)]
    elif base == "setup.cfg":
        reqs = [r for r in from_setup_cfg(source) if not satisfied(r)]
    elif base == "uv.lock":
        reqs = from_lock_packages(load_toml(source).get("package", []), uv_registry)
    elif base == "poetry.lock":
        reqs = from_lock_packages(load_toml(source).get("package", []), poetry_registry)
    elif base == "Pipfile.lock":
        try:
            with open(source, encoding="utf-8") as fh:
                reqs = from_pipfile_lock(json.load(fh))
        except (OSError, ValueError) as err:
            fail("Pipfile.lock could not be read as JSON: %s" % err)
    else:
        print(source)
        return
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("".join("%s\n" % r for r in reqs))
    sys.stderr.write("tfactory-prepare: %d requirement(s) from %s\n" % (len(reqs), base))
    print(out)


if __name__ == "__main__":
    main()
