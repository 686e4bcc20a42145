import type { Logger } from '../logger.js';
import type { RunEvent } from './types.js';

export interface RunEvents {
  emit(event: RunEvent): void;
  subscribe(listener: (event: RunEvent) => void): () => void;
}

/** In-process fan-out of run events; a throwing listener is logged and does not stop the others. */
export function createRunEvents(log: Logger): RunEvents {
  const listeners = new Set<(event: RunEvent) => void>();
  return {
    emit(event) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch (err) {
          log.warn({ err, event: event.type, runId: event.run.id }, 'run event listener failed');
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
