import { ZERO_USAGE } from '../../src/llm/port.js';
import { STAGES, type Run, type StageName, type StageStatus } from '../../src/runs/types.js';
import { makeRequest } from '../runs/fixtures/requests.js';

/** A stored run as the store returns it: queued, every stage pending, unless overridden. */
export function makeRun(over: Partial<Run> = {}): Run {
  return {
    id: 'run-1',
    request: makeRequest(),
    subjectKey: 'github:acme/shop#7',
    status: 'queued',
    stages: STAGES.map((name) => ({ name, status: 'pending' as const })),
    usage: { ...ZERO_USAGE },
    resumes: 0,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...over,
  };
}

/** Stage records with the given statuses, in pipeline order; stages not named are pending. */
export function stagesWith(statuses: Partial<Record<StageName, StageStatus>>): Run['stages'] {
  return STAGES.map((name) => ({ name, status: statuses[name] ?? 'pending' }));
}
