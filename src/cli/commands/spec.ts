import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TfError } from '../../errors.js';
import { createGitPort, type LocalGitPort } from '../../git/index.js';
import { selectSpec } from '../../criteria/index.js';
import { noSpecSelection } from '../../criteria/select-spec.js';
import { deriveSpecSelection } from '../../criteria/derive/index.js';
import type { SpecSelection, SpecSnapshot } from '../../criteria/types.js';
import type { CliIo } from '../io.js';
import { parseCommandArgs } from '../args.js';

const HELP = `Usage: tfactory spec show [--repo <dir>] [--ref <ref>] [--base <ref>] [--spec <id>] [--title <text>] [--body <file>] [--json]

  Show the spec TFactory would choose for a checkout, its acceptance criteria and plan. With no
  spec, the criteria a run would derive from the commit messages base...ref, and their sources.
  --repo <dir>   the repository (default: the current folder)
  --ref <ref>    read the spec at this commit or branch (default: the working tree);
                 a branch name also counts for "spec id in the branch name"
  --base <ref>   diff base...ref (or base...HEAD) so that "spec folders the diff touches" counts,
                 and, with no spec, the commit messages base..ref are read
  --spec <id>    choose this spec explicitly
  --title <text> a PR title, and --body <file> a PR description, as the App would read them
                 (a TFactory-Spec line or Acceptance Criteria in it count; with no spec, the
                 criteria derived from them; the issues they close are named, not fetched)
  --json         print the SpecSelection as JSON
`;

const REASONS: Record<SpecSelection['reason'], string> = {
  explicit: 'named explicitly (--spec)',
  'pr-body-trailer': 'named by a TFactory-Spec line in the PR body',
  'diff-touches': 'the diff touches its folder',
  'branch-name': 'the branch name contains its id',
  'only-spec': 'it is the only spec in the repository',
  none: 'no spec was found (an evaluate-only run needs none)',
  'pr-description': 'the PR description states acceptance criteria',
  derived: 'no spec was found; a run derives its criteria from what the change says about itself',
};

const KINDS: Record<SpecSnapshot['kind'], string> = { aifactory: 'AIFactory', 'agent-os': 'Agent OS', 'pr-body': 'PR description', derived: 'derived', none: 'none' };

function parse(argv: string[]) {
  return parseCommandArgs(argv, {
    repo: { type: 'string' }, ref: { type: 'string' }, base: { type: 'string' }, spec: { type: 'string' },
    title: { type: 'string' }, body: { type: 'string' },
    json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  }, 'tfactory spec show [--repo <dir>] [--ref <ref>] [--spec <id>] [--json]', { positionals: true });
}

/** A selection with no spec: where the criteria come from, what was looked for, the criteria. */
function renderDerived(sel: SpecSelection, looked: string[]): string {
  const s = sel.spec;
  const out: string[] = [`Spec:    none found`, `Chosen:  ${s.derived?.label ?? REASONS[sel.reason]}`];
  if (looked.length > 0) out.push('Looked for:', ...looked.map((l) => `  - ${l}`));
  const sources = s.derived?.sources ?? [];
  out.push('', `Sources read (${sources.length}):`, ...(sources.length > 0 ? sources.map((src) => `  - ${src.ref}: ${src.criteria} criteri${src.criteria === 1 ? 'on' : 'a'}`) : ['  (none)']));
  out.push('', `Derived acceptance criteria (${s.acs.length}):`);
  const width = Math.max(0, ...s.acs.map((a) => a.id.length));
  for (const ac of s.acs) out.push(`  ${ac.id.padEnd(width)}  ${ac.text}`, `  ${' '.repeat(width)}  ↳ ${ac.source.path}${ac.source.line > 1 ? `:${ac.source.line}` : ''}`);
  if (s.acs.length === 0) out.push('  (none: tests would be planned from the diff alone)');
  if (!sources.some((src) => src.kind === 'pr-title' || src.kind === 'pr-body')) out.push('', 'A GitHub run also reads the PR title and description (here: --title, --body) and the issues they close (Fixes #n).');
  for (const w of s.warnings ?? []) out.push(`Warning: ${w}`);
  return `${out.join('\n')}\n`;
}

/** The human-readable rendering of a selection. */
export function renderSelection(sel: SpecSelection, looked: string[] = []): string {
  if (sel.reason === 'derived') return renderDerived(sel, looked);
  const s = sel.spec;
  const out: string[] = [
    `Spec:    ${s.id} (${KINDS[s.kind]})`,
    `Title:   ${s.title}`,
    `Path:    ${s.path}${s.commitSha ? ` @ ${s.commitSha.slice(0, 12)}` : ''}`,
    `Chosen:  ${REASONS[sel.reason]}`,
  ];
  const others = sel.candidates.filter((c) => c !== s.id);
  if (others.length > 0) out.push(`Others:  ${others.join(', ')}`);
  out.push(`sha256:  ${s.contentHash}`, '', `Acceptance criteria (${s.acs.length}):`);
  const width = Math.max(0, ...s.acs.map((a) => a.id.length));
  for (const ac of s.acs) {
    out.push(`  ${ac.id.padEnd(width)}  ${ac.text}`);
    out.push(`  ${' '.repeat(width)}  ↳ ${ac.source.path}:${ac.source.line} (${ac.syntax})`);
  }
  if (s.plan) {
    const head = [s.plan.feature, s.plan.workflowType, s.plan.status].filter(Boolean).join(' · ');
    out.push('', `Plan${head ? `: ${head}` : ''}`);
    s.plan.phases.forEach((p, i) => out.push(`  ${i + 1}. ${p.name}${p.status ? ` [${p.status}]` : ''}${p.subtasks ? `, ${p.subtasks} subtask${p.subtasks === 1 ? '' : 's'}` : ''}`));
    if (s.plan.filesToModify.length > 0) out.push(`  files: ${s.plan.filesToModify.join(', ')}`);
  }
  if (s.contract) {
    const c = s.contract;
    const parts = [
      c.lanes ? `lanes ${c.lanes.join(', ')}` : undefined,
      c.frameworks ? `frameworks ${Object.entries(c.frameworks).map(([k, v]) => `${k}=${v}`).join(', ')}` : undefined,
      c.coverageTarget !== undefined ? `coverage target ${Math.round(c.coverageTarget * 100)}%` : undefined,
      c.mutationScope ? `mutation scope ${c.mutationScope.join(', ')}` : undefined,
      c.acToCodeMap ? `AC map ${Object.entries(c.acToCodeMap).map(([k, v]) => `${k}→${v.join('|')}`).join(', ')}` : undefined,
    ].filter(Boolean);
    out.push('', `Contract: ${parts.join('; ')}`);
  }
  for (const w of s.warnings ?? []) out.push(`Warning: ${w}`);
  return `${out.join('\n')}\n`;
}

async function headShaOf(git: LocalGitPort, repo: string): Promise<string | undefined> {
  return git.resolveCommit(repo, 'HEAD').catch(() => undefined);
}

/** A PR description from a file, under the cap GitHub itself keeps (65,536 characters; read up to 1 MB). */
async function readBody(io: CliIo, file: string | undefined): Promise<string | undefined> {
  if (file === undefined) return undefined;
  const path = resolve(io.cwd, file);
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile()) throw new TfError('USAGE', `--body ${file}: no such file`, { hint: 'pass a file holding the PR description' });
  if (st.size > MAX_BODY_BYTES) throw new TfError('USAGE', `--body ${file} is ${st.size} bytes, over the ${MAX_BODY_BYTES} bytes a PR description is read up to`, { hint: 'pass the PR description only' });
  return readFile(path, 'utf8');
}

const MAX_BODY_BYTES = 1_000_000;

async function show(values: ReturnType<typeof parse>['values'], io: CliIo): Promise<number> {
  const repo = resolve(io.cwd, values.repo ?? '.');
  const body = await readBody(io, values.body);
  const pr = values.title !== undefined || body !== undefined ? { ...(values.title !== undefined ? { title: values.title } : {}), ...(body !== undefined ? { body } : {}) } : undefined;
  const git = createGitPort();
  const ref = values.ref;
  const commitSha = ref ? await git.resolveCommit(repo, ref) : await headShaOf(git, repo);
  const changedPaths = values.base ? (await git.diff(repo, values.base, ref ?? 'HEAD')).files.map((f) => f.path) : undefined;
  const tree = ref ? await mkdtemp(join(tmpdir(), 'tfactory-spec-')) : undefined;
  try {
    if (tree && ref) await git.exportTree(repo, ref, tree);
    let looked: string[] = [];
    const selection = await selectSpec({
      dir: tree ?? repo,
      ...(commitSha ? { commitSha } : {}),
      ...(values.spec ? { explicitId: values.spec } : {}),
      ...(ref && !/^[0-9a-f]{7,40}$/i.test(ref) ? { headBranch: ref } : {}),
      ...(changedPaths ? { changedPaths } : {}),
      ...(body !== undefined ? { prBody: body } : {}),
    }).catch(async (err: unknown) => {
      // No spec: what `tfactory run` would derive (local: the commit messages base..ref).
      const none = noSpecSelection(err);
      if (!none) throw err;
      looked = none.spec.warnings ?? [];
      const base = values.base;
      const derived = await deriveSpecSelection({
        ...(commitSha ? { commitSha } : {}),
        ...(pr ? { pr } : {}),
        ...(base ? { readCommits: async () => git.commitMessages(repo, await git.resolveCommit(repo, base), commitSha ?? (await git.resolveCommit(repo, 'HEAD'))) } : {}),
      });
      if (!base) derived.spec.warnings = [...(derived.spec.warnings ?? []), 'no --base given: the commit messages were not read (pass --base <ref> to read base..ref as `tfactory run --base` does)'];
      return derived;
    });
    io.stdout(values.json ? `${JSON.stringify(selection, null, 2)}\n` : renderSelection(selection, looked));
    return 0;
  } finally {
    if (tree) await rm(tree, { recursive: true, force: true });
  }
}

/** `tfactory spec show`: which spec a run would use, and what it says. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const [sub, ...extra] = positionals;
  if (sub !== 'show' || extra.length > 0) throw new TfError('USAGE', sub ? `unknown spec subcommand '${[sub, ...extra].join(' ')}'` : 'missing subcommand', { hint: 'tfactory spec show [--repo <dir>] [--ref <ref>] [--spec <id>] [--json]' });
  return show(values, io);
}
