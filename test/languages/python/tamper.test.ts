import { describe, expect, it } from 'vitest';
import { scanPython } from '../../../src/languages/python/discover-tokens.js';
import { checkPythonTampering } from '../../../src/languages/python/tamper.js';

const check = (src: string): string[] => checkPythonTampering(scanPython(src)).map((f) => `${f.line}: ${f.message}`);

describe('checkPythonTampering (tampers-with-grader)', () => {
  it.each([
    ['the grader module, aliased', 'import os, tfactory_rt.forkrun as fr\nfr.run_batch = None\n', "imports the grader's module tfactory_rt.forkrun"],
    ['from the grader package', 'from tfactory_rt import forkrun\n', "imports the grader's module tfactory_rt"],
    ['a computed __import__', 'fr = __import__("tfactory" + "_rt.forkrun")\n', 'imports a module whose name is computed'],
    ['a computed import_module', 'import importlib\nm = importlib.import_module(name)\n', 'imports a module whose name is computed'],
    ['the grader folder', 'p = "/opt/tfactory/python"\n', 'names the grader (/opt/tfactory/python)'],
    ['pytest report internals', 'from _pytest.reports import TestReport\n', "imports pytest's reporting internals"],
    ['a report hook in a test file', 'def pytest_runtest_makereport(item, call):\n    pass\n', 'defines the pytest hook pytest_runtest_makereport'],
    ['the plugin manager', 'def test_x(request):\n    request.config.pluginmanager.register(object())\n', "reaches pytest's plugin manager"],
    ['sys.modules assignment', 'import sys\nsys.modules["shop"] = None\n', 'touches sys.modules'],
    ['sys.modules iteration', 'import sys\nfor m in list(sys.modules.values()):\n    pass\n', 'touches sys.modules'],
    ['a tracer', 'import sys\nsys.settrace(lambda *a: None)\n', 'installs a tracer'],
    ['threading.settrace', 'import threading\nthreading.settrace(None)\n', 'installs a tracer'],
    ['os._exit', 'from os import _exit\n_exit(0)\n', 'controls processes'],
    ['os.kill', 'import os\nos.kill(os.getppid(), 9)\n', 'controls processes'],
    ['signals', 'import signal\nsignal.setitimer(signal.ITIMER_REAL, 1)\n', 'installs or sends signals'],
    ['the heap', 'import gc\nobjs = gc.get_referrers(f)\n', 'searches the heap'],
    ['ctypes', 'import ctypes\n', 'uses ctypes'],
    ['atexit', 'import atexit\natexit.register(print)\n', 'registers exit handlers'],
    ['the source of the code under test', 'import inspect\nfrom shop import shipping\nsrc = inspect.getsource(shipping.shipping_cost)\n', 'reads the source or bytecode'],
    ['__code__', 'from shop.shipping import shipping_cost\nc = shipping_cost.__code__.co_consts\n', 'reads the source or bytecode'],
    ['a module file', 'from shop import shipping\ntext = open(shipping.__file__).read()\n', 'locates the file of an imported module'],
    ['a .py path', 'text = open("shop/shipping.py").read()\n', 'reads Python source by path (shop/shipping.py)'],
    ['read_text of a .py', 'from pathlib import Path\nt = Path("shop/shipping.py").read_text()\n', 'reads Python source by path'],
    ['builtins assignment', 'import builtins\nbuiltins.print = None\n', 'patches builtins'],
    ['__builtins__', 'x = __builtins__\n', 'patches builtins'],
    ['getattr by name', 'import sys\nm = getattr(sys, "modules")\n', 'reaches modules by name'],
    ['/proc', 'import os\nfds = os.listdir("/proc/self/fd")\n', 'reads the process table'],
    ['exec', 'exec("import os")\n', 'executes code built at run time'],
  ])('flags %s', (_what, src, message) => {
    const found = check(src);
    expect(found.join('\n')).toContain(message);
    expect(found.every((f) => /^\d+: tampers with the grader: /.test(f))).toBe(true);
  });

  it('flags the module-level rig on its own line', () => {
    const rig = 'import os, tfactory_rt.forkrun as fr\nfrom shop.shipping import shipping_cost\n\n\ndef test_one():\n    assert shipping_cost(1, "US") == 6.0\n';
    expect(checkPythonTampering(scanPython(rig)).map((f) => [f.rule, f.severity, f.line])).toEqual([['tampers-with-grader', 'high', 1]]);
  });

  it.each([
    ['unittest.mock of a collaborator', 'from unittest import mock\n\n@mock.patch("shop.mailer.send")\ndef test_x(send):\n    assert send is not None\n'],
    ['monkeypatch of builtins.input (undone after the test)', 'def test_x(monkeypatch):\n    monkeypatch.setattr("builtins.input", lambda _: "y")\n'],
    ['patch of builtins.open', 'from unittest.mock import mock_open, patch\n\ndef test_x():\n    with patch("builtins.open", mock_open(read_data="a")):\n        pass\n'],
    ['a literal sys.modules mock', 'import sys\nfrom unittest import mock\n\ndef test_x(monkeypatch):\n    monkeypatch.setitem(sys.modules, "requests", object())\n    with mock.patch.dict(sys.modules, {"yaml": None}):\n        pass\n'],
    ['reading sys.modules', 'import sys\nHAS_NUMPY = "numpy" in sys.modules\nme = sys.modules[__name__]\n'],
    ['pytest.raises and tmp_path IO', 'import pytest\n\ndef test_x(tmp_path):\n    (tmp_path / "a.txt").write_text("x")\n    assert (tmp_path / "a.txt").read_text() == "x"\n    with pytest.raises(ValueError):\n        int("a")\n'],
    ['writing a .py file', 'def test_x(tmp_path):\n    with open(tmp_path / "gen.py", "w") as fh:\n        fh.write("x = 1")\n'],
    ['a literal import_module', 'import importlib\nmod = importlib.import_module("shop.shipping")\n'],
    ['the test folder', 'import os\nHERE = os.path.dirname(__file__)\nDATA = os.path.join(HERE, "data.json")\n'],
    ['a package folder', 'from pathlib import Path\nimport shop\nDATA = Path(shop.__file__).parent / "rates.csv"\n'],
    ['pytest_generate_tests', 'def pytest_generate_tests(metafunc):\n    pass\n'],
    ['fixture type hints', 'from _pytest.fixtures import FixtureRequest\nfrom _pytest.monkeypatch import MonkeyPatch\n'],
    ['re.compile', 'import re\nPATTERN = re.compile("a+")\n'],
    ['a docstring that mentions the product', '"""Tests written by TFactory for the shipping change."""\n'],
  ])('leaves %s alone', (_what, src) => {
    expect(check(src)).toEqual([]);
  });
});
