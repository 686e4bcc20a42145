import { ZERO_USAGE } from '../../src/llm/port.js';
import type { Run, RunEvent, RunRequest, RunService, RunStatus, StageName } from '../../src/runs/types.js';
import { STAGES } from '../../src/runs/types.js';
import { subjectKeyOf } from '../../src/runs/subject.js';

/**
 * An in-memory RunService for tests of the entry points: records submissions (idempotent on the
 * key), lists, cancels, reruns, and lets the test publish events as a worker would.
 */
export class FakeRunService implements RunService {
  readonly runs: Run[] = [];
  readonly cancelled: Array<{ id: string; reason: string }> = [];
  readonly #listeners = new Set<(event: RunEvent) => void>();
  #seq = 0;
  #clock = Date.parse('2025-01-01T00:00:00Z');

  async submit(req: RunRequest): Promise<{ run: Run; created: boolean }> {
    const existing = this.runs.find((r) => r.request.idempotencyKey === req.idempotencyKey);
    if (existing) return { run: existing, created: false };
    const run = this.#newRun(req);
    this.emit({ type: 'created', run });
    return { run, created: true };
  }

  async get(id: string): Promise<Run | undefined> {
    return this.runs.find((r) => r.id === id);
  }

  async list(filter: { subjectKey?: string; status?: RunStatus[]; limit?: number } = {}): Promise<Run[]> {
    const matching = this.runs.filter(
      (r) => (filter.subjectKey === undefined || r.subjectKey === filter.subjectKey) && (filter.status === undefined || filter.status.includes(r.status)),
    );
    return matching.slice(0, filter.limit ?? matching.length);
  }

  async cancel(id: string, reason: string): Promise<Run | undefined> {
    const run = this.runs.find((r) => r.id === id);
    if (!run) return undefined;
    this.cancelled.push({ id, reason });
    run.status = 'cancelled';
    return run;
  }

  async rerun(id: string, trigger: RunRequest['trigger']): Promise<Run> {
    const previous = this.runs.find((r) => r.id === id);
    if (!previous) throw new Error(`no run ${id}`);
    return this.#newRun({ ...previous.request, trigger, idempotencyKey: `rerun:${id}:${++this.#seq}` });
  }

  subscribe(listener: (event: RunEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  emit(event: RunEvent): void {
    for (const l of this.#listeners) l(event);
  }

  /** Moves a run into a stage (earlier stages done) and publishes the `stage` event. */
  enterStage(run: Run, stage: StageName): Run {
    const index = STAGES.indexOf(stage);
    run.status = 'running';
    run.stages = STAGES.map((name, i) => ({ name, status: i < index ? 'done' : i === index ? 'running' : 'pending' }));
    this.emit({ type: 'stage', run, stage });
    return run;
  }

  progress(run: Run, stage: StageName, done: number, total: number): void {
    const record = run.stages.find((s) => s.name === stage);
    if (record) record.progress = { done, total };
    this.emit({ type: 'progress', run, stage, done, total });
  }

  finish(run: Run, status: RunStatus, error?: { code: string; message: string }): void {
    run.status = status;
    if (error) run.error = error;
    this.emit({ type: 'finished', run });
  }

  #newRun(req: RunRequest): Run {
    const now = new Date(this.#clock++).toISOString();
    const src = req.source;
    const run: Run = {
      id: `run-${++this.#seq}`,
      request: req,
      subjectKey: subjectKeyOf(src),
      status: 'queued',
      stages: STAGES.map((name) => ({ name, status: 'pending' })),
      usage: { ...ZERO_USAGE },
      resumes: 0,
      createdAt: now,
      updatedAt: now,
    };
    this.runs.push(run);
    return run;
  }
}
