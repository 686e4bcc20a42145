import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createRunEvents } from '../../src/runs/events.js';
import type { RunEvent } from '../../src/runs/types.js';
import { makeRun } from '../fakes/runs.js';

function recordingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

describe('createRunEvents', () => {
  it('delivers each event to every subscriber, in subscription order', () => {
    const events = createRunEvents(recordingLogger().log);
    const seen: string[] = [];
    events.subscribe((e) => seen.push(`a:${e.type}`));
    events.subscribe((e) => seen.push(`b:${e.type}`));
    events.emit({ type: 'created', run: makeRun() });
    events.emit({ type: 'finished', run: makeRun({ status: 'succeeded' }) });
    expect(seen).toEqual(['a:created', 'b:created', 'a:finished', 'b:finished']);
  });

  it('stops delivering after unsubscribe', () => {
    const events = createRunEvents(recordingLogger().log);
    const seen: RunEvent[] = [];
    const unsubscribe = events.subscribe((e) => seen.push(e));
    events.emit({ type: 'created', run: makeRun() });
    unsubscribe();
    events.emit({ type: 'created', run: makeRun() });
    expect(seen).toHaveLength(1);
  });

  it('logs a throwing listener and still delivers to the others', () => {
    const { log, lines } = recordingLogger();
    const events = createRunEvents(log);
    const seen: string[] = [];
    events.subscribe(() => {
      throw new Error('listener broke');
    });
    events.subscribe((e) => seen.push(e.run.id));
    expect(() => events.emit({ type: 'stage', run: makeRun({ id: 'run-9' }), stage: 'plan' })).not.toThrow();
    expect(seen).toEqual(['run-9']);
    expect(lines).toEqual([expect.objectContaining({ msg: 'run event listener failed', event: 'stage', runId: 'run-9', level: 40 })]);
  });

  it('lets a listener unsubscribe itself while an event is being delivered', () => {
    const events = createRunEvents(recordingLogger().log);
    const seen: string[] = [];
    const off = events.subscribe(() => {
      seen.push('once');
      off();
    });
    events.subscribe(() => seen.push('always'));
    events.emit({ type: 'created', run: makeRun() });
    events.emit({ type: 'created', run: makeRun() });
    expect(seen).toEqual(['once', 'always', 'always']);
  });
});
