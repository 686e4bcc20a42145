// node:test reporter of the TFactory grader: the same signed JSON lines as support/vitest-reporter.mjs,
// appended to $TF_EVENTS: `<json>\t<hmac>` with a per-invocation key the grader wrote to
// `$TF_EVENTS.key`, read and deleted when node loads its reporters, before any test file runs.
// It lives in the runner's process; `node --test` runs every test file in a child process, so a
// test cannot sign a line. It prints nothing (the grader reads only its event file).
import { createHmac } from 'node:crypto';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const out = process.env.TF_EVENTS;
const key = (() => {
  if (!out) return '';
  try {
    return readFileSync(`${out}.key`, 'utf8').trim();
  } catch {
    return '';
  } finally {
    rmSync(`${out}.key`, { force: true });
  }
})();
const write = (o) => {
  if (!out) return;
  const json = JSON.stringify(o);
  appendFileSync(out, `${json}\t${createHmac('sha256', key).update(json).digest('hex')}\n`);
};
// node wraps what a test threw in ERR_TEST_FAILURE (`cause`: the error itself); a timeout is its own failure type.
const error = (e) => {
  const cause = e?.failureType === 'testTimeoutFailure' ? e : (e?.cause ?? e);
  const name = cause?.name ?? 'Error';
  return {
    name,
    message: String(cause?.message ?? cause ?? 'failed').slice(0, 2000),
    assertion: Boolean(cause && (name === 'AssertionError' || cause.code === 'ERR_ASSERTION' || cause.matcherResult)),
  };
};

export default async function* tfactoryNodeTestReporter(source) {
  const stacks = new Map();
  const failedFiles = new Set();
  for await (const event of source) {
    const d = event.data ?? {};
    if (!d.file) continue;
    const file = resolve(d.file);
    const nesting = d.nesting ?? 0;
    if (event.type === 'test:start') {
      const stack = stacks.get(file) ?? [];
      stack.length = nesting;
      stack[nesting] = d.name;
      stacks.set(file, stack);
      continue;
    }
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (nesting === 0 && resolve(String(d.name)) === file) {
      // the file itself (its process): a failure here is the file failing to load or run
      if (event.type === 'test:fail') {
        failedFiles.add(file);
        write({ ev: 'moduleEnd', file, state: 'failed', errors: [error(d.details?.error)] });
      }
      continue;
    }
    if (d.details?.type === 'suite') continue;
    const names = [...(stacks.get(file) ?? []).slice(0, nesting), d.name];
    const name = names.join(' > ');
    const state = d.skip !== undefined || d.todo !== undefined ? 'skipped' : event.type === 'test:pass' ? 'passed' : 'failed';
    write({ ev: 'collected', file, name, names });
    write({
      ev: 'result', file, name, names, state,
      errors: state === 'failed' ? [error(d.details?.error)] : [], durationMs: Math.round(d.details?.duration_ms ?? 0),
    });
  }
  write({ ev: 'runEnd', reason: 'done', unhandled: [] });
  yield '';
}
