import type { Run, RunLease, RunRequest, RunStatus, StageName, StageRecord, StageStatus } from './types.js';
import type { RunPatch, StageUpdate, UpdateConditions } from './store.js';
import type { LlmUsage } from '../llm/port.js';
import type { Report } from '../report/types.js';
import type { SettingsEnv } from '../config/run-settings.js';
import { upgradeStoredRequest } from './legacy-request.js';

export interface RunRow {
  seq: number;
  id: string;
  idempotency_key: string;
  subject_key: string;
  status: string;
  request: string;
  usage: string;
  report: string | null;
  error: string | null;
  resumes: number;
  superseded_by: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  lease_owner: string | null;
  lease_expires_at: string | null;
  heartbeat_at: string | null;
}

export interface StageRow {
  run_id: string;
  position: number;
  name: string;
  status: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  error: string | null;
  progress: string | null;
  note: string | null;
  output: string | null;
}

/** Our own rows, written by this module: parsed without a schema. */
function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

export function toStageRecord(row: StageRow): StageRecord {
  return {
    name: row.name as StageName,
    status: row.status as StageStatus,
    ...(row.started_at !== null ? { startedAt: row.started_at } : {}),
    ...(row.finished_at !== null ? { finishedAt: row.finished_at } : {}),
    ...(row.duration_ms !== null ? { durationMs: row.duration_ms } : {}),
    ...(row.error !== null ? { error: parseJson<{ code: string; message: string }>(row.error) } : {}),
    ...(row.progress !== null ? { progress: parseJson<{ done: number; total: number }>(row.progress) } : {}),
    ...(row.note !== null ? { note: row.note } : {}),
  };
}

export function toRun(row: RunRow, stages: StageRow[], settingsEnv?: SettingsEnv): Run {
  const request = upgradeStoredRequest(parseJson<RunRequest>(row.request), settingsEnv);
  // Reports stored before they carried their settings show the run's.
  const report = row.report !== null ? parseJson<Report>(row.report) : undefined;
  return {
    id: row.id,
    request,
    subjectKey: row.subject_key,
    status: row.status as RunStatus,
    stages: [...stages].sort((a, b) => a.position - b.position).map(toStageRecord),
    usage: parseJson<LlmUsage>(row.usage),
    ...(report ? { report: { ...report, settings: report.settings ?? request.settings } } : {}),
    ...(row.error !== null ? { error: parseJson<{ code: string; message: string }>(row.error) } : {}),
    resumes: row.resumes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.started_at !== null ? { startedAt: row.started_at } : {}),
    ...(row.finished_at !== null ? { finishedAt: row.finished_at } : {}),
    ...(row.superseded_by !== null ? { supersededBy: row.superseded_by } : {}),
    ...(row.lease_owner !== null && row.lease_expires_at !== null
      ? { lease: { owner: row.lease_owner, expiresAt: row.lease_expires_at, heartbeatAt: row.heartbeat_at ?? row.lease_expires_at } }
      : {}),
  };
}

const PATCH_COLUMNS: Record<Exclude<keyof RunPatch, 'lease'>, string> = {
  status: 'status',
  error: 'error',
  report: 'report',
  resumes: 'resumes',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  supersededBy: 'superseded_by',
};

/** The columns a patch sets, with their values (a lease is three columns; null releases it). */
export function patchColumns(patch: RunPatch): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const key of Object.keys(PATCH_COLUMNS) as Array<keyof typeof PATCH_COLUMNS>) {
    const value = patch[key];
    if (value === undefined) continue;
    out.push([PATCH_COLUMNS[key], value !== null && (key === 'error' || key === 'report') ? JSON.stringify(value) : value]);
  }
  if (patch.lease !== undefined) {
    const lease: RunLease | null = patch.lease;
    out.push(['lease_owner', lease?.owner ?? null], ['lease_expires_at', lease?.expiresAt ?? null], ['heartbeat_at', lease?.heartbeatAt ?? null]);
  }
  return out;
}

/** Whether a row meets an update's conditions. */
export function meetsConditions(row: { status: string; lease_owner: string | null; lease_expires_at: string | null }, c: UpdateConditions): boolean {
  if (c.ifStatus && !(c.ifStatus as string[]).includes(row.status)) return false;
  if (c.ifOwner !== undefined && row.lease_owner !== c.ifOwner) return false;
  if (c.ifLeaseExpiredAt !== undefined && row.lease_expires_at !== null && row.lease_expires_at >= c.ifLeaseExpiredAt) return false;
  return true;
}

/** A stage row after an update: a new attempt (to running) or a reset (to pending) clears the previous outcome unless given. */
export function mergeStage(row: StageRow, u: StageUpdate): Omit<StageRow, 'run_id' | 'position' | 'name'> {
  const fresh = (u.status === 'running' && row.status !== 'running') || u.status === 'pending';
  const keep = <T>(given: T | undefined, old: T | null): T | null => (given !== undefined ? given : fresh ? null : old);
  const json = (v: unknown): string | undefined => (v === undefined ? undefined : JSON.stringify(v));
  return {
    status: u.status,
    started_at: u.startedAt ?? row.started_at,
    finished_at: keep(u.finishedAt, row.finished_at),
    duration_ms: keep(u.durationMs, row.duration_ms),
    error: keep(json(u.error), row.error),
    progress: keep(json(u.progress), row.progress),
    note: keep(u.note, row.note),
    output: keep(json(u.output), row.output),
  };
}
