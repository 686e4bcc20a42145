// Vitest reporter of the TFactory grader: streams collection, start and result of every test as
// JSON lines to $TF_EVENTS (synchronously, so a killed run keeps what finished).
// Every line is authenticated: `<json>\t<hmac>` with a per-invocation key the grader wrote to
// `$TF_EVENTS.key`, which this module reads and deletes when vitest loads it, before any test file
// runs. The reporter lives in vitest's main process and the tests in its workers, so a test that
// appends its own "result" lines to the events file cannot sign them (runners/common.mjs drops them).
import { createHmac } from 'node:crypto';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';

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
const error = (e) => ({
  name: e?.name ?? 'Error',
  message: String(e?.message ?? e).slice(0, 2000),
  assertion: Boolean(e && (e.name === 'AssertionError' || e.code === 'ERR_ASSERTION' || e.matcherResult || 'expected' in e || 'actual' in e)),
});
const names = (t) => {
  const n = [t.name];
  for (let p = t.parent; p && p.type === 'suite'; p = p.parent) n.unshift(p.name);
  return n;
};

/**
 * The reporter over `emit` (one event object per call, written and signed by the caller): here
 * vitest's main process in a cold run, with `write` below; the warm vitest (runners/vitest-warm-host.mjs)
 * gives its own per-run sink, so both write the very same events.
 */
export function reporterOver(emit) {
  return class TfactoryReporter {
    /** Bytes each test printed (console and process.stdout/stderr, as vitest relays them), by task id. */
    printed = new Map();

    onUserConsoleLog(log) {
      if (log?.taskId) this.printed.set(log.taskId, (this.printed.get(log.taskId) ?? 0) + String(log.content ?? '').length);
    }

    onTestModuleCollected(m) {
      for (const t of m.children.allTests()) emit({ ev: 'collected', file: m.moduleId, name: t.fullName, names: names(t) });
    }

    onTestCaseReady(t) {
      emit({ ev: 'ready', file: t.module.moduleId, name: t.fullName });
    }

    onTestCaseResult(t) {
      const r = t.result();
      emit({
        ev: 'result', file: t.module.moduleId, name: t.fullName, names: names(t), state: r.state,
        errors: (r.errors ?? []).map(error), durationMs: Math.round(t.diagnostic()?.duration ?? 0), outputBytes: this.printed.get(t.id) ?? 0,
      });
    }

    onTestModuleEnd(m) {
      emit({ ev: 'moduleEnd', file: m.moduleId, state: m.state(), errors: m.errors().map(error) });
    }

    onTestRunEnd(_modules, unhandled, reason) {
      emit({ ev: 'runEnd', reason, unhandled: (unhandled ?? []).map(error) });
    }
  };
}

export default reporterOver(write);
