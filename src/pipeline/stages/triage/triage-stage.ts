import type { TriageStage } from '../types.js';
import { triage } from './triage.js';
import { loadPrompt } from '../../../llm/prompts.js';
import type { LlmUsage } from '../../../llm/port.js';

function sourceLabel(run: Parameters<TriageStage>[0]['run']): string {
  const s = run.request.source;
  return s.kind === 'github' ? `${s.owner}/${s.repo}#${s.pullNumber}` : `${s.repoPath} (${s.baseRef}...${s.headRef})`;
}

function promptVersions(usedModel: boolean): Record<string, string> {
  if (!usedModel) return {};
  const out: Record<string, string> = {};
  for (const name of ['planner', 'generator', 'judge', 'repair']) {
    try {
      out[name] = loadPrompt(name).version;
    } catch {
      // A missing prompt file is reported where it is used; the report lists what exists.
    }
  }
  return out;
}

/** The stages that called the model, with their usage (none when no stage did). */
function usedStages(byStage: Partial<Record<string, LlmUsage>> | undefined): { byStage?: Record<string, LlmUsage> } {
  const used = Object.entries(byStage ?? {}).filter((e): e is [string, LlmUsage] => e[1] !== undefined && e[1].calls > 0);
  return used.length > 0 ? { byStage: Object.fromEntries(used) } : {};
}

/** 5. triage: dedup, rank and assemble the report from what evaluate measured. */
export function createTriageStage(): TriageStage {
  return async (ctx, input) => {
    const { ingest, evaluated, generated } = input;
    const llm = ctx.ports.llm;
    // What plan and generate noted (subtasks dropped, tests rejected by the guards and replanned), then evaluate.
    const notes = [...new Set([...(input.plan?.notes ?? []), ...(generated.notes ?? []), ...evaluated.notes])];
    // The changed files ingest left out (binary, over the size cap, unusable names), one note each.
    notes.push(...(ingest.diff.skipped ?? []).map((s) => s.note));
    const noSpec = ingest.spec.reason === 'none';
    if (noSpec) notes.push('No spec: the tests were graded without a criteria ledger (no .aifactory or .agent-os spec, no criteria in the PR description).');
    else if (ingest.spec.spec.derived) {
      const d = ingest.spec.spec.derived;
      notes.push(`${d.label.replace(/^no spec/, 'No spec')}: they restate what the author wrote, not a reviewed spec.`, ...(ingest.spec.spec.warnings ?? []).map((w) => `Criteria: ${w}.`));
    } else if (ingest.spec.spec.acs.length === 0) notes.push('The spec holds no acceptance criteria that TFactory could read.');
    return triage({
      runId: ctx.run.id,
      source: sourceLabel(ctx.run),
      baseSha: ingest.baseSha,
      headSha: ingest.headSha,
      startedAt: input.startedAt,
      dryRun: ctx.run.request.options.dryRun === true,
      settings: ctx.run.request.settings,
      spec: noSpec ? null : ingest.spec.spec,
      acs: ingest.spec.spec.acs,
      tests: evaluated.tests,
      sources: evaluated.sources,
      languages: evaluated.languages,
      stuck: generated.stuck,
      usage: { ...input.usage, provider: llm?.provider ?? 'none', model: llm?.model ?? 'none', ...usedStages(input.usageByStage) },
      prompts: promptVersions(input.usage.calls > 0),
      timings: input.timings,
      notes,
    });
  };
}
