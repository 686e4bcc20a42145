import type { Run, RunRequest, RunStatus, StageName, StageRecord, StageStatus } from '../types.js';
import type { LlmUsage } from '../../llm/port.js';
import type { Report } from '../../report/types.js';
import type { SettingsEnv } from '../../config/run-settings.js';
import { upgradeStoredRequest } from '../legacy-request.js';

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
