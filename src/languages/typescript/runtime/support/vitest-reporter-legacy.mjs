// Vitest reporter of the TFactory grader for vitest 1 and 2, whose reporter API is task based
// (onCollected / onTaskUpdate / onFinished; the TestCase API of support/vitest-reporter.mjs came in
// vitest 3). It writes exactly the same signed JSON lines as that reporter: `<json>\t<hmac>` with a
// per-invocation key the grader wrote to `$TF_EVENTS.key`, read and deleted when vitest loads this
// module, before any test file runs. It lives in vitest's main process; the generated config forces
// the `forks` pool, so the tests run in child processes and cannot sign a line.
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
const STATE = { pass: 'passed', fail: 'failed', skip: 'skipped', todo: 'skipped' };
const isTest = (t) => t && (t.type === 'test' || t.type === 'custom');
// The file task has a filepath; suites and tests point at it through `file` (v2) or `suite` chains.
const isFile = (t) => Boolean(t && t.filepath);
const fileOf = (t) => {
  let p = t;
  while (p && !isFile(p)) p = p.file && p.file !== p ? p.file : p.suite;
  return p;
};
const names = (t) => {
  const n = [t.name];
  // vitest 1 puts a file's top-level tests in an unnamed suite: it is not part of their names
  for (let p = t.suite; p && !isFile(p); p = p.suite) if (p.name) n.unshift(p.name);
  return n;
};
const testsOf = (task) => (isTest(task) ? [task] : (task?.tasks ?? []).flatMap(testsOf));

export default class TfactoryLegacyReporter {
  ctx = undefined;
  collected = new Set();
  ready = new Set();
  done = new Set();
  printed = new Map();

  onInit(ctx) {
    this.ctx = ctx;
  }

  onUserConsoleLog(log) {
    if (log?.taskId) this.printed.set(log.taskId, (this.printed.get(log.taskId) ?? 0) + String(log.content ?? '').length);
  }

  collect(test) {
    if (this.collected.has(test.id)) return;
    this.collected.add(test.id);
    const n = names(test);
    write({ ev: 'collected', file: fileOf(test)?.filepath, name: n.join(' > '), names: n });
  }

  finish(test) {
    const state = STATE[test.result?.state];
    if (!state || this.done.has(test.id)) return;
    this.collect(test);
    this.done.add(test.id);
    const n = names(test);
    write({
      ev: 'result', file: fileOf(test)?.filepath, name: n.join(' > '), names: n, state,
      errors: (test.result?.errors ?? []).map(error), durationMs: Math.round(test.result?.duration ?? 0), outputBytes: this.printed.get(test.id) ?? 0,
    });
  }

  onCollected(files) {
    for (const f of files ?? []) for (const t of testsOf(f)) this.collect(t);
  }

  onTaskUpdate(packs) {
    for (const [id, result] of packs ?? []) {
      const task = this.ctx?.state?.idMap?.get(id);
      if (!isTest(task)) continue;
      if (result?.state === 'run' && !this.ready.has(id)) {
        this.collect(task);
        this.ready.add(id);
        const n = names(task);
        write({ ev: 'ready', file: fileOf(task)?.filepath, name: n.join(' > ') });
      } else if (result && STATE[result.state]) {
        this.finish({ ...task, result });
      }
    }
  }

  onFinished(files, errors) {
    for (const f of files ?? []) {
      for (const t of testsOf(f)) this.finish(t);
      const errs = f.result?.errors ?? [];
      write({ ev: 'moduleEnd', file: f.filepath, state: f.result?.state === 'fail' ? 'failed' : 'passed', errors: errs.map(error) });
    }
    write({ ev: 'runEnd', reason: 'done', unhandled: (errors ?? []).map(error) });
  }
}
