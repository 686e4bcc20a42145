import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tsGuardDir, typescriptPackageDir } from '../../../src/languages/typescript/guard.js';

interface Finding { name: string; kind: string; line: number; reason: string }
interface Answer { hallucinated: Finding[]; unknown: Finding[] }
type Check = ((file: string, source: string) => Answer) & { usedDom: () => boolean };
type Create = (ts: unknown, root: string, nodePaths: string[], o?: { lazyDom?: boolean }) => Check;

/**
 * The guard checks a test first without the DOM library (lib.dom.d.ts, most of what a small test's
 * program parses) and again with it when anything in the program could mean one of its globals, or
 * when a name is not found (its "Did you mean" suggestions come from every global). Whichever way a
 * file is checked, its findings are those of the checker that always loads the library.
 */
describe('the guard without the DOM library where no file could mean it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tf-guard-dom-'));
  let createImportChecker: Create;
  const ts = createRequire(import.meta.url)(typescriptPackageDir()) as unknown;

  const project = (files: Record<string, string>): string => {
    const root = mkdtempSync(join(dir, 'p-'));
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, name)), { recursive: true });
      writeFileSync(join(root, name), text);
    }
    return root;
  };
  /** Each test checked in turn by the lazy checker and by the one that always loads the library: their answers, and whether the lazy one loaded it. */
  const both = (root: string, tests: Array<[string, string]>) => {
    const lazy = createImportChecker(ts, root, []);
    const full = createImportChecker(ts, root, [], { lazyDom: false });
    return tests.map(([name, source]) => {
      const file = join(root, name);
      const answer = lazy(file, source);
      const usedDom = lazy.usedDom();
      expect(full.usedDom()).toBe(true);
      return { answer, usedDom, full: full(file, source) };
    });
  };

  beforeAll(async () => {
    ({ createImportChecker } = await import(pathToFileURL(join(tsGuardDir(), 'check_imports.mjs')).href) as { createImportChecker: Create });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const MATH = { 'src/math.ts': 'export function total(xs: number[]): number { return xs.reduce((a, b) => a + b, 0); }\nexport const config = { rate: 2 };\n' };

  it('checks a test that names no DOM global without the library, and finds what the full checker finds', () => {
    const root = project(MATH);
    const [plain, shadowed] = both(root, [
      ['test/a.test.ts', [
        "import { expect, it } from 'vitest';",
        "import { total, totl, config } from '../src/math';",
        "it('sums', () => { expect(total([1, 2])).toBe(3); expect(config.ratio).toBe(2); totl; });",
      ].join('\n')],
      // `document` and `Event` are DOM globals by name, but here the test's own.
      ['test/b.test.ts', [
        "import { it } from 'vitest';",
        "import { config } from '../src/math';",
        'const document = config;',
        'function Event(x: number) { return x; }',
        "it('reads', () => { document.rate; document.rat; Event(1); });",
      ].join('\n')],
    ]);
    expect(plain?.usedDom).toBe(false);
    expect(plain?.answer).toEqual(plain?.full);
    expect(plain?.answer.hallucinated.map((h) => [h.name, h.kind]).sort()).toEqual([['../src/math:totl', 'name'], ['config.ratio', 'attribute']]);
    expect(shadowed?.usedDom).toBe(false);
    expect(shadowed?.answer).toEqual(shadowed?.full);
    expect(shadowed?.answer.hallucinated.map((h) => h.name)).toEqual(['document.rat']);
  });

  it('loads the library for a test that uses a DOM global, a global declaration, import.meta, or a JavaScript file with DOM types', () => {
    const root = project(MATH);
    const cases = both(root, [
      ['test/fetch.test.ts', "import { it } from 'vitest';\nit('fetches', async () => { const u = new URL('http://x/'); await fetch(u); new AbortController().signal.aborted; });\n"],
      ['test/short.test.ts', "import { it } from 'vitest';\nit('keeps', () => { const o = { Event, addEventListener }; o.Event; });\n"],
      ['test/window.test.ts', "import { it } from 'vitest';\nimport { config } from '../src/math';\ndeclare global { interface Window { cfg: typeof config } }\nit('flags', () => { window.cfg.rate; window.cfg.rat; });\n"],
      ['test/meta.test.ts', "import { it } from 'vitest';\nit('knows its place', () => { import.meta.url; });\n"],
      ['test/el.test.js', "import { it } from 'vitest';\nimport { config } from '../src/math';\n/** @param {HTMLElement} el */\nfunction tag(el) { return el.tagName + config.rat; }\nit('tags', () => { tag(null); });\n"],
    ]);
    for (const c of cases) {
      expect(c.usedDom).toBe(true);
      expect(c.answer).toEqual(c.full);
    }
    expect(cases.map((c) => c.answer.hallucinated.map((h) => h.name))).toEqual([[], [], ['window.cfg.rat'], [], ['config.rat']]);
  });

  it('makes a missing name its finding with the same words as the full checker (a DOM global is among the suggestions)', () => {
    const root = project(MATH);
    const [misspelt] = both(root, [['test/get.test.ts', "import { it } from 'vitest';\nit('gets', async () => { await fetchh('http://x/'); });\n"]]);
    expect(misspelt?.answer).toEqual(misspelt?.full);
    expect(misspelt?.answer.hallucinated).toHaveLength(1);
    expect(misspelt?.answer.hallucinated[0]).toMatchObject({ name: 'fetchh', kind: 'name' });
    expect(misspelt?.answer.hallucinated[0]?.reason).toContain("'fetch'");
    expect(misspelt?.usedDom).toBe(true);
  });

  it('loads it for a test whose project means a DOM global, and not for the next test that does not reach that file', () => {
    const root = project({
      ...MATH,
      'src/widget.ts': 'export class Widget extends HTMLElement { label = "w"; }\n',
    });
    const [before, widget, again, after, own, last] = both(root, [
      ['test/a.test.ts', "import { total } from '../src/math';\ntotal([1]);\n"],
      ['test/w.test.ts', "import { Widget } from '../src/widget';\nconst w = new Widget();\nw.tagName; w.label; w.id; w.lable;\n"],
      ['test/w2.test.ts', "import { Widget } from '../src/widget';\nnew Widget().tagNam;\n"],
      ['test/b.test.ts', "import { config } from '../src/math';\nconfig.rat;\n"],
      // After a file that needed it through the project, one that needs it itself (a global it declares).
      ['test/w3.test.ts', "import { Widget } from '../src/widget';\nnew Widget();\n"],
      ['test/g.test.ts', "import { config } from '../src/math';\ndeclare global { var AbortSignal: { cfg: typeof config } }\nAbortSignal.cfg.rat;\n"],
    ]);
    expect([before, widget, again, after, own, last].map((c) => c?.usedDom)).toEqual([false, true, true, false, true, true]);
    for (const c of [before, widget, again, after, own, last]) expect(c?.answer).toEqual(c?.full);
    expect(widget?.answer.hallucinated.map((h) => h.name)).toEqual(['w.lable']);
    expect(again?.answer.hallucinated.map((h) => h.name)).toEqual(['new Widget().tagNam']);
    expect(after?.answer.hallucinated.map((h) => h.name)).toEqual(['config.rat']);
  });
});
