// Jest reporter of the TFactory grader: the same signed JSON lines as support/vitest-reporter.mjs,
// appended to $TF_EVENTS: `<json>\t<hmac>` with a per-invocation key the grader wrote to
// `$TF_EVENTS.key`, read and deleted when jest creates its reporters, before any test runs. The
// reporter lives in jest's main process; the tests run in jest's workers (the generated config
// forces workers), so a test cannot sign a line, and jest's own --json file is not used.
/* eslint-disable @typescript-eslint/no-require-imports */
/* global require, module */
const { createHmac } = require('node:crypto');
const { appendFileSync, readFileSync, rmSync } = require('node:fs');

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const STATE = { passed: 'passed', failed: 'failed', pending: 'skipped', todo: 'skipped', skipped: 'skipped', disabled: 'skipped', focused: 'passed' };

function errorOf(messages, details) {
  const d = (details ?? [])[0];
  const text = (messages ?? []).join('\n').replace(ANSI, '');
  const name = d && d.matcherResult ? 'JestAssertionError' : ((d && d.name) || (/^(\w*Error)\b/.exec(text) ?? [])[1] || 'Error');
  return { name, message: text.slice(0, 2000), assertion: Boolean(d && d.matcherResult) || /AssertionError/.test(name) };
}

class TfactoryJestReporter {
  constructor() {
    this.out = process.env.TF_EVENTS;
    this.key = '';
    if (!this.out) return;
    try {
      this.key = readFileSync(`${this.out}.key`, 'utf8').trim();
    } catch {
      this.key = '';
    } finally {
      rmSync(`${this.out}.key`, { force: true });
    }
  }

  write(o) {
    if (!this.out) return;
    const json = JSON.stringify(o);
    appendFileSync(this.out, `${json}\t${createHmac('sha256', this.key).update(json).digest('hex')}\n`);
  }

  onTestResult(test, result) {
    const file = result.testFilePath ?? test.path;
    for (const a of result.testResults ?? []) {
      const names = [...(a.ancestorTitles ?? []), a.title];
      this.write({ ev: 'collected', file, name: names.join(' > '), names });
      this.write({
        ev: 'result', file, name: names.join(' > '), names, state: STATE[a.status] ?? 'failed',
        errors: a.status === 'failed' ? [errorOf(a.failureMessages, a.failureDetails)] : [], durationMs: a.duration ?? 0,
      });
    }
    const failed = result.testExecError || ((result.testResults ?? []).length === 0 && result.failureMessage);
    const errors = failed ? [errorOf([result.testExecError?.message ?? result.failureMessage ?? 'test suite failed to run'])] : [];
    this.write({ ev: 'moduleEnd', file, state: failed ? 'failed' : 'passed', errors });
  }

  onRunComplete() {
    this.write({ ev: 'runEnd', reason: 'done', unhandled: [] });
  }

  getLastError() {
    return undefined;
  }
}

module.exports = TfactoryJestReporter;
