"""Build the candidate test files of one corpus case from an upstream Python test file (stdin).

Usage: python3 py-variants.py <variant> <test name>... < test_file.py > candidate.py
  variant: original | no-assertions | expected-is-actual
  test name: `test_fn`, `TestClass`, or `TestClass.test_method`

Keeps the module's imports and helpers and only the named tests (other test functions, test
methods and test classes are dropped), then weakens the named tests for the two weak variants:
  no-assertions: every `assert`, `self.assert*(...)`/`self.fail*` call and `pytest.raises`/
    `self.assertRaises` block is removed (a block's body is kept, inside try/except);
  expected-is-actual: `assert a == b` becomes `assert a == a`, `self.assertEqual(a, b)` becomes
    `self.assertEqual(a, a)` (and the other two-argument comparisons alike).
Exit status 3 when the variant changes nothing (e.g. no equality to replace): the case is not built.
"""
import ast
import copy
import sys

TWO_ARG = {"assertEqual", "assertEquals", "assertListEqual", "assertDictEqual", "assertTupleEqual",
           "assertSetEqual", "assertSequenceEqual", "assertMultiLineEqual", "assertAlmostEqual",
           "assertCountEqual", "assertIs", "assertIn"}


def is_test_name(name):
    return name.startswith("test")


def is_test_class(node):
    return isinstance(node, ast.ClassDef) and (node.name.startswith("Test") or any(
        isinstance(b, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_test_name(b.name) for b in node.body))


def select(module, wanted):
    """Drop the tests not named; return the named test function nodes."""
    kept_fns = []
    body = []
    for node in module.body:
        if isinstance(node, ast.FunctionDef) and node.name == "load_tests":
            continue  # unittest's hook that adds the module's other tests (doctests)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_test_name(node.name):
            if node.name in wanted:
                body.append(node)
                kept_fns.append(node)
            continue
        if is_test_class(node):
            whole = node.name in wanted
            methods = {w.split(".", 1)[1] for w in wanted if w.startswith(node.name + ".")}
            if not whole and not methods:
                continue
            members = []
            for m in node.body:
                if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_test_name(m.name):
                    if whole or m.name in methods:
                        members.append(m)
                        kept_fns.append(m)
                    continue
                members.append(m)
            node.body = members
            body.append(node)
            continue
        body.append(node)
    module.body = body
    return kept_fns


def is_assert_call(node):
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return False
    name = node.func.attr
    return name.startswith("assert") or name.startswith("fail")


def is_raises_ctx(item):
    call = item.context_expr
    return isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in (
        "raises", "assertRaises", "assertRaisesRegex", "assertWarns", "assertWarnsRegex", "warns")


class StripAssertions(ast.NodeTransformer):
    changed = False

    def visit_Assert(self, node):
        self.changed = True
        return ast.Pass()

    def visit_Expr(self, node):
        if is_assert_call(node.value):
            self.changed = True
            return ast.Pass()
        return self.generic_visit(node)

    def visit_With(self, node):
        self.generic_visit(node)
        if any(is_raises_ctx(i) for i in node.items):
            self.changed = True
            rest = [i for i in node.items if not is_raises_ctx(i)]
            guarded = ast.Try(body=node.body, handlers=[ast.ExceptHandler(type=ast.Name("Exception", ast.Load()), name=None, body=[ast.Pass()])], orelse=[], finalbody=[])
            return ast.With(items=rest, body=[guarded]) if rest else guarded
        return node


class ExpectedIsActual(ast.NodeTransformer):
    changed = False

    def visit_Assert(self, node):
        t = node.test
        if isinstance(t, ast.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], (ast.Eq, ast.Is)):
            t.comparators = [copy.deepcopy(t.left)]
            self.changed = True
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Attribute) and node.func.attr in TWO_ARG and len(node.args) >= 2:
            node.args[1] = copy.deepcopy(node.args[0])
            self.changed = True
        return node


def main():
    variant, wanted = sys.argv[1], set(sys.argv[2:])
    module = ast.parse(sys.stdin.read())
    fns = select(module, wanted)
    if not fns:
        print(f"none of {sorted(wanted)} found", file=sys.stderr)
        sys.exit(2)
    if variant != "original":
        t = StripAssertions() if variant == "no-assertions" else ExpectedIsActual()
        for fn in fns:
            t.visit(fn)
        if not t.changed:
            sys.exit(3)
    ast.fix_missing_locations(module)
    sys.stdout.write(ast.unparse(module) + "\n")


main()
