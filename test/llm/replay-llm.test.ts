import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isTfError, type TfError } from '../../src/errors.js';
import { fingerprintRequest } from '../../src/llm/fingerprint.js';
import type { LlmRequest } from '../../src/llm/port.js';
import { recordTranscript } from '../../src/llm/replay/record-transcript.js';
import { createReplayLlm } from '../../src/llm/replay/replay-llm.js';
import { createScriptedLlm } from '../fakes/scripted-llm.js';

const schema = z.object({ n: z.number() });
const req = (prompt: string, purpose: LlmRequest<unknown>['purpose'] = 'generate'): LlmRequest<{ n: number }> => ({
  purpose, system: 'sys', sharedContext: ['spec'], prompt, schema, schemaName: 'num',
});
const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'tf-replay-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('replay adapter', () => {
  it('serves a recorded reply by fingerprint, whatever the order', async () => {
    const file = join(tmp(), 't.json');
    writeFileSync(file, JSON.stringify({
      version: 1,
      entries: [
        { purpose: 'generate', fingerprint: fingerprintRequest(req('first')), response: '{"n":1}' },
        { purpose: 'generate', fingerprint: fingerprintRequest(req('second')), response: '{"n":2}' },
      ],
    }));
    const llm = createReplayLlm(file);
    expect((await llm.complete(req('second'))).value).toEqual({ n: 2 });
    expect((await llm.complete(req('first\r\n'))).value).toEqual({ n: 1 });
  });

  it('fails loudly with REPLAY_MISS, the purpose and a prompt excerpt', async () => {
    const llm = createReplayLlm({ version: 1, match: 'fingerprint', entries: [{ purpose: 'plan', fingerprint: fingerprintRequest(req('a', 'plan')), response: '{"n":1}' }] });
    const err = (await llm.complete(req('write a test for apply_discount')).catch((e: unknown) => e)) as TfError;
    expect(isTfError(err, 'REPLAY_MISS')).toBe(true);
    expect(err.message).toContain('generate');
    expect(err.message).toContain('write a test for apply_discount');
    expect(err.details).toMatchObject({ purpose: 'generate', schemaName: 'num' });
  });

  it('matches by purpose and order only when the transcript says sequence', async () => {
    const entries = [
      { purpose: 'plan' as const, fingerprint: 'a'.repeat(64), response: '{"n":10}' },
      { purpose: 'generate' as const, fingerprint: 'b'.repeat(64), response: '{"n":20}' },
      { purpose: 'generate' as const, fingerprint: 'c'.repeat(64), response: '{"n":21}' },
    ];
    const seq = createReplayLlm({ version: 1, match: 'sequence', entries });
    expect((await seq.complete(req('anything'))).value.n).toBe(20);
    expect((await seq.complete(req('else', 'plan'))).value.n).toBe(10);
    expect((await seq.complete(req('more'))).value.n).toBe(21);
    await expect(seq.complete(req('one too many'))).rejects.toMatchObject({ code: 'REPLAY_MISS' });
    const byPrint = createReplayLlm({ version: 1, match: 'fingerprint', entries });
    await expect(byPrint.complete(req('anything'))).rejects.toMatchObject({ code: 'REPLAY_MISS' });
  });

  it('round-trips: what recordTranscript writes, replay serves back with its usage', async () => {
    const file = join(tmp(), 'rec', 'transcript.json');
    const scripted = createScriptedLlm([{ n: 7 }, { n: 8 }]);
    const recorder = recordTranscript(scripted, file);
    const a = await recorder.complete(req('one'));
    const b = await recorder.complete(req('two', 'judge'));
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as { entries: Array<{ purpose: string; chars: unknown }> };
    expect(onDisk.entries.map((e) => e.purpose)).toEqual(['generate', 'judge']);
    expect(onDisk.entries[0]?.chars).toEqual({ system: 3, shared: 4, prompt: 3 });
    const replay = createReplayLlm(file);
    const b2 = await replay.complete(req('two', 'judge'));
    const a2 = await replay.complete(req('one'));
    expect([a2.value, b2.value]).toEqual([a.value, b.value]);
    expect(a2.usage).toEqual(a.usage);
    expect(replay.model).toBe('scripted');
  });

  it('rejects a malformed transcript with CONFIG_INVALID', () => {
    const file = join(tmp(), 'bad.json');
    writeFileSync(file, JSON.stringify({ version: 1, entries: [{ purpose: 'plan' }] }));
    expect(() => createReplayLlm(file)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
