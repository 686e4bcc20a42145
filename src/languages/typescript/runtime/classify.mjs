// Turning one runner result into the contract's GradedRun, and a failed run into a kill kind.
import { OUTPUT_LIMIT_BYTES, RESOURCE_PREFIX } from './guard.mjs';
const TIMEOUT = /\b(test timed out|exceeded timeout|timeout of \d+ ?ms|timed out in \d+ ?ms)/i;
const IMPORT = /cannot find (module|package)|failed to (load|resolve|import)|does not provide an export|is not exported|SyntaxError|ERR_MODULE_NOT_FOUND|Transform failed/i;

// A throw or promise matcher that failed because the code did NOT throw (or the promise settled the
// other way) is a check on the code's behaviour, whatever the runner names the error: jest's
// `rejects` on a resolved promise throws a plain Error without a matcherResult, vitest an AssertionError.
const THROW_CHECK = /Received function did not throw|Received promise (?:resolved instead of rejected|rejected instead of resolved)|expected (?:\[Function[^\]]*\]|function) to throw|to throw an error, but it didn't|promise (?:resolved .* instead of rejecting|rejected .* instead of resolving)|Missing expected (?:exception|rejection)/;

export function isAssertionError(e) {
  if (!e) return false;
  return Boolean(e.assertion || e.name === 'AssertionError' || e.name === 'JestAssertionError' || /^AssertionError/.test(e.name ?? '') || THROW_CHECK.test(e.message ?? ''));
}

/** A GradedRun for a result { state, errors, durationMs }. */
export function toRun(result) {
  const durationMs = Math.max(0, Math.round(result.durationMs ?? 0));
  if ((result.outputBytes ?? 0) > OUTPUT_LIMIT_BYTES) {
    const mb = (n) => Math.floor(n / (1024 * 1024));
    return { outcome: 'error', failureKind: 'error', message: `${RESOURCE_PREFIX}output limit: it printed ${mb(result.outputBytes)} MB (the limit is ${mb(OUTPUT_LIMIT_BYTES)} MB)`, durationMs };
  }
  if (result.state === 'passed') return { outcome: 'passed', durationMs };
  if (result.state === 'skipped' || result.state === 'pending' || result.state === 'todo') return { outcome: 'skipped', durationMs };
  const err = (result.errors ?? [])[0];
  // The setup files' integrity check (support/*-setup.*): a test that spells this name only rejects itself.
  if (err?.name === 'TfactoryIntegrityError') return { outcome: 'error', failureKind: 'error', message: `tampers with the grader: ${err.message ?? ''}`.slice(0, 1000), durationMs };
  const message = err ? `${err.name ?? 'Error'}: ${err.message ?? ''}`.slice(0, 1000) : 'failed without an error';
  if (err && TIMEOUT.test(err.message ?? '')) return { outcome: 'timeout', failureKind: 'timeout', message, durationMs };
  if (isAssertionError(err)) return { outcome: 'failed', failureKind: 'assertion', message, durationMs };
  return { outcome: 'error', failureKind: 'error', message, durationMs };
}

/** The run of a test that never started because its file failed to load or to collect. */
export function moduleErrorRun(errors) {
  const first = errors[0] ?? { message: 'the test file failed to load' };
  // run-tests.mjs isolate(): loading the file exhausted a resource or changed the grader (the message says which).
  if (first.verdict) return { outcome: 'error', failureKind: 'error', message: String(first.message).slice(0, 1000), durationMs: 0 };
  const message = `${first.name ?? 'Error'}: ${first.message ?? ''}`.slice(0, 1000);
  return { outcome: 'error', failureKind: IMPORT.test(message) ? 'import' : 'collection', message, durationMs: 0 };
}

export function timeoutRun(durationMs, why) {
  return { outcome: 'timeout', failureKind: 'timeout', message: `killed by the grader after ${durationMs} ms (${why})`, durationMs };
}

/** Whether a test's run against a mutant kills it: any end but passed or skipped. */
export const isKill = (run) => Boolean(run) && run.outcome !== 'passed' && run.outcome !== 'skipped';

/** How a mutant was killed, from the test's failed run. */
export function killKind(run) {
  if (run.outcome === 'timeout') return 'timeout';
  return run.failureKind === 'assertion' ? 'assertion' : 'crash';
}
