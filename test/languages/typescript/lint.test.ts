import { describe, expect, it } from 'vitest';
import { discoverTsFile } from '../../../src/languages/typescript/discover.js';
import { lintTsTest } from '../../../src/languages/typescript/lint.js';

function rules(src: string): string[] {
  const model = discoverTsFile('t.test.ts', src);
  expect(model.tests).toHaveLength(1);
  return lintTsTest(model, model.tests[0]!).map((f) => `${f.rule}:${f.severity}`);
}

describe('TS flake lint: risky uses are reported', () => {
  it.each([
    ['Math.random', "it('x', () => { expect(pick([1, 2], Math.random())).toBe(1); });", 'random-unseeded:high'],
    ['Date.now', "it('x', () => { expect(age(Date.now())).toBe(3); });", 'clock-unfrozen:high'],
    ['new Date()', "it('x', () => { const d = new Date(); expect(fmt(d)).toBe('x'); });", 'clock-unfrozen:high'],
    ['setTimeout with a literal delay', "it('x', async () => { await new Promise((r) => setTimeout(r, 100)); expect(f()).toBe(1); });", 'sleep:medium'],
    ['setInterval', "it('x', () => { setInterval(tick, 50); expect(f()).toBe(1); });", 'sleep:medium'],
    ['fetch', "it('x', async () => { const r = await fetch('https://example.com'); expect(r.status).toBe(200); });", 'network:high'],
    ['http.get', "import http from 'node:http';\nit('x', () => { http.get('http://x'); expect(1).toBe(1); });", 'network:high'],
    ['axios', "import axios from 'axios';\nit('x', async () => { expect((await axios.get('/x')).status).toBe(200); });", 'network:high'],
    ['secret env', "it('x', () => { expect(login(process.env.GITHUB_TOKEN)).toBe(true); });", 'secret-env:high'],
    ['secret env by index', "it('x', () => { expect(login(process.env['API_KEY'])).toBe(true); });", 'secret-env:high'],
  ])('%s', (_, src, rule) => {
    expect(rules(src)).toContain(rule);
  });
});

describe('TS flake lint: the same uses made safe are not reported', () => {
  it.each([
    ['Math.random stubbed', "it('x', () => { vi.spyOn(Math, 'random').mockReturnValue(0.1); expect(pick([1, 2], Math.random())).toBe(1); });"],
    ['vi.useFakeTimers in beforeEach', "beforeEach(() => { vi.useFakeTimers(); vi.setSystemTime(new Date(2024, 0, 1)); });\nit('x', () => { expect(age(Date.now())).toBe(3); });"],
    ['jest.useFakeTimers in the test', "it('x', () => { jest.useFakeTimers(); setTimeout(cb, 1000); jest.advanceTimersByTime(1000); expect(cb).toHaveBeenCalledTimes(1); });"],
    ['new Date with arguments', "it('x', () => { expect(fmt(new Date(2024, 0, 1))).toBe('2024-01-01'); });"],
    ['setTimeout(…, 0)', "it('x', async () => { await new Promise((r) => setTimeout(r, 0)); expect(f()).toBe(1); });"],
    ['fetch stubbed', "it('x', async () => { vi.stubGlobal('fetch', vi.fn()); await fetch('/x'); expect(f()).toBe(1); });"],
    ['axios mocked', "import axios from 'axios';\nvi.mock('axios');\nit('x', async () => { await axios.get('/x'); expect(f()).toBe(1); });"],
    ['env set by the test', "it('x', () => { process.env.API_TOKEN = 't'; expect(read(process.env.API_TOKEN)).toBe('t'); });"],
    ['stubEnv', "it('x', () => { vi.stubEnv('API_KEY', 'k'); expect(read(process.env.API_KEY)).toBe('k'); });"],
    ['non-secret env', "it('x', () => { expect(process.env.NODE_ENV).toBe('test'); });"],
    ['Math.random in a string', "it('x', () => { expect(src()).toBe('Math.random() Date.now()'); });"],
  ])('%s', (_, src) => {
    expect(rules(src)).toEqual([]);
  });

  it('fake timers in another test do not cover this one', () => {
    const model = discoverTsFile('t.test.ts', "it('a', () => { vi.useFakeTimers(); expect(1).toBe(1); });\nit('b', () => { expect(Date.now()).toBe(1); });");
    expect(lintTsTest(model, model.tests[1]!).map((f) => f.rule)).toEqual(['clock-unfrozen']);
  });
});
