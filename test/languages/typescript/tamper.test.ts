import { describe, expect, it } from 'vitest';
import { parseTsSource } from '../../../src/languages/typescript/discover.js';
import { checkTsTampering } from '../../../src/languages/typescript/tamper.js';

const check = (src: string, path = 'test/x.test.ts'): string[] => checkTsTampering(parseTsSource(path, src)).map((f) => `${f.line}: ${f.message}`);

describe('checkTsTampering (tampers-with-grader)', () => {
  it.each([
    ['the grader runtime folder', "import { evaluate } from '/opt/tfactory/typescript/engine.mjs';", "imports the grader's file /opt/tfactory/typescript/engine.mjs"],
    ["the grader's reporter copy", "import R from '../.tfactory/reporter.mjs';", "imports the grader's file ../.tfactory/reporter.mjs"],
    ['require.cache', 'delete require.cache[id];', 'touches require.cache'],
    ['Module._load', "import Module from 'node:module';\nModule._load = () => ({});", 'patches the module loader (Module._load)'],
    ['module.constructor._load', 'module.constructor._load = null;', 'reaches the module loader'],
    ['process.exit', 'process.exit(0);', 'controls the process (process.exit)'],
    ['process.kill', 'process.kill(process.ppid, "SIGKILL");', 'controls the process (process.kill)'],
    ['process.binding', "process.binding('fs');", 'controls the process (process.binding)'],
    ['process.send (the runner IPC)', 'process.send?.({});', 'controls the process (process.send)'],
    ["process.on('exit')", "process.on('exit', () => {});", "listens to or raises the process event 'exit'"],
    ['signals', "process.once('SIGTERM', () => {});", "process event 'SIGTERM'"],
    ['a mock of the framework', "vi.mock('@vitest/runner');", 'mocks the test framework itself (@vitest/runner)'],
    ['reading a source file', "import { readFileSync } from 'node:fs';\nconst src = readFileSync(new URL('../src/shipping.ts', import.meta.url), 'utf8');", 'reads source code (readFileSync)'],
    ['the mutant switch', 'const m = globalThis.__tfMutant;', "touches the grader's global __tfMutant"],
    ['the hit recorder', '__tfHit("src/a.ts", 1);', "touches the grader's global __tfHit"],
    ["vitest's state", 'const s = globalThis.__vitest_worker__;', "touches the grader's global __vitest_worker__"],
    ["the grader's variables", 'const f = process.env.TF_EVENTS;', "reads the grader's variable TF_EVENTS"],
    ['a computed dynamic import', 'const m = await import(name);', 'imports a module whose name is computed'],
    ['a computed require', "const m = require('tfact' + 'ory');", 'requires a module whose name is computed'],
    ['eval', "eval('1');", 'runs code built at run time'],
    ['new Function', "new Function('return 1');", 'runs code built at run time'],
  ])('flags %s', (_what, src, message) => {
    const found = check(src);
    expect(found.join('\n')).toContain(message);
    expect(found.every((f) => /^\d+: tampers with the grader: /.test(f))).toBe(true);
  });

  it.each([
    ['vi.mock of a collaborator', "import { vi, it, expect } from 'vitest';\nvi.mock('../src/mailer', () => ({ send: vi.fn() }));\nit('x', () => expect(1).toBe(1));"],
    ['jest.mock of a package', "jest.mock('axios');"],
    ['a literal dynamic import', "const m = await import('../src/shipping');"],
    ['reading a data fixture', "import { readFileSync } from 'node:fs';\nconst data = JSON.parse(readFileSync(new URL('./rates.json', import.meta.url), 'utf8'));"],
    ['process.env of the project', "process.env.SHOP_CURRENCY = 'EUR';\nconst tz = process.env.TZ;"],
    ['fake timers', 'vi.useFakeTimers();\nvi.setSystemTime(0);'],
    ['a test title that names the product', "it('tfactory grades this', () => {});"],
    ['an evaluator object of the project', 'const v = calc.eval("1+1");'],
  ])('leaves %s alone', (_what, src) => {
    expect(check(src)).toEqual([]);
  });
});
