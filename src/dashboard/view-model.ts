import type { Run, StageRecord } from '../runs/types.js';

/** What the runs list shows of one run (and the filters match against). */
export interface RunRow {
  id: string;
  /** `owner/repo` for a GitHub run; the folder name for a local one. */
  repo: string;
  /** `#12` (a PR) or `main...feature` (local refs). */
  subject: string;
  /** The PR's page on GitHub, for a GitHub run. */
  prUrl?: string;
  trigger: string;
  status: Run['status'];
  /** The stage running now, else the last one that moved. */
  stage?: string;
  accepted?: number;
  flagged?: number;
  rejected?: number;
  acsVerified?: number;
  acsTotal?: number;
  durationMs?: number;
  costUsd: number;
  createdAt: string;
}

export const ACTIVE_STATUSES: ReadonlyArray<Run['status']> = ['queued', 'running'];

export function isActive(run: Run): boolean {
  return ACTIVE_STATUSES.includes(run.status);
}

export function repoOf(run: Run): string {
  const s = run.request.source;
  if (s.kind === 'github') return `${s.owner}/${s.repo}`;
  const parts = s.repoPath.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? s.repoPath;
}

export function currentStage(run: Run): StageRecord | undefined {
  const running = run.stages.find((s) => s.status === 'running');
  if (running) return running;
  const moved = run.stages.filter((s) => s.status !== 'pending');
  return moved[moved.length - 1];
}

/** From the first pick-up to the end (or now, while it runs). */
export function runDurationMs(run: Run, now: Date = new Date()): number | undefined {
  if (!run.startedAt) return undefined;
  const end = run.finishedAt ? Date.parse(run.finishedAt) : isActive(run) ? now.getTime() : Date.parse(run.updatedAt);
  return Math.max(0, end - Date.parse(run.startedAt));
}

export function toRunRow(run: Run, now: Date = new Date()): RunRow {
  const s = run.request.source;
  const summary = run.report?.summary;
  const stage = currentStage(run);
  const duration = runDurationMs(run, now);
  return {
    id: run.id,
    repo: repoOf(run),
    subject: s.kind === 'github' ? `#${s.pullNumber}` : `${s.baseRef}...${s.headRef}`,
    ...(s.kind === 'github' ? { prUrl: `https://github.com/${encodeURIComponent(s.owner)}/${encodeURIComponent(s.repo)}/pull/${s.pullNumber}` } : {}),
    trigger: run.request.trigger.kind,
    status: run.status,
    ...(stage ? { stage: stage.name } : {}),
    ...(summary
      ? { accepted: summary.accepted, flagged: summary.flagged, rejected: summary.rejected, acsVerified: summary.acsVerified, acsTotal: summary.acsTotal }
      : {}),
    ...(duration !== undefined ? { durationMs: duration } : {}),
    costUsd: run.usage.costUsd,
    createdAt: run.createdAt,
  };
}

/** What the live script receives: the run's moving parts, nothing of its request or settings. */
export interface LiveSnapshot {
  id: string;
  status: Run['status'];
  updatedAt: string;
  error?: string;
  stages: Array<{ name: string; status: string; durationMs?: number; progress?: { done: number; total: number }; note?: string; error?: string }>;
  summary?: NonNullable<Run['report']>['summary'];
  costUsd: number;
  startedAt?: string;
  finishedAt?: string;
}

export function toLiveSnapshot(run: Run): LiveSnapshot {
  return {
    id: run.id,
    status: run.status,
    updatedAt: run.updatedAt,
    ...(run.error ? { error: run.error.message } : {}),
    stages: run.stages.map((s) => ({
      name: s.name,
      status: s.status,
      ...(s.durationMs !== undefined ? { durationMs: s.durationMs } : {}),
      ...(s.progress ? { progress: s.progress } : {}),
      ...(s.note ? { note: s.note } : {}),
      ...(s.error ? { error: s.error.message } : {}),
    })),
    ...(run.report ? { summary: run.report.summary } : {}),
    costUsd: run.usage.costUsd,
    ...(run.startedAt ? { startedAt: run.startedAt } : {}),
    ...(run.finishedAt ? { finishedAt: run.finishedAt } : {}),
  };
}
