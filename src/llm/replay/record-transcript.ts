import { excerptPrompt, fingerprintRequest } from '../fingerprint.js';
import type { LlmPort, LlmRequest, LlmResponse } from '../port.js';
import { writeTranscript, type Transcript } from './transcript.js';

export interface RecordingPort extends LlmPort {
  /** What has been recorded so far (also on disk after every call). */
  readonly transcript: Transcript;
}

/**
 * Wraps any port and writes every successful exchange to `file` (rewritten after each call, so a
 * crash keeps what was recorded). Replaying the file with createReplayLlm serves the same values.
 */
export function recordTranscript(port: LlmPort, file: string, opts: { match?: 'fingerprint' | 'sequence'; now?: () => Date } = {}): RecordingPort {
  const transcript: Transcript = {
    version: 1,
    match: opts.match ?? 'fingerprint',
    provider: port.provider,
    model: port.model,
    recordedAt: (opts.now ?? (() => new Date()))().toISOString(),
    entries: [],
  };
  return {
    provider: port.provider,
    model: port.model,
    transcript,
    async complete<T>(req: LlmRequest<T>, signal?: AbortSignal): Promise<LlmResponse<T>> {
      const res = await port.complete(req, signal);
      transcript.entries.push({
        purpose: req.purpose,
        fingerprint: fingerprintRequest(req),
        schemaName: req.schemaName,
        promptExcerpt: excerptPrompt(req.prompt),
        chars: { system: req.system.length, shared: req.sharedContext.reduce((n, s) => n + s.length, 0), prompt: req.prompt.length },
        response: JSON.stringify(res.value),
        usage: res.usage,
      });
      writeTranscript(file, transcript);
      return res;
    },
  };
}
