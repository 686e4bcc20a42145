import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM engine file without type declarations
import { killKind, toRun } from '../../../src/languages/typescript/runtime/classify.mjs';

type Run = { outcome: string; failureKind?: string; message?: string };
const run = (error: { name?: string; message?: string; assertion?: boolean }): Run => toRun({ state: 'failed', errors: [error], durationMs: 1 }) as Run;

/**
 * How a failed TS/JS test run is classified, and so how a mutant it fails on is killed: a check
 * (assertion) or the code blowing up (crash). The error shapes are the ones the grader's reporters
 * write (support/vitest-reporter.mjs, support/jest-reporter.cjs) for what vitest 4 and jest 29 throw.
 */
describe('TS kill attribution', () => {
  it.each([
    ['vitest toBe', { name: 'AssertionError', message: 'expected 95 to be 100 // Object.is equality', assertion: true }],
    ['vitest toThrow when nothing was thrown', { name: 'AssertionError', message: "expected [Function] to throw an error, but it didn't" }],
    ['vitest rejects on a promise that resolved', { name: 'AssertionError', message: 'promise resolved "5" instead of rejecting' }],
    ['vitest resolves on a promise that rejected', { name: 'AssertionError', message: 'promise rejected "RangeError: no" instead of resolving' }],
    ['jest toThrow when nothing was thrown (a matcherResult)', { name: 'JestAssertionError', message: 'expect(received).toThrow(expected)\n\nExpected constructor: RangeError\n\nReceived function did not throw', assertion: true }],
    // jest's `rejects` fails with a bare JestAssertionError (no matcherResult, no name): the reporter sees only its text
    ['jest rejects.toThrow on a promise that resolved', { name: 'Error', message: 'expect(received).rejects.toThrow()\n\nReceived promise resolved instead of rejected\nResolved to value: 5' }],
    ['jest resolves on a promise that rejected', { name: 'Error', message: 'expect(received).resolves.toBe()\n\nReceived promise rejected instead of resolved\nRejected to value: [RangeError: no]' }],
    ['node:assert.throws when nothing was thrown', { name: 'AssertionError', message: 'Missing expected exception (RangeError).' }],
    ['node:assert.rejects on a promise that resolved', { name: 'Error', message: 'Missing expected rejection (RangeError).' }],
  ])('%s is a check: a kill by assertion', (_, error) => {
    const r = run(error);
    expect([r.outcome, r.failureKind]).toEqual(['failed', 'assertion']);
    expect(killKind(r)).toBe('assertion');
  });

  it.each([
    ['a TypeError from the code', { name: 'TypeError', message: "Cannot read properties of undefined (reading 'total')" }],
    ['a RangeError the mutated code throws', { name: 'RangeError', message: 'a quantity cannot be negative' }],
    ['an Error whose text only mentions throwing', { name: 'Error', message: 'did not throw the dice' }],
  ])('%s is a crash', (_, error) => {
    const r = run(error);
    expect([r.outcome, r.failureKind]).toEqual(['error', 'error']);
    expect(killKind(r)).toBe('crash');
  });
});
