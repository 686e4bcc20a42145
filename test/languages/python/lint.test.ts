import { describe, expect, it } from 'vitest';
import { discoverPythonFile } from '../../../src/languages/python/discover.js';
import { viewTests } from '../../../src/languages/python/discover-view.js';
import { lintPythonTest } from '../../../src/languages/python/lint.js';

/** Rules found in the one test function of `src`. */
function rules(src: string): string[] {
  const views = viewTests(discoverPythonFile(src));
  expect(views).toHaveLength(1);
  return lintPythonTest(views[0]!).map((f) => `${f.rule}:${f.severity}`);
}

describe('python flake lint: risky uses are reported', () => {
  it.each([
    ['unseeded random', 'import random\ndef test_x():\n    n = random.randint(1, 6)\n    assert n == 3\n', 'random-unseeded:high'],
    ['from-imported random', 'from random import choice\ndef test_x():\n    assert choice([1]) == 1\n', 'random-unseeded:high'],
    ['unseeded Random()', 'import random\ndef test_x():\n    r = random.Random()\n    assert r.random() < 2\n', 'random-unseeded:high'],
    ['numpy random', 'import numpy as np\ndef test_x():\n    assert np.random.rand() < 2\n', 'random-unseeded:high'],
    ['time.sleep', 'import time\ndef test_x():\n    time.sleep(0.5)\n    assert 1 == 1\n', 'sleep:medium'],
    ['from time import sleep', 'from time import sleep\ndef test_x():\n    sleep(2)\n    assert True\n', 'sleep:medium'],
    ['datetime.now', 'from datetime import datetime\ndef test_x():\n    assert datetime.now().year > 2000\n', 'clock-unfrozen:high'],
    ['datetime.datetime.utcnow', 'import datetime\ndef test_x():\n    assert datetime.datetime.utcnow()\n', 'clock-unfrozen:high'],
    ['date.today', 'from datetime import date\ndef test_x():\n    assert age(date.today()) == 3\n', 'clock-unfrozen:high'],

    ['time.time()', 'import time\ndef test_x():\n    start = time.time()\n    assert start > 0\n', 'clock-unfrozen:high'],
    ['dict keys order', 'def test_x():\n    d = build()\n    assert list(d.keys()) == ["a", "b"]\n', 'iteration-order:medium'],
    ['set order', 'def test_x():\n    s = {1, 2, 3}\n    assert list(s) == [1, 2, 3]\n', 'iteration-order:medium'],
    ['set() order in assertEqual', 'class TestX:\n    def test_x(self):\n        self.assertEqual(list(set(names())), ["a"])\n', 'iteration-order:medium'],
    ['parenthesised assert on dict values', 'def test_x():\n    assert (list(d.values()) == [1, 2]), "order"\n', 'iteration-order:medium'],
    ['requests', 'import requests\ndef test_x():\n    assert requests.get("https://example.com").status_code == 200\n', 'network:high'],
    ['urlopen', 'from urllib.request import urlopen\ndef test_x():\n    assert urlopen("http://x").status == 200\n', 'network:high'],
    ['httpx client', 'import httpx\ndef test_x():\n    with httpx.Client() as c:\n        assert c.get("http://x").status_code == 200\n', 'network:high'],
    ['socket', 'import socket\ndef test_x():\n    s = socket.create_connection(("x", 80))\n    assert s\n', 'network:high'],
    ['secret env index', 'import os\ndef test_x():\n    assert login(os.environ["GITHUB_TOKEN"]) == 200\n', 'secret-env:high'],
    ['secret getenv', 'import os\ndef test_x():\n    key = os.getenv("STRIPE_API_KEY")\n    assert charge(key) == 1\n', 'secret-env:high'],
  ])('%s', (_, src, rule) => {
    expect(rules(src)).toContain(rule);
  });
});

describe('python flake lint: a freezer elsewhere does not cover a test', () => {
  it('freeze_time imported, and applied to another test only', () => {
    const src = 'from datetime import datetime\nfrom freezegun import freeze_time\n\n@freeze_time("2024-01-01")\ndef test_frozen():\n    assert datetime.now().year == 2024\n\ndef test_loose():\n    assert datetime.now().year == 2024\n';
    const views = viewTests(discoverPythonFile(src));
    expect(views.map((v) => lintPythonTest(v).map((f) => f.rule))).toEqual([[], ['clock-unfrozen']]);
  });
});

describe('python flake lint: the same uses made safe are not reported', () => {
  it.each([
    ['seeded random', 'import random\ndef test_x():\n    random.seed(42)\n    assert random.randint(1, 6) == 1\n'],
    ['Random(seed) instance', 'import random\ndef test_x():\n    rng = random.Random(7)\n    assert rng.randint(1, 6) == 3\n'],
    ['seed in a fixture', 'import random, pytest\n@pytest.fixture(autouse=True)\ndef seed():\n    random.seed(0)\ndef test_x():\n    assert random.random() < 1\n'],
    ['random in a string', 'def test_x():\n    assert describe() == "random.randint(1, 2) and time.sleep(1)"\n'],
    ['random in a comment', 'def test_x():\n    # random.randint(1, 2)\n    assert f() == 1\n'],
    ['sleep(0)', 'import time\ndef test_x():\n    time.sleep(0)\n    assert f() == 1\n'],
    ['patched sleep', 'import time\nfrom unittest import mock\n@mock.patch("time.sleep")\ndef test_x(sleep):\n    time.sleep(5)\n    assert f() == 1\n'],
    ['freeze_time decorator', 'from datetime import datetime\nfrom freezegun import freeze_time\n@freeze_time("2024-01-01")\ndef test_x():\n    assert datetime.now().year == 2024\n'],
    ['freeze_time context', 'import datetime\nimport freezegun\ndef test_x():\n    with freezegun.freeze_time("2024-01-01"):\n        assert datetime.datetime.now().year == 2024\n'],
    ['freeze_time on the class', 'from datetime import date\nfrom freezegun import freeze_time\n@freeze_time("2024-01-01")\nclass TestX:\n    def test_x(self):\n        assert date.today().year == 2024\n'],
    ['monkeypatched clock', 'import time\ndef test_x(monkeypatch):\n    monkeypatch.setattr(time, "time", lambda: 5.0)\n    assert time.time() == 5.0\n'],
    ['sorted keys', 'def test_x():\n    d = build()\n    assert sorted(d.keys()) == ["a", "b"]\n'],
    ['list literal compared (not a set)', 'def test_x():\n    s = [3, 1]\n    assert list(s) == [3, 1]\n'],
    ['set compared to a set', 'def test_x():\n    assert set(names()) == {"a", "b"}\n'],
    ['responses mock', 'import requests, responses\n@responses.activate\ndef test_x():\n    responses.add(responses.GET, "http://x", status=200)\n    assert requests.get("http://x").status_code == 200\n'],
    ['patched requests', 'import requests\nfrom unittest.mock import patch\ndef test_x():\n    with patch("requests.get") as g:\n        requests.get("http://x")\n        g.assert_called_once_with("http://x")\n'],
    ['httpx with a transport', 'import httpx\ndef test_x():\n    c = httpx.Client(transport=t)\n    assert c.get("/").status_code == 200\n'],
    ['env var set by the test', 'import os\ndef test_x(monkeypatch):\n    monkeypatch.setenv("API_TOKEN", "t")\n    assert read() == os.environ["API_TOKEN"]\n'],
    ['env assignment is not a read', 'import os\ndef test_x():\n    os.environ["API_TOKEN"] = "t"\n    assert read() == "t"\n'],
    ['non-secret env read', 'import os\ndef test_x():\n    assert os.getenv("HOME") != ""\n'],
  ])('%s', (_, src) => {
    expect(rules(src)).toEqual([]);
  });
});
