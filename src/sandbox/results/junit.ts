import type { TestCaseResult, TestOutcome, TestRunResult } from './types.js';
import { attrOf, childrenOf, numberAttr, parseXmlDocument, textOf, type XmlNode } from './xml.js';
import { toRepoRelative, type PathOptions } from './paths.js';

const MAX_DETAILS = 4000;
const SOURCE_EXT = /\.(py|[cm]?[jt]sx?|vue|svelte)$/;

/**
 * Parse a JUnit XML report as written by pytest (`--junitxml`, xunit1 and xunit2 families) or by
 * vitest (`--reporter=junit`). Empty (or whitespace-only) input gives an empty result: "the tool
 * wrote nothing" is for the caller to judge. Malformed XML throws TfError RESULT_PARSE_FAILED.
 */
export function parseJUnitXml(xml: string, opts: PathOptions = {}): TestRunResult {
  if (xml.trim() === '') return { tests: [], totals: countTotals([]), durationMs: 0 };
  const doc = parseXmlDocument(xml, 'JUnit XML');
  const roots = childrenOf(doc, 'testsuites');
  const suites = [...roots.flatMap((r) => collectSuites(r)), ...collectSuites(doc)];
  const tests: TestCaseResult[] = [];
  for (const suite of suites) {
    const pytest = attrOf(suite, 'name') === 'pytest';
    for (const tc of childrenOf(suite, 'testcase')) tests.push(toTestCase(tc, pytest, opts));
  }
  const rootTime = roots.map((r) => numberAttr(r, 'time')).find((t) => t !== undefined);
  const seconds = rootTime ?? sum(suites.map((s) => numberAttr(s, 'time') ?? 0));
  return { tests, totals: countTotals(tests), durationMs: toMs(seconds) };
}

/** Testsuite elements under `node`, including nested ones (some writers nest suites). */
function collectSuites(node: XmlNode): XmlNode[] {
  return childrenOf(node, 'testsuite').flatMap((s) => [s, ...collectSuites(s)]);
}

function toTestCase(tc: XmlNode, pytest: boolean, opts: PathOptions): TestCaseResult {
  const classname = attrOf(tc, 'classname') ?? '';
  const name = attrOf(tc, 'name') ?? '';
  const { file, classPart } = locate(tc, classname, pytest, opts);
  const { outcome, element } = outcomeOf(tc);
  const id = [file ?? (classPart === '' ? classname : undefined), classPart, name].filter((p): p is string => p !== undefined && p !== '').join('::');
  const result: TestCaseResult = { id, classname, name, outcome, durationMs: toMs(numberAttr(tc, 'time') ?? 0) };
  if (file !== undefined) result.file = file;
  if (element !== undefined) {
    const text = textOf(element).trim();
    const message = attrOf(element, 'message') ?? text;
    const firstLine = message.split('\n').find((l) => l.trim() !== '')?.trim();
    if (firstLine !== undefined) result.message = firstLine;
    const type = outcome === 'skipped' ? undefined : failureTypeOf(element, message, text);
    if (type !== undefined) result.failureType = type;
    if (text !== '') result.details = text.slice(0, MAX_DETAILS);
  }
  return result;
}

/**
 * The test file and the class part of the id. vitest puts the file in `classname`; pytest puts a
 * dotted module (+ classes) there and, in xunit1, the file in a `file` attribute.
 */
function locate(tc: XmlNode, classname: string, pytest: boolean, opts: PathOptions): { file?: string; classPart: string } {
  const fileAttr = attrOf(tc, 'file');
  if (!pytest && SOURCE_EXT.test(classname)) return { file: toRepoRelative(classname, opts), classPart: '' };
  if (!pytest) return fileAttr === undefined ? { classPart: classname } : { file: toRepoRelative(fileAttr, opts), classPart: classname };
  // pytest: `tests.test_x.TestA.TestB` → module `tests/test_x.py`, classes `TestA::TestB`.
  const parts = classname === '' ? [] : classname.split('.');
  const firstClass = parts.findIndex((p) => /^[A-Z]/.test(p));
  const moduleParts = firstClass === -1 ? parts : parts.slice(0, firstClass);
  const classPart = firstClass === -1 ? '' : parts.slice(firstClass).join('::');
  if (fileAttr !== undefined) return { file: toRepoRelative(fileAttr, opts), classPart };
  if (moduleParts.length === 0) return { classPart };
  return { file: toRepoRelative(`${moduleParts.join('/')}.py`, opts), classPart };
}

function outcomeOf(tc: XmlNode): { outcome: TestOutcome; element?: XmlNode } {
  const failure = childrenOf(tc, 'failure')[0];
  if (failure !== undefined) return { outcome: 'failed', element: failure };
  const error = childrenOf(tc, 'error')[0];
  if (error !== undefined) return { outcome: 'error', element: error };
  const skipped = childrenOf(tc, 'skipped')[0];
  if (skipped !== undefined) return { outcome: 'skipped', element: skipped };
  return { outcome: 'passed' };
}

/** `type` attribute, else pytest's trailing `file.py:12: ZeroDivisionError`, else a `Type: …` message prefix. */
function failureTypeOf(element: XmlNode, message: string, text: string): string | undefined {
  const type = attrOf(element, 'type');
  if (type !== undefined && type !== '') return type;
  const lastLine = text.split('\n').map((l) => l.trim()).filter((l) => l !== '').at(-1) ?? '';
  const trailing = /^\S+:\d+: ([A-Za-z_][\w.]*)$/.exec(lastLine);
  if (trailing?.[1] !== undefined) return trailing[1];
  const prefix = /^([A-Za-z_][\w.]*):\s/.exec(message);
  if (prefix?.[1] !== undefined && /[A-Z]/.test(prefix[1])) return prefix[1];
  return undefined;
}

function countTotals(tests: TestCaseResult[]): TestRunResult['totals'] {
  const count = (o: TestOutcome): number => tests.filter((t) => t.outcome === o).length;
  return { tests: tests.length, passed: count('passed'), failed: count('failed'), errors: count('error'), skipped: count('skipped') };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function toMs(seconds: number): number {
  return Math.round(seconds * 1000 * 1000) / 1000;
}
