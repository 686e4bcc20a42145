import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/logger.js';
import { createTriageStage } from '../../../src/pipeline/stages/triage/triage-stage.js';
import type { StageContext } from '../../../src/pipeline/types.js';
import type { Run } from '../../../src/runs/types.js';
import type { SandboxPort } from '../../../src/sandbox/port.js';
import { localSource, makeRequest } from '../../runs/fixtures/requests.js';
import { emptyEvaluation, fakePorts, ingestResult } from '../pipeline-fakes.js';

describe('triage: the files ingest left out', () => {
  it('puts one note a left-out file into the report, in the order ingest gave them', async () => {
    const base = ingestResult();
    const skipped = [
      { path: 'src/big.py', reason: 'too-large' as const, note: 'src/big.py: 1.2 MB (1200000 bytes), over the 1.0 MB cap for a changed file; skipped (not parsed, mutated or tested).' },
      { path: '"src/caf\\351.py"', reason: 'name-not-utf8' as const, note: '"src/caf\\351.py": the file name is not UTF-8 (shown in git\'s quoted form); skipped (not parsed, mutated or tested).' },
    ];
    const ingest = { ...base, diff: { ...base.diff, skipped } };
    const request = makeRequest({ source: localSource('/tmp/repo') });
    const run: Run = { id: 'run-notes', request, subjectKey: 's', status: 'running', stages: [], usage: { calls: 0, inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd: 0 }, resumes: 0, createdAt: 'c', updatedAt: 'u' };
    const ctx: StageContext = { run, log: silentLogger(), signal: new AbortController().signal, ports: { ...fakePorts(), sandbox: {} as SandboxPort }, progress: () => undefined };
    const report = await createTriageStage()(ctx, {
      ingest,
      plan: null,
      generated: { candidates: [], stuck: [] },
      evaluated: emptyEvaluation(),
      timings: {},
      usage: { calls: 0, inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0, costUsd: 0 },
      startedAt: '2026-01-01T00:00:00Z',
    });
    expect(report.notes.filter((n) => n.includes('skipped (not parsed'))).toEqual(skipped.map((s) => s.note));
  });
});
