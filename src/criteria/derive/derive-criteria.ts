import { createHash } from 'node:crypto';
import type { AcceptanceCriterion, DerivedSource, SpecSnapshot } from '../types.js';
import { readStatements, readTitle } from './statements.js';

/** Criteria of a derived list, and per source. */
export const DERIVE_LIMITS = { total: 12, prBody: 6, issueBody: 3, commits: 8, commitsRead: 50 } as const;

/** What a PR (or a local change) says about itself, as read: every text is untrusted. */
export interface DerivationInput {
  /** The PR (number unknown: `tfactory spec show --title/--body`). */
  pr?: { number?: number; title?: string; body?: string };
  /** Linked issues that could be read, in the order they were named. */
  issues: Array<{ ref: string; title?: string; body?: string }>;
  /** Commits base..head, oldest first. */
  commits: Array<{ sha: string; message: string }>;
  commitSha?: string;
  /** Notes for the reader: issues that could not be read, why no spec was found, … */
  warnings?: string[];
}

interface Collected {
  text: string;
  path: string;
  line: number;
  source: DerivedSource;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `no spec: criteria derived from the PR title and description, #12, 3 commit messages` (the sources that gave a criterion). */
export function describeSources(sources: DerivedSource[]): string {
  const used = sources.filter((s) => s.criteria > 0);
  const title = used.some((s) => s.kind === 'pr-title');
  const body = used.some((s) => s.kind === 'pr-body');
  const parts: string[] = [];
  if (title || body) parts.push(title && body ? 'the PR title and description' : title ? 'the PR title' : 'the PR description');
  parts.push(...used.filter((s) => s.kind === 'issue').map((s) => s.ref));
  const commits = used.filter((s) => s.kind === 'commit').length;
  if (commits > 0) parts.push(plural(commits, 'commit message', 'commit messages'));
  return `no spec: criteria derived from ${parts.length > 0 ? parts.join(', ') : 'the diff alone (no title, description, linked issue or commit message said what the change is for)'}`;
}

/**
 * Acceptance criteria for a change that has no spec, read deterministically from what its author
 * wrote: the PR title, the statements of its description (list items, paragraphs), each linked
 * issue's title and first statements, and the commit subjects; repeats are dropped and the list is
 * capped. The planner reads them beside the diff, fenced as untrusted text; the ledger counts them.
 */
export function deriveCriteria(input: DerivationInput): SpecSnapshot {
  const found: Collected[] = [];
  const sources: DerivedSource[] = [];
  const seen = new Set<string>();
  const add = (source: DerivedSource, items: Array<{ text: string; line: number; path: string }>, cap: number): void => {
    sources.push(source);
    for (const item of items) {
      if (found.length >= DERIVE_LIMITS.total || source.criteria >= cap) break;
      const key = item.text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
      if (!key || seen.has(key)) continue;
      seen.add(key);
      found.push({ text: item.text, path: item.path, line: item.line, source });
      source.criteria++;
    }
  };
  const pr = input.pr;
  if (pr) {
    const title = readTitle(pr.title);
    const path = pr.number === undefined ? 'PR' : `PR #${pr.number}`;
    if (pr.title !== undefined) add({ kind: 'pr-title', ref: `${path} title`, criteria: 0 }, title ? [{ text: title, line: 1, path: `${path} title` }] : [], 1);
    if (pr.body !== undefined) add({ kind: 'pr-body', ref: `${path} description`, criteria: 0 }, readStatements(pr.body, DERIVE_LIMITS.prBody).map((s) => ({ ...s, path: `${path} description` })), DERIVE_LIMITS.prBody);
  }
  for (const issue of input.issues) {
    const title = readTitle(issue.title);
    const items = [
      ...(title ? [{ text: title, line: 1, path: `issue ${issue.ref} title` }] : []),
      ...readStatements(issue.body, DERIVE_LIMITS.issueBody).map((s) => ({ ...s, path: `issue ${issue.ref}` })),
    ];
    add({ kind: 'issue', ref: issue.ref, criteria: 0 }, items, 1 + DERIVE_LIMITS.issueBody);
  }
  let commitsLeft = DERIVE_LIMITS.commits;
  for (const c of input.commits.slice(-DERIVE_LIMITS.commitsRead)) {
    const subject = readTitle(c.message);
    const source: DerivedSource = { kind: 'commit', ref: c.sha.slice(0, 12), criteria: 0 };
    add(source, subject && commitsLeft > 0 ? [{ text: subject, line: 1, path: `commit ${c.sha.slice(0, 12)}` }] : [], 1);
    commitsLeft -= source.criteria;
  }
  const acs: AcceptanceCriterion[] = found.map((f, i) => ({ id: `AC#${i + 1}`, text: f.text, syntax: 'derived', source: { path: f.path, line: f.line } }));
  const label = describeSources(sources);
  const hash = createHash('sha256');
  for (const f of found) hash.update(`${f.path}\n${f.text}\n`);
  const warnings = [...(input.warnings ?? [])];
  if (acs.length === 0) warnings.push('no criterion could be read from the PR or its commits; tests are planned from the diff alone');
  return {
    kind: 'derived',
    id: 'derived',
    title: label.replace(/^no spec/, 'No spec'),
    path: pr ? (pr.number === undefined ? 'PR' : `PR #${pr.number}`) : 'commit messages',
    ...(input.commitSha ? { commitSha: input.commitSha } : {}),
    contentHash: hash.digest('hex'),
    acs,
    derived: { label, sources },
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}
