// What the runners share: locating a package from a project folder, the anchored test-name regex,
// and reading the event/hit JSON-lines files into one normalised shape.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The folder of `pkg` as node would find it from `projectDir` (walking up node_modules). */
export function findPackageDir(projectDir, pkg) {
  for (let dir = projectDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', pkg);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The `version` of the package installed in `pkgDir` ('' when unreadable). */
export function packageVersion(pkgDir) {
  try {
    const v = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
    return typeof v === 'string' ? v : '';
  } catch {
    return '';
  }
}

/** The major version of `version` ('0.34.6' → 0), NaN when it has none. */
export function majorOf(version) {
  return Number.parseInt(String(version).split('.')[0] ?? '', 10);
}

/**
 * Why `runner` (e.g. 'vitest') at `version` cannot be used, in plain words, or undefined when
 * `supported` (e.g. [1, 4]) holds its major version.
 */
export function unsupportedReason(runner, version, [low, high], hint) {
  const major = majorOf(version);
  if (Number.isFinite(major) && major >= low && major <= high) return undefined;
  const range = low === high ? `${low}` : `${low}–${high}`;
  const shown = version ? `${runner} ${version.split('.').slice(0, 2).join('.')}` : `this ${runner} (its version could not be read)`;
  return `${shown} is not supported (${range} ${low === high ? 'is' : 'are'}): ${hint}`;
}

/** The last `max` characters of `text`, cut at a line start when one is near. */
function tail(text, max = 1500) {
  const t = String(text ?? '').trim();
  if (t.length <= max) return t;
  const cut = t.slice(-max);
  const nl = cut.indexOf('\n');
  return nl >= 0 && nl < 200 ? cut.slice(nl + 1) : cut;
}

/**
 * The diagnostics of an invocation that ended without reporting its end (the runner crashed or
 * refused its configuration before or while running the tests), or undefined when it finished:
 * the runner and its version, the exit code or signal and the tail of its stderr (stdout when
 * stderr is empty). The grader puts it in its errors, so the report says why no test has a result.
 */
export function failureOf(label, proc, finished) {
  if (finished || proc.killedBy) return undefined;
  const how = proc.signal ? `was killed by ${proc.signal}` : `exited with code ${proc.exitCode ?? 'unknown'}`;
  const output = tail(proc.stderr) || tail(proc.stdout);
  return `${label} ${how} before reporting the end of its run${output ? `; its last output: ${output}` : ' and printed nothing'}`;
}

export function escapeRegex(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A regex source matching exactly these full test names (names joined by one space). */
export function testNamePattern(fullNames) {
  return `^(?:${[...new Set(fullNames)].map(escapeRegex).join('|')})$`;
}

/** Whether `json` carries the reporter's HMAC (support/vitest-reporter.mjs) under `key`. */
function signed(json, mac, key) {
  const want = createHmac('sha256', key).update(json).digest();
  const got = Buffer.from(mac ?? '', 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

/** JSON lines of `path`; with `key`, only the lines signed with it (`forged` counts the others). */
function readLines(path, key) {
  const out = [];
  let forged = 0;
  if (!existsSync(path)) return { lines: out, forged };
  const all = readFileSync(path, 'utf8').split('\n');
  const cut = all.pop() ?? ''; // the text after the last newline: '' or a line cut by a kill
  for (const line of key === undefined && cut ? [...all, cut] : all) {
    if (!line.trim()) continue;
    let json = line;
    if (key !== undefined) {
      const tab = line.lastIndexOf('\t');
      json = tab < 0 ? line : line.slice(0, tab);
      if (tab < 0 || !signed(json, line.slice(tab + 1), key)) {
        forged += 1;
        continue;
      }
    }
    try {
      out.push(JSON.parse(json));
    } catch {
      // a line cut by a kill: ignore it
    }
  }
  return { lines: out, forged };
}

/**
 * Normalised invocation output: collected/ready/results keyed by absolute file and full name
 * (' > ' joined), module-level errors, unhandled errors and per-test probe hits. With `key`, event
 * lines not signed with it are dropped and counted in `forged` (a last line cut by a kill is dropped, not counted).
 */
export function readEvents(eventsPath, hitsPath, key) {
  const { lines: events, forged } = readLines(eventsPath, key);
  return {
    forged,
    collected: events.filter((e) => e.ev === 'collected'),
    ready: events.filter((e) => e.ev === 'ready'),
    results: events.filter((e) => e.ev === 'result'),
    moduleErrors: events.filter((e) => e.ev === 'moduleEnd' && e.errors.length > 0).map((e) => ({ file: e.file, errors: e.errors })),
    finished: events.some((e) => e.ev === 'runEnd'),
    unhandled: events.filter((e) => e.ev === 'runEnd').flatMap((e) => e.unhandled),
    hits: readLines(hitsPath).lines,
  };
}
