// node:test (`node --test`) behind the grader's runner interface, for projects whose test script
// runs node's own test runner. The runner's process loads our reporter (support/node-test-reporter.mjs,
// the same signed lines as the other runners); every test file runs in a child process of its own,
// where our setup file (support/node-test-setup.mjs, --import) switches the mutant and records hits
// plus start/end markers (node reports a file's tests when its process ends, so a killed run is
// resolved from the markers and reruns, as with jest). The script's own loader flags (--import tsx,
// --require …, --experimental-…) are kept. Node 20 matches --test-name-pattern against a test's own
// name, later versions against the full one: the pattern accepts both, and tests of the same name
// elsewhere that run too are ignored.
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess } from '../proc.mjs';
import { escapeRegex, failureOf, readEvents } from './common.mjs';

/** Whether a package.json test script runs node's test runner. */
export function runsNodeTest(script) {
  return /\bnode\b[^&|;]*\s--test\b/.test(script ?? '');
}

const VALUE_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader', '--conditions', '-C']);
const PLAIN_FLAG = /^--(experimental-[\w-]+|enable-source-maps|no-warnings|disable-warning=[\w-]+|conditions=[\w-]+|import=\S+|require=\S+|loader=\S+|experimental-loader=\S+)$/;

/** The node flags of the test script that shape how test files load (loaders, conditions), not --test*. */
export function loaderFlags(script) {
  const tokens = (/\bnode\b([^&|;]*)/.exec(script ?? '')?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
  const out = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i];
    if (VALUE_FLAGS.has(t) && tokens[i + 1]) out.push(t, tokens[(i += 1)].replace(/^['"]|['"]$/g, ''));
    else if (PLAIN_FLAG.test(t)) out.push(t.replace(/=(['"])(.*)\1$/, '=$2'));
  }
  return out;
}

function readLines(path) {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).flatMap((l) => {
    try {
      return [JSON.parse(l)];
    } catch {
      return [];
    }
  });
}

/** A node:test runner for one project folder (in a writable copy). */
export function createNodeTestRunner({ projectDir, supportDir, ioDir }) {
  let counter = 0;
  let script = '';
  try {
    script = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8')).scripts?.test ?? '';
  } catch {
    script = '';
  }
  const own = join(projectDir, '.tfactory');
  const label = `node --test (node ${process.versions.node})`;

  return {
    name: 'node:test',
    version: process.versions.node,
    available: () => runsNodeTest(script),
    /** t.fullName (node >= 20.16) names a test for its hits; before it, nested tests could not be told apart. */
    unsupported: () => {
      const [major, minor] = process.versions.node.split('.').map(Number);
      return major > 20 || (major === 20 && minor >= 16) ? undefined : `node:test on node ${process.versions.node} is not supported (node 20.16 or later is): the runner image's node is too old`;
    },
    prepare() {
      mkdirSync(own, { recursive: true });
      copyFileSync(join(supportDir, 'node-test-setup.mjs'), join(own, 'node-test-setup.mjs'));
      copyFileSync(join(supportDir, 'node-test-reporter.mjs'), join(own, 'node-test-reporter.mjs'));
    },
    async run(spec) {
      counter += 1;
      mkdirSync(ioDir, { recursive: true });
      const events = join(ioDir, `node-test-${counter}.events.jsonl`);
      const hits = join(ioDir, `node-test-${counter}.hits.jsonl`);
      // The reporter's signing key: read and deleted by the reporter as node loads it, before any test file runs.
      const key = randomBytes(32).toString('hex');
      writeFileSync(`${events}.key`, key, { mode: 0o600 });
      const args = [
        ...loaderFlags(script), '--import', join(own, 'node-test-setup.mjs'), '--test', `--test-timeout=${spec.testTimeoutMs}`,
        '--test-reporter', join(own, 'node-test-reporter.mjs'), '--test-reporter-destination', 'stdout',
      ];
      if (spec.tests && spec.tests.length > 0) {
        const leaves = [...new Set(spec.tests.map((t) => t.names[t.names.length - 1]))];
        args.push('--test-name-pattern', `(?:^| )(?:${leaves.map(escapeRegex).join('|')})$`);
      }
      args.push(...spec.files);
      const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', TF_EVENTS: events, TF_HITS: hits, TFACTORY_MUTANT: spec.mutant ?? '' };
      delete env.NODE_TEST_CONTEXT;
      const proc = await runProcess({ cmd: process.execPath, args, cwd: projectDir, env, deadlineMs: spec.deadlineMs, stallMs: spec.stallMs, watchFile: hits, resultFile: events });
      rmSync(`${events}.key`, { force: true });
      const signed = readEvents(events, undefined, key);
      const failure = failureOf(label, proc, signed.finished);
      const lines = readLines(hits);
      const named = (s) => ({ file: s.file, name: s.name, names: s.name.split(' > ') });
      const ended = new Set(lines.filter((s) => s.ev === 'end').map((s) => `${s.file}::${s.name}`));
      const started = lines.filter((s) => s.ev === 'start');
      // A test that never yields (a synchronous loop) cannot time out in its own process: node's runner
      // times the whole file out instead. The test that started and never ended there is the one.
      const results = signed.results.slice();
      const moduleErrors = signed.moduleErrors.filter((m) => {
        if (!/timed out/.test(m.errors[0]?.message ?? '')) return true;
        const hung = started.filter((s) => s.file === m.file && !ended.has(`${s.file}::${s.name}`) && !results.some((r) => r.file === s.file && r.name === s.name));
        for (const s of hung) {
          results.push({ ...named(s), ev: 'result', state: 'failed', errors: [{ name: 'Error', message: `test timed out after ${spec.testTimeoutMs}ms (it never yielded: node's runner stopped its file)`, assertion: false }], durationMs: spec.testTimeoutMs });
        }
        return hung.length === 0;
      });
      return {
        ...(failure ? { failure } : {}),
        collected: [...signed.collected, ...started.map(named)],
        ready: started.filter((s) => !ended.has(`${s.file}::${s.name}`)).map(named),
        results, moduleErrors, finished: signed.finished, unhandled: [], forged: signed.forged, shrunk: proc.shrunk,
        hits: lines.filter((s) => s.ev === 'hits').map((s) => ({ ...named(s), hits: s.hits })),
        killedBy: proc.killedBy, wallMs: proc.wallMs, exitCode: proc.exitCode, signal: proc.signal, outputBytes: proc.outputBytes, stderr: proc.stderr.slice(-4000),
      };
    },
  };
}
