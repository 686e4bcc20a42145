import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Run, RunEvent } from '../runs/types.js';
import { activityBetween } from './activity.js';
import { isActive, toLiveSnapshot } from './view-model.js';

export interface LiveSource {
  get(id: string): Promise<Run | undefined>;
  /** In-process run events (the App, `serve --worker`): changes arrive at once; the poll catches the rest. */
  subscribe?(listener: (event: RunEvent) => void): () => void;
}

export interface LiveOptions {
  /** How often the store is read for changes made by other processes (default 500 ms). */
  pollMs?: number;
  /** A comment line this often keeps proxies from closing an idle stream (default 15 s). */
  heartbeatMs?: number;
}

function write(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/**
 * Server-Sent Events for one run: `snapshot` (its status, stages, progress, summary) whenever it
 * changes, `log` lines for what moved, then `end` once it is final, and the stream closes. The
 * stream reads the store (the run may be carried out by another process) and the in-process events.
 */
export function streamRun(req: IncomingMessage, res: ServerResponse, first: Run, source: LiveSource, opts: LiveOptions = {}): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  res.write('retry: 2000\n\n');
  let last = first;
  let lastJson = JSON.stringify(toLiveSnapshot(first));
  let closed = false;
  let checking = false;
  write(res, 'snapshot', toLiveSnapshot(first));

  const close = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(poll);
    clearInterval(heartbeat);
    unsubscribe();
    res.end();
  };
  const consider = (next: Run): void => {
    if (closed || next.id !== first.id) return;
    const json = JSON.stringify(toLiveSnapshot(next));
    if (json !== lastJson) {
      for (const line of activityBetween(last, next, new Date().toISOString())) write(res, 'log', line);
      write(res, 'snapshot', toLiveSnapshot(next));
      last = next;
      lastJson = json;
    }
    if (!isActive(next)) {
      write(res, 'end', { status: next.status });
      close();
    }
  };
  const check = (): void => {
    if (checking || closed) return;
    checking = true;
    source.get(first.id).then(
      (run) => {
        checking = false;
        if (run) consider(run);
        else close();
      },
      () => {
        checking = false;
      },
    );
  };
  const poll = setInterval(check, opts.pollMs ?? 500);
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), opts.heartbeatMs ?? 15_000);
  const unsubscribe = source.subscribe?.((event) => {
    if (event.run.id === first.id) check();
  }) ?? ((): void => undefined);
  req.on('close', close);
  res.on('error', close);
  if (!isActive(first)) consider(first);
}
