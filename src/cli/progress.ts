import type { RunEvent } from '../runs/types.js';
import type { CliIo } from './io.js';

/**
 * Follows one run: on a terminal, one line rewritten in place (stage, tests done out of total);
 * otherwise plain lines, one per change.
 */
export function createProgressDisplay(io: CliIo, runId: string): { onEvent: (e: RunEvent) => void; done: () => void } {
  let last = '';
  const show = (text: string): void => {
    if (text === last) return;
    last = text;
    if (io.isTty) io.stderr(`\r\x1b[2K${text}`);
    else io.stderr(`${text}\n`);
  };
  return {
    onEvent(e) {
      if (e.run.id !== runId) return;
      if (e.type === 'stage') {
        const s = e.run.stages.find((x) => x.name === e.stage);
        const status = s?.status ?? 'running';
        const extra = s?.status === 'failed' && s.error ? `: ${s.error.message}` : s?.note ? ` (${s.note})` : '';
        show(`tfactory: ${e.stage} ${status}${s?.durationMs !== undefined ? ` in ${(s.durationMs / 1000).toFixed(1)}s` : ''}${extra}`);
      } else if (e.type === 'progress') {
        show(`tfactory: ${e.stage} ${e.done}/${e.total}`);
      } else if (e.type === 'finished') {
        show(`tfactory: run ${e.run.status}`);
      }
    },
    done() {
      if (io.isTty && last) io.stderr('\n');
    },
  };
}
