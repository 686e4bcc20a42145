"""Static preparation in the orchestrator (no project code imported): changed executable lines
of the source files under test and the mutants to try."""
import os

from . import mutants as mutants_mod
from .static import FileFacts, is_test_path, lines_of_ranges


class Prepared:
    def __init__(self):
        self.facts = {}  # repo-relative file -> FileFacts
        self.changed_lines = {}  # repo-relative file -> set of changed raw lines
        self.changed_executable = {}  # repo-relative file -> [statement lines]
        self.mutants = []  # selected mutant sites (with id, file, absFile, spanLines)
        self.errors = []


def prepare(inp, workspace):
    prep = Prepared()
    tests = set(inp["candidateFiles"]) | set(inp.get("suiteFiles", []))
    sites = []
    for file, ranges in sorted(inp.get("changedRanges", {}).items()):
        if not file.endswith(".py") or file in tests or is_test_path(file):
            continue
        path = os.path.join(workspace, file)
        try:
            with open(path, encoding="utf-8") as fh:
                source = fh.read()
            facts = FileFacts(source, path)
        except (OSError, SyntaxError, ValueError) as err:
            prep.errors.append("changed file %s could not be read: %s" % (file, err))
            continue
        changed = lines_of_ranges(ranges)
        prep.facts[file] = facts
        prep.changed_lines[file] = changed
        prep.changed_executable[file] = facts.changed_statements(changed)
        if inp.get("mutation"):
            for site in mutants_mod.enumerate_sites(facts.tree, changed, facts.line_to_stmt):
                site["file"], site["absFile"] = file, path
                site["spanLines"] = facts.spans.get(site["stmtLine"], [site["stmtLine"]])
                sites.append((site, source))
    compilable = []
    for site, source in sites:
        try:
            mutants_mod.compile_mutant(source, site["absFile"], site)
        except (SyntaxError, ValueError, TypeError) as err:
            prep.errors.append("mutant at %s:%d not compilable: %s" % (site["file"], site["line"], err))
            continue
        compilable.append(site)
    for index, site in enumerate(mutants_mod.select_sites(compilable, int(inp.get("maxMutants", 0)))):
        site["id"] = "m%d:%s:%d:%s" % (index + 1, site["file"], site["line"], site["operator"])
        prep.mutants.append(site)
    return prep
