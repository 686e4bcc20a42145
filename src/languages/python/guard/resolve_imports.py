"""TFactory hallucination guard and test discovery for Python test files (one, or --batch).

Reads the test source on stdin; prints one JSON object on stdout:
  {"syntaxError": null | {"message", "line"},
   "tests": [{"name", "line", "endLine"}],
   "hallucinated": [{"name", "line", "kind", "reason"}],
   "unknown": [{"name", "line", "kind", "reason"}]}

A module is part of the project when its top-level package is found under one of the project
roots (--root, repeatable: the project folder, its src/, the test's folder). Every project module
the test imports is imported in its own subprocess (side effects contained, --timeout seconds
each) and every `from m import name` and `m.attr` chain is looked up on it. A module that is
neither in the project nor installed is "unknown", never a hallucination.
With --batch, stdin is {"files": [{"path", "source", "roots"}]} and the output {"files": [{"path",
"result"}]}: all of a run's candidates in one process, each project module imported once per roots.
Standard library only; Python 3.8+.
"""
import argparse
import ast
import importlib.util
import json
import os
import subprocess
import sys

CHILD = r'''
import importlib, inspect, json, sys
payload = json.loads(sys.argv[1])
sys.path[:0] = payload["roots"]
out = {"import": "ok", "paths": []}
try:
    mod = importlib.import_module(payload["module"])
except ModuleNotFoundError as e:
    out = {"import": "missing", "missing": e.name, "message": str(e)[:300]}
except BaseException as e:
    out = {"import": "error", "message": (type(e).__name__ + ": " + str(e))[:300]}
else:
    def has(obj, attr):
        if hasattr(obj, attr):
            return True, getattr(obj, attr)
        if inspect.ismodule(obj):
            try:
                return True, importlib.import_module(obj.__name__ + "." + attr)
            except ModuleNotFoundError as e:
                if e.name != obj.__name__ + "." + attr:
                    return None, None
                return False, None
            except BaseException:
                return None, None
        if inspect.isclass(obj):
            for klass in inspect.getmro(obj):
                if attr in getattr(klass, "__annotations__", {}):
                    return True, None
        return False, None
    for path in payload["paths"]:
        obj, status, depth = mod, "ok", 0
        for depth, attr in enumerate(path):
            found, value = has(obj, attr)
            if found is None:
                status = "unknown"
                break
            if not found:
                status = "missing"
                break
            if value is None or not (inspect.ismodule(value) or inspect.isclass(value)):
                break
            obj = value
        out["paths"].append({"status": status, "depth": depth})
print(json.dumps(out))
'''


def is_test_class(node, known):
    for base in node.bases:
        name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
        if "TestCase" in name or name in known:
            return True
    return node.name.startswith("Test")


def discover(body, prefix, known, out):
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            out.append({"name": "::".join(prefix + [node.name]), "line": node.lineno,
                        "endLine": getattr(node, "end_lineno", node.lineno)})
        elif isinstance(node, ast.ClassDef) and is_test_class(node, known):
            known.add(node.name)
            discover(node.body, prefix + [node.name], known, out)


def in_project(top, roots):
    for root in roots:
        base = os.path.join(root, top)
        if os.path.isdir(base) or os.path.isfile(base + ".py"):
            return True
    return False


def module_of_test(path, roots):
    """Dotted name of the test file relative to the first root holding it (for relative imports)."""
    full = os.path.abspath(path)
    for root in roots:
        rel = os.path.relpath(full, os.path.abspath(root))
        if not rel.startswith(".."):
            return rel[:-3].replace(os.sep, ".") if rel.endswith(".py") else None
    return None


def absolute(module, level, test_module):
    if level == 0:
        return module
    if not test_module:
        return None
    parts = test_module.split(".")[:-level]
    if not parts and not module:
        return None
    return ".".join(parts + ([module] if module else []))


def collect(tree, test_module):
    """Bindings (local name -> (module, attr path)) and the imports to check."""
    bindings, imports = {}, []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                imports.append({"module": a.name, "names": [], "line": node.lineno})
                if a.asname:
                    bindings[a.asname] = (a.name, [])
                else:
                    top = a.name.split(".")[0]
                    bindings[top] = (top, [])
        elif isinstance(node, ast.ImportFrom):
            module = absolute(node.module or "", node.level, test_module)
            if module is None:
                continue
            names = [a.name for a in node.names if a.name != "*"]
            imports.append({"module": module, "names": names, "line": node.lineno})
            for a in node.names:
                if a.name != "*":
                    bindings[a.asname or a.name] = (module, [a.name])
    return bindings, imports


def attribute_uses(tree, bindings):
    # a name rebound by an assignment (or a parameter) no longer surely names the imported module
    rebound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    rebound |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.arguments)
                for a in n.posonlyargs + n.args + n.kwonlyargs}
    bindings = {k: v for k, v in bindings.items() if k not in rebound}
    uses = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            chain, cur = [], node
            while isinstance(cur, ast.Attribute):
                chain.insert(0, cur.attr)
                cur = cur.value
            if isinstance(cur, ast.Name) and cur.id in bindings:
                uses.append((cur.id, chain, node.lineno))
    # keep only maximal chains (a.b.c, not also a.b)
    return [u for u in uses if not any(o is not u and o[0] == u[0] and o[2] == u[2]
                                       and len(o[1]) > len(u[1]) and o[1][:len(u[1])] == u[1] for o in uses)]


def run_child(module, paths, roots, timeout):
    payload = json.dumps({"module": module, "paths": paths, "roots": roots})
    try:
        proc = subprocess.run([sys.executable, "-c", CHILD, payload], capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return {"import": "error", "message": "importing the module timed out"}
    lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
    if not lines:
        return {"import": "error", "message": ("no result from the import; " + proc.stderr[-300:]).strip()}
    return json.loads(lines[-1])


def prepare(path, source, roots, no_guard=False):
    """Parse and discover one file; with the guard, also what it needs imported: (result, checks, first_line)."""
    result = {"syntaxError": None, "tests": [], "hallucinated": [], "unknown": []}
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as e:
        result["syntaxError"] = {"message": str(e.msg), "line": e.lineno or 1}
        return result, None, None
    discover(tree.body, [], set(), result["tests"])
    if no_guard:
        return result, None, None
    bindings, imports = collect(tree, module_of_test(path, roots))
    # module -> list of (attr path, line, kind, display name)
    checks = {}
    for imp in imports:
        checks.setdefault(imp["module"], [])
        for name in imp["names"]:
            checks[imp["module"]].append(([name], imp["line"], "name", imp["module"] + "." + name))
    for local, chain, line in attribute_uses(tree, bindings):
        module, prefix = bindings[local]
        checks.setdefault(module, []).append((prefix + chain, line, "attribute", ".".join([local] + chain)))
    first_line = {}
    for imp in imports:
        first_line.setdefault(imp["module"], imp["line"])
    return result, checks, first_line


def child_requests(checks, roots):
    """The project modules a file's checks import in a child: [(module, paths)]."""
    out = []
    for module, wanted in sorted(checks.items()):
        if in_project(module.split(".")[0], roots):
            out.append((module, [w[0] for w in wanted if w[0]]))
    return out


def finish(result, checks, first_line, roots, lookup):
    """Turn the children's answers (lookup(module, paths) -> child result) into the file's findings."""
    for module, wanted in sorted(checks.items()):
        top = module.split(".")[0]
        line = first_line.get(module, wanted[0][1] if wanted else 1)
        if not in_project(top, roots):
            try:
                spec = importlib.util.find_spec(top)
            except BaseException:
                spec = None
            if spec is None:
                result["unknown"].append({"name": module, "line": line, "kind": "module",
                                          "reason": "not part of the project and not installed"})
            continue
        paths = [w[0] for w in wanted if w[0]]
        res = lookup(module, paths)
        if res["import"] == "missing":
            missing = res.get("missing") or module
            if in_project(missing.split(".")[0], roots) and (module == missing or module.startswith(missing + ".")):
                result["hallucinated"].append({"name": module, "line": line, "kind": "module",
                                               "reason": res.get("message", "")})
            else:
                result["unknown"].append({"name": module, "line": line, "kind": "module",
                                          "reason": "a dependency is not installed: " + str(missing)})
            continue
        if res["import"] == "error":
            result["unknown"].append({"name": module, "line": line, "kind": "module", "reason": res["message"]})
            continue
        checked = iter(res["paths"])
        for path, use_line, kind, display in wanted:
            if not path:
                continue
            status = next(checked, {"status": "unknown"})
            if status["status"] == "missing":
                depth = status.get("depth", 0)
                name = module + "." + ".".join(path[:depth + 1]) if kind == "name" else display
                result["hallucinated"].append({"name": name, "line": use_line, "kind": kind,
                                               "reason": "no such name in " + module})
            elif status["status"] == "unknown":
                result["unknown"].append({"name": display, "line": use_line, "kind": kind,
                                          "reason": "could not be looked up"})
    return result


def check_one(path, source, roots, timeout, no_guard=False):
    result, checks, first_line = prepare(path, source, roots, no_guard)
    if checks is None:
        return result
    return finish(result, checks, first_line, roots, lambda module, paths: run_child(module, paths, roots, timeout))


def check_many(files, timeout):
    """Several files in one process: each project module is imported once, in one child, for all
    the files that import it with the same roots (the union of their name paths is looked up)."""
    prepared = []
    wanted = {}  # (module, roots) -> list of distinct paths
    for f in files:
        roots = [r for r in f["roots"] if os.path.isdir(r)]
        result, checks, first_line = prepare(f["path"], f["source"], roots)
        prepared.append((f["path"], roots, result, checks, first_line))
        if checks is None:
            continue
        for module, paths in child_requests(checks, roots):
            union = wanted.setdefault((module, tuple(roots)), [])
            for p in paths:
                if p not in union:
                    union.append(p)
    answers = {}
    for (module, roots), paths in wanted.items():
        res = run_child(module, paths, list(roots), timeout)
        answers[(module, roots)] = (paths, res)

    def lookup_for(roots):
        def lookup(module, paths):
            union, res = answers[(module, tuple(roots))]
            if res["import"] != "ok":
                return res
            by_path = {json.dumps(p): s for p, s in zip(union, res["paths"])}
            return {"import": "ok", "paths": [by_path.get(json.dumps(p), {"status": "unknown"}) for p in paths]}
        return lookup

    out = []
    for path, roots, result, checks, first_line in prepared:
        if checks is not None:
            finish(result, checks, first_line, roots, lookup_for(roots))
        out.append({"path": path, "result": result})
    return {"files": out}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--path")
    ap.add_argument("--root", action="append", default=[])
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--no-guard", action="store_true")
    ap.add_argument("--batch", action="store_true",
                    help='stdin is {"files": [{"path", "source", "roots"}]}; prints {"files": [{"path", "result"}]}')
    args = ap.parse_args()
    if args.batch:
        print(json.dumps(check_many(json.loads(sys.stdin.read())["files"], args.timeout)))
        return
    if not args.path:
        ap.error("--path is required without --batch")
    source = sys.stdin.read()
    roots = [r for r in args.root if os.path.isdir(r)]
    print(json.dumps(check_one(args.path, source, roots, args.timeout, args.no_guard)))


if __name__ == "__main__":
    main()
