// What the runners share: locating a package from a project folder, the anchored test-name regex,
// and reading the event/hit JSON-lines files into one normalised shape.
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

export function escapeRegex(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A regex source matching exactly these full test names (names joined by one space). */
export function testNamePattern(fullNames) {
  return `^(?:${[...new Set(fullNames)].map(escapeRegex).join('|')})$`;
}

function readLines(path) {
  if (!existsSync(path)) return [];
  const out = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // a line cut by a kill: ignore it
    }
  }
  return out;
}

/**
 * Normalised invocation output: collected/ready/results keyed by absolute file and full name
 * (' > ' joined), module-level errors, unhandled errors and per-test probe hits.
 */
export function readEvents(eventsPath, hitsPath) {
  const events = readLines(eventsPath);
  return {
    collected: events.filter((e) => e.ev === 'collected'),
    ready: events.filter((e) => e.ev === 'ready'),
    results: events.filter((e) => e.ev === 'result'),
    moduleErrors: events.filter((e) => e.ev === 'moduleEnd' && e.errors.length > 0).map((e) => ({ file: e.file, errors: e.errors })),
    finished: events.some((e) => e.ev === 'runEnd'),
    unhandled: events.filter((e) => e.ev === 'runEnd').flatMap((e) => e.unhandled),
    hits: readLines(hitsPath),
  };
}
