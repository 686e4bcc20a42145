/** The signals that stop a command: Ctrl-C in a terminal, and what a supervisor (systemd, Kubernetes, docker stop) sends. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** The exit status of a command stopped by a signal: 128 + its number (130 for SIGINT, 143 for SIGTERM). */
export function exitCodeOf(signal: StopSignal): number {
  return signal === 'SIGINT' ? 130 : 143;
}

export interface SignalTarget {
  on(event: StopSignal, listener: () => void): unknown;
  off(event: StopSignal, listener: () => void): unknown;
}

/**
 * The first SIGINT/SIGTERM calls `onFirst` (stop the work cleanly: stop its containers, record it,
 * release its lease); a second one forces: `force` is called (a message, then exit) at once.
 * Returns the function that removes the handlers.
 */
export function onStopSignals(
  onFirst: (signal: StopSignal) => void,
  opts: { target?: SignalTarget; force?: (signal: StopSignal) => void } = {},
): () => void {
  const target = opts.target ?? process;
  const force = opts.force ?? ((signal: StopSignal) => {
    process.stderr.write(`tfactory: ${signal} again: exiting now (leftover containers are removed by the next start)\n`);
    process.exit(exitCodeOf(signal));
  });
  let received = false;
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = (): void => {
      if (received) return force(signal);
      received = true;
      onFirst(signal);
    };
    target.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) target.off(signal, handler);
  };
}
