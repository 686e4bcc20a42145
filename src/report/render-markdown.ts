import type { RunSettings } from '../config/run-settings.js';
import { describeTarget } from './publication.js';
import type { Publication, Report, ReportTest, Verdict } from './types.js';

const ICON: Record<Verdict, string> = { accept: '✅', flag: '⚠️', reject: '❌', error: '💥' };
const AC_ICON = { verified: '✅', flagged: '⚠️', unverified: '⬜' } as const;
/** What an accepted test with no reason to show has shown for it. */
export const ACCEPTED_PLAINLY = 'Passes, is stable, and catches planted bugs in the changed code.';

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Criteria can be text from a PR or an issue: an `@name` in them must not notify anyone. */
function quietMentions(text: string): string {
  return text.replace(/@(?=[A-Za-z0-9])/g, '@\u200b');
}

/** Kills over the mutants the test reached (it ran their line); those it never reached are counted apart, so the JSON's `total` adds up. */
function mutationCell(t: ReportTest): string {
  const m = t.signals.mutation;
  if (!m) return '–';
  const crash = m.killedByCrash > 0 ? `, ${m.killedByCrash} by crash` : '';
  const unreached = m.notReached > 0 ? `; ${m.notReached} of the ${m.total} made not reached` : '';
  return `${m.killed}/${m.killed + m.survived} reached${crash}${unreached}`;
}

function coverageCell(t: ReportTest): string {
  const c = t.signals.coverage;
  return c ? `${c.coveredCount}/${c.changedTotal}` : '–';
}

function testSection(title: string, tests: ReportTest[], open: boolean): string[] {
  if (tests.length === 0) return [];
  const lines = [`### ${title} (${tests.length})`, ''];
  for (const t of tests) {
    const acs = t.acIds.length > 0 ? ` — ${t.acIds.join(', ')}` : '';
    const ftp = t.signals.failToPass === 'fail-to-pass' ? ' · fails on base, passes on PR' : '';
    lines.push(`<details${open ? ' open' : ''}><summary>${ICON[t.verdict]} <code>${t.id}</code>${acs}</summary>`, '');
    for (const r of t.reasons) lines.push(`- ${r.text}`);
    if (t.reasons.length === 0) lines.push(`- ${ACCEPTED_PLAINLY}`);
    lines.push('', `Mutants killed: ${mutationCell(t)} · changed lines covered: ${coverageCell(t)}${ftp}`, '', '</details>', '');
  }
  return lines;
}

/** What was written or committed, where, and the accepted tests left out with why. */
function publicationSection(p: Publication): string[] {
  const count = p.files.reduce((n, f) => n + f.tests.length, 0);
  const lines = [`### Published — ${count} test${count === 1 ? '' : 's'} in ${p.files.length} file${p.files.length === 1 ? '' : 's'}, ${describeTarget(p)}`, ''];
  for (const f of p.files) {
    lines.push(`- \`${f.path}\`${f.pruned ? ' (cut down to its accepted tests, and run again: it passes)' : ''}: ${f.tests.map((t) => `\`${t.slice(f.path.length + 2) || t}\``).join(', ')}`);
  }
  if (p.leftOut.length > 0) {
    lines.push('', `Accepted but not published (${p.leftOut.length}):`, '');
    for (const l of p.leftOut) lines.push(`- \`${l.test}\`: ${l.reason}`);
  }
  lines.push('');
  return lines;
}

/** The settings a run used, in one line (the report's run details; the terminal rendering's header). */
export function describeSettings(st: RunSettings, opts: { model?: boolean } = {}): string {
  const e = st.evaluation;
  const model = st.model.provider === 'none' ? 'no model' : st.model.provider === 'replay' ? 'replayed model' : `${st.model.provider}/${st.model.id ?? '?'}`;
  return [
    `max ${st.maxTests} tests`,
    `${e.stabilityRuns} stability runs`,
    `mutation ${e.mutation ? `on (≤ ${e.maxMutants} mutants)` : 'off'}`,
    `fail-to-pass ${e.failToPass ? 'on' : 'off'}`,
    `judge ${e.judge ? 'on' : 'off'}`,
    ...(opts.model === false ? [] : [model]),
    ...(st.languages ? [`languages ${st.languages.join(', ')}`] : []),
    ...(st.testPaths ? [`tests in ${st.testPaths.join(', ')}`] : []),
    ...(st.commitFlagged ? ['flagged tests committed'] : []),
  ].join(' · ');
}

/** report.md: summary table, AC ledger, then accepted / flagged / rejected sections with reasons. */
export function renderMarkdown(report: Report): string {
  const s = report.summary;
  const out: string[] = [];
  const derived = report.spec?.derived;
  out.push(`## TFactory report${report.spec && !derived ? ` — \`${report.spec.id}\`` : derived ? ' — no spec' : ''}`, '');
  if (derived) out.push(`> **No spec:** ${derived.label.replace(/^no spec: /, '')}.`, '');
  if (report.run.dryRun) out.push('> Dry run: nothing was committed.', '');
  out.push(
    '| Accepted | Flagged | Rejected | Errors | Stuck | ACs verified |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${s.accepted} | ${s.flagged} | ${s.rejected} | ${s.errors} | ${s.stuck} | ${s.acsVerified}/${s.acsTotal} |`,
    '',
  );
  if (report.acs.length > 0) {
    // Once published, the ledger also counts the tests of each criterion that were written or committed.
    const pub = report.publication !== undefined;
    out.push(
      `### Acceptance criteria${derived ? ' (derived)' : ''} — verified ${s.acsVerified}/${s.acsTotal}`, '',
      `| AC | Status | Criterion | Tests |${pub ? ' Published |' : ''}`, `| --- | --- | --- | --- |${pub ? ' ---: |' : ''}`,
    );
    for (const ac of report.acs) {
      const tests = ac.tests.map((t) => `\`${escapeCell(t)}\``).join('<br>') || '–';
      out.push(`| ${ac.id} | ${AC_ICON[ac.status]} ${ac.status} | ${escapeCell(quietMentions(ac.text))} | ${tests} |${pub ? ` ${ac.published?.length ?? 0} |` : ''}`);
    }
    out.push('');
  }
  if (report.publication) out.push(...publicationSection(report.publication));
  out.push(...testSection('Accepted', report.tests.filter((t) => t.verdict === 'accept'), false));
  out.push(...testSection('Flagged', report.tests.filter((t) => t.verdict === 'flag'), true));
  out.push(...testSection('Rejected', report.tests.filter((t) => t.verdict === 'reject'), false));
  out.push(...testSection('Could not be graded', report.tests.filter((t) => t.verdict === 'error'), true));
  if (report.stuck.length > 0) {
    out.push(`### Stuck subtasks (${report.stuck.length})`, '', 'No acceptable test could be written for these; nothing was committed for them.', '');
    for (const st of report.stuck) out.push(`- \`${st.target}\` (${st.acIds.join(', ') || 'no AC'}): ${st.reasons.join('; ')}`);
    out.push('');
  }
  if (report.notes.length > 0) {
    out.push('### Notes', '');
    for (const n of report.notes) out.push(`- ${n}`);
    out.push('');
  }
  const u = report.usage;
  const timing = Object.entries(report.timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}s`).join(' · ');
  out.push(
    '<details><summary>Run details</summary>',
    '',
    `- Run \`${report.run.id}\` on \`${report.run.headSha.slice(0, 12)}\` (base \`${report.run.baseSha.slice(0, 12)}\`), TFactory ${report.run.tfactoryVersion}`,
    ...(report.spec && !derived ? [`- Spec: \`${report.spec.path}\` (${report.spec.kind}, sha256 ${report.spec.contentHash.slice(0, 12)})`] : []),
    ...(derived ? [`- Criteria: ${derived.label}${derived.sources.length > 0 ? ` (read from ${derived.sources.map((x) => `\`${x}\``).join(', ')})` : ''}`] : []),
    `- Model: ${u.provider}/${u.model} · ${u.calls} calls · ${u.inputTokens} in / ${u.outputTokens} out tokens · cache ${u.cacheReadTokens} read / ${u.cacheWriteTokens} written · $${u.costUsd.toFixed(4)}`,
    ...(u.byStage ? [`- Model per stage: ${Object.entries(u.byStage).map(([stage, x]) => `${stage} ${x.calls} call${x.calls === 1 ? '' : 's'}, ${x.inputTokens} in / ${x.outputTokens} out, cache ${x.cacheReadTokens} read`).join(' · ')}`] : []),
    `- Settings: ${describeSettings(report.settings)}`,
    ...(Object.keys(report.run.prompts).length > 0 ? [`- Prompts: ${Object.entries(report.run.prompts).map(([k, v]) => `${k}@${v}`).join(', ')}`] : []),
    ...(timing ? [`- Timings: ${timing}`] : []),
    '',
    '</details>',
    '',
  );
  return out.join('\n');
}
