#!/usr/bin/env node
// The real-commit acceptance corpus (issue 12): `npm run corpus:real` after `npm run build`.
//
// For each commit in real-commits.json (metadata only: repo, sha, test file, test names), builds a
// case at run time from a local copy of the upstream repository, never storing its code here:
//   base = the commit's parent; head = the commit without its test change; candidate = the commit's
//   named tests (extracted into a file of their own), plus two weakened copies built from them:
//   assertions removed (expected: reject) and expected value replaced by the actual expression
//   (expected: reject). Each goes through `tfactory evaluate --no-llm`; a table of project, commit,
//   style, candidate, expected, got and reason is printed, and the results are written as JSON.
//
// Needs the network to GitHub (or local copies: --mirrors <dir> holding <owner>+<name>/repo, the
// layout of this machine's /work/.mirror), Docker with the runner images, and the registries the
// projects install from. Not run in CI. A JavaScript/TypeScript case's packages are installed once
// into its cached checkout with the project's package manager (as a developer's checkout has them;
// --no-install leaves that to TFactory's prepare step). Options: --only <project|sha prefix>,
// --variants original,no-assertions,expected-is-actual, --mirrors <dir>, --out <file.json>,
// --timeout <s>, --no-install.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildScriptVariant } from './ts-variants.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const CACHE = process.env.TFACTORY_CORPUS_CACHE ?? join(homedir(), '.cache', 'tfactory-corpus');
const VARIANTS = ['original', 'no-assertions', 'expected-is-actual'];
const EXPECTED = { original: 'accept', 'no-assertions': 'reject', 'expected-is-actual': 'reject' };

function parseArgs(argv) {
  const opts = { only: [], variants: VARIANTS, mirrors: process.env.TFACTORY_CORPUS_MIRRORS ?? '/work/.mirror', out: undefined, timeout: 1200, install: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--only') opts.only.push(...next().split(','));
    else if (a === '--variants') opts.variants = next().split(',');
    else if (a === '--mirrors') opts.mirrors = next();
    else if (a === '--out') opts.out = next();
    else if (a === '--timeout') opts.timeout = Number(next());
    else if (a === '--no-install') opts.install = false;
    else throw new Error(`unknown option ${a} (see the header of scripts/corpus/real-commits.mjs)`);
  }
  for (const v of opts.variants) if (!VARIANTS.includes(v)) throw new Error(`unknown variant ${v}: one of ${VARIANTS.join(', ')}`);
  return opts;
}

const IDENTITY = {
  GIT_AUTHOR_NAME: 'TFactory corpus', GIT_AUTHOR_EMAIL: 'corpus@tfactory.invalid', GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_NAME: 'TFactory corpus', GIT_COMMITTER_EMAIL: 'corpus@tfactory.invalid', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
  GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0',
};

function git(cwd, args, extraEnv = {}) {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...IDENTITY, ...extraEnv }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Where the upstream objects come from: a local copy when there is one, else a blobless clone from GitHub (cached). */
function upstreamSource(repo, mirrors) {
  const local = join(mirrors, repo.replace('/', '+'), 'repo');
  if (existsSync(local)) return local;
  const clone = join(CACHE, 'upstream', `${repo.replace('/', '+')}.git`);
  if (!existsSync(clone)) {
    mkdirSync(dirname(clone), { recursive: true });
    console.error(`corpus: cloning https://github.com/${repo}.git (once, into ${clone})`);
    git(CACHE, ['clone', '--quiet', '--bare', '--filter=blob:none', `https://github.com/${repo}.git`, clone]);
  }
  return clone;
}

/** The case repository: `base` = parent, `head` = the commit without its test change, checked out at head. */
function materialise(c, mirrors) {
  const dir = join(CACHE, 'cases', `${c.project}-${c.commit.slice(0, 10)}`);
  const ready = join(dir, '.git', 'tfcorpus-ready');
  if (existsSync(ready)) {
    git(dir, ['checkout', '--quiet', '--force', 'head']);
    git(dir, ['clean', '--quiet', '-fdx', '-e', 'node_modules']);
    return dir;
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '--quiet', '--initial-branch=main']);
  const source = upstreamSource(c.repo, mirrors);
  git(dir, ['fetch', '--quiet', '--no-tags', '--depth=2', `file://${resolve(source)}`, c.commit]);
  const parent = git(dir, ['rev-parse', `${c.commit}^`]).trim();
  const index = join(dir, '.git', 'tfcorpus-index');
  const env = { GIT_INDEX_FILE: index };
  git(dir, ['read-tree', c.commit], env);
  const before = git(dir, ['ls-tree', parent, '--', c.testFile]).trim();
  if (before) {
    const [mode, , sha] = before.split(/\s+/);
    git(dir, ['update-index', '--cacheinfo', `${mode},${sha},${c.testFile}`], env);
  } else {
    git(dir, ['update-index', '--force-remove', '--', c.testFile], env);
  }
  const tree = git(dir, ['write-tree'], env).trim();
  rmSync(index, { force: true });
  const head = git(dir, ['commit-tree', tree, '-p', parent, '-m', `${c.project} ${c.commit.slice(0, 10)} without its test change`]).trim();
  git(dir, ['update-ref', 'refs/heads/base', parent]);
  git(dir, ['update-ref', 'refs/heads/head', head]);
  git(dir, ['checkout', '--quiet', '--force', 'head']);
  writeFileSync(ready, `${new Date().toISOString()}\n`);
  return dir;
}

/** Where the candidate goes: beside the upstream test file, a name of its own the runners still collect. */
function candidatePath(c) {
  const dir = dirname(c.testFile);
  const file = basename(c.testFile);
  if (c.language === 'python') return join(dir, `${file.replace(/\.py$/, '')}_tfcorpus.py`);
  const m = /^(.*?)(\.(?:test|spec))?(\.[cm]?[jt]sx?)$/.exec(file);
  return join(dir, `${m?.[1] ?? file}.tfcorpus${m?.[2] ?? '.test'}${m?.[3] ?? extname(file)}`);
}

/** The candidate text of one variant, or undefined when the variant would change nothing. */
function buildVariant(c, dir, variant) {
  const upstream = git(dir, ['show', `${c.commit}:${c.testFile}`]);
  if (c.language === 'python') {
    try {
      return execFileSync('python3', [join(HERE, 'py-variants.py'), variant, ...c.tests], { input: upstream, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (err) {
      if (err.status === 3) return undefined;
      throw new Error(`py-variants.py ${variant} failed for ${c.project} ${c.commit.slice(0, 10)}: ${String(err.stderr).trim()}`, { cause: err });
    }
  }
  return buildScriptVariant(upstream, c.testFile, variant, c.tests);
}

/**
 * A JavaScript/TypeScript case's packages, installed once on this machine into the case's checkout
 * (a local run reuses the checkout's node_modules; see src/languages/typescript/grader.ts) with the
 * project's own package manager and lockfile, install scripts off. Returns why it failed, if it did.
 */
function installPackages(c, dir) {
  if (c.language === 'python') return undefined;
  const marker = join(dir, 'node_modules', '.tfcorpus-installed');
  if (existsSync(marker)) return undefined;
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const manager = typeof pkg.packageManager === 'string' ? pkg.packageManager.split('+')[0] : undefined;
  let cmd;
  if (existsSync(join(dir, 'pnpm-lock.yaml'))) cmd = ['npx', '--yes', manager?.startsWith('pnpm@') ? manager : 'pnpm@9', 'install', '--frozen-lockfile', '--ignore-scripts', '--config.confirmModulesPurge=false'];
  else if (existsSync(join(dir, 'package-lock.json'))) cmd = ['npm', 'ci', '--ignore-scripts', '--no-audit', '--no-fund'];
  else if (existsSync(join(dir, 'yarn.lock'))) cmd = ['npx', '--yes', manager?.startsWith('yarn@') ? manager : 'yarn@1', 'install', '--frozen-lockfile', '--ignore-scripts'];
  else return 'no lockfile to install from';
  console.error(`corpus: ${c.project} ${c.commit.slice(0, 10)}: ${cmd.join(' ')}`);
  try {
    execFileSync(cmd[0], cmd.slice(1), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' }, timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    return `${cmd.slice(0, 3).join(' ')} failed: ${String(err.stderr ?? err.message).trim().split('\n').slice(-1)[0]}`.slice(0, 300);
  }
  writeFileSync(marker, `${cmd.join(' ')}\n`);
  return undefined;
}

function runEvaluate(dir, rel, reportPath, timeoutS) {
  return new Promise((resolvePromise) => {
    const args = [join(ROOT, 'bin', 'tfactory.js'), 'evaluate', '--repo', dir, '--base', 'base', '--head', 'head', '--tests', rel, '--no-llm', '--format', 'json', '--out', reportPath];
    const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr = (stderr + d.toString('utf8')).slice(-8000); });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutS * 1000);
    const started = Date.now();
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stderr, seconds: Math.round((Date.now() - started) / 1000) });
    });
  });
}

const RANK = { accept: 0, flag: 1, reject: 2, error: 3 };

/** The candidate's outcome from the report: its tests' verdicts, the best one as "got", the main reasons. */
function summarise(reportPath, rel, run) {
  let report;
  try {
    report = JSON.parse(readFileSync(reportPath, 'utf8'));
  } catch {
    const line = run.stderr.trim().split('\n').filter((l) => !/^tfactory: (\w+ (started|done|skipped)|ingest|run [0-9a-f-]+$)/.test(l)).slice(-2).join(' | ');
    return { got: 'no verdict', reason: `${run.signal ? `killed (${run.signal}, timeout)` : `exit ${run.code}`}: ${line}`.slice(0, 300), tests: [] };
  }
  const tests = (report.tests ?? []).filter((t) => t.file === rel || t.file?.endsWith(`/${rel}`) || rel.endsWith(t.file ?? '\0'));
  if (tests.length === 0) return { got: 'no verdict', reason: `no test of ${rel} in the report; notes: ${(report.notes ?? []).join(' ')}`.slice(0, 300), tests: [] };
  const counts = {};
  for (const t of tests) counts[t.verdict] = (counts[t.verdict] ?? 0) + 1;
  const got = [...tests].sort((a, b) => RANK[a.verdict] - RANK[b.verdict])[0].verdict;
  const worst = tests.filter((t) => t.verdict === got)[0];
  const reasons = [...new Set(tests.filter((t) => t.verdict === got).flatMap((t) => (t.reasons ?? []).map((r) => r.code)))].join(',');
  const detail = (worst?.reasons ?? [])[0]?.message ?? (worst?.reasons ?? [])[0]?.text ?? '';
  const mix = Object.entries(counts).map(([v, n]) => `${n} ${v}`).join(', ');
  return { got, all: counts, reason: `${mix}; ${reasons}${detail ? `: ${detail}` : ''}`.slice(0, 300), tests: tests.map((t) => ({ name: t.name, verdict: t.verdict, reasons: t.reasons })) };
}

/** A candidate is right when: expected accept → at least one of its tests accepted; expected reject → every test rejected. */
function isRight(expected, outcome) {
  if (expected === 'accept') return outcome.got === 'accept';
  return outcome.tests.length > 0 && outcome.tests.every((t) => t.verdict === 'reject');
}

function printTable(rows) {
  const head = ['project', 'commit', 'style', 'candidate', 'expected', 'got', 'ok', 'reason'];
  const cells = rows.map((r) => [r.project, r.commit.slice(0, 10), r.style, r.variant, r.expected, r.got, r.right ? 'yes' : 'NO', r.reason]);
  const widths = head.map((h, i) => Math.min(i === 7 ? 120 : 40, Math.max(h.length, ...cells.map((c) => String(c[i]).length))));
  const line = (c) => `| ${c.map((x, i) => String(x).replace(/\|/g, '/').slice(0, widths[i]).padEnd(widths[i])).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(line(c));
  const right = rows.filter((r) => r.right).length;
  console.log(`\n${right} of ${rows.length} candidates right (${new Set(rows.map((r) => r.commit)).size} commits, ${new Set(rows.map((r) => r.project)).size} projects)`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const { cases } = JSON.parse(readFileSync(join(HERE, 'real-commits.json'), 'utf8'));
  const chosen = cases.filter((c) => opts.only.length === 0 || opts.only.some((o) => c.project === o || c.commit.startsWith(o)));
  const rows = [];
  mkdirSync(join(CACHE, 'reports'), { recursive: true });
  for (const c of chosen) {
    let dir;
    try {
      dir = materialise(c, opts.mirrors);
    } catch (err) {
      for (const variant of opts.variants) rows.push({ ...c, variant, expected: EXPECTED[variant], got: 'not built', right: false, reason: String(err.message ?? err).split('\n')[0].slice(0, 300) });
      continue;
    }
    const installFailed = opts.install ? installPackages(c, dir) : undefined;
    if (installFailed) console.error(`corpus: ${c.project} ${c.commit.slice(0, 10)}: ${installFailed} (graded all the same: TFactory's own prepare step then runs)`);
    const rel = candidatePath(c);
    for (const variant of opts.variants) {
      const text = buildVariant(c, dir, variant);
      if (text === undefined) {
        console.error(`corpus: ${c.project} ${c.commit.slice(0, 10)} ${variant}: nothing to weaken, left out`);
        continue;
      }
      writeFileSync(join(dir, rel), text);
      const reportPath = join(CACHE, 'reports', `${c.project}-${c.commit.slice(0, 10)}-${variant}.json`);
      rmSync(reportPath, { force: true });
      console.error(`corpus: ${c.project} ${c.commit.slice(0, 10)} ${variant} …`);
      const run = await runEvaluate(dir, rel, reportPath, opts.timeout);
      const outcome = summarise(reportPath, rel, run);
      rmSync(join(dir, rel), { force: true });
      const expected = EXPECTED[variant];
      const row = { project: c.project, repo: c.repo, commit: c.commit, style: c.style, variant, expected, ...outcome, right: isRight(expected, outcome), seconds: run.seconds, report: reportPath, ...(installFailed ? { installFailed } : {}) };
      console.error(`corpus:   → ${row.got} (${row.right ? 'right' : 'WRONG'}) in ${run.seconds}s`);
      rows.push(row);
    }
  }
  printTable(rows);
  const out = opts.out ?? join(CACHE, `results-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, `${JSON.stringify(rows, null, 2)}\n`);
  console.log(`results: ${out}`);
}

main().catch((err) => {
  console.error(`corpus:real: ${err instanceof Error ? err.message : String(err)}`);
  console.error('fix: see the header of scripts/corpus/real-commits.mjs (network or --mirrors, Docker, npm run build)');
  process.exitCode = 1;
});
