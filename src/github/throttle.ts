/** A timer the throttle can cancel; injectable so tests drive time by hand. */
export type Schedule = (fn: () => void, ms: number) => { cancel(): void };

export const realSchedule: Schedule = (fn, ms) => {
  const handle = setTimeout(fn, ms);
  handle.unref?.();
  return { cancel: () => clearTimeout(handle) };
};

export interface KeyedThrottleOptions<T> {
  minIntervalMs: number;
  send: (key: string, value: T) => Promise<void>;
  /** Values equal to the last one sent for a key are dropped. */
  sameAs?: (a: T, b: T) => boolean;
  now?: () => number;
  schedule?: Schedule;
}

export interface KeyedThrottle<T> {
  /** Sends now if the key's interval has passed, else keeps the latest value for one trailing send. */
  push(key: string, value: T): void;
  /** Drops any pending value of the key and waits for sends in flight. */
  stop(key: string): Promise<void>;
}

interface KeyState<T> {
  lastSentAt: number | null;
  lastSent: T | null;
  pending: T | null;
  timer: { cancel(): void } | null;
  chain: Promise<void>;
}

/** Per-key throttle with a trailing send and ordered delivery (one chain of sends per key). */
export function createKeyedThrottle<T>(opts: KeyedThrottleOptions<T>): KeyedThrottle<T> {
  const now = opts.now ?? Date.now;
  const schedule = opts.schedule ?? realSchedule;
  const states = new Map<string, KeyState<T>>();

  const stateOf = (key: string): KeyState<T> => {
    let s = states.get(key);
    if (!s) {
      s = { lastSentAt: null, lastSent: null, pending: null, timer: null, chain: Promise.resolve() };
      states.set(key, s);
    }
    return s;
  };

  const sendNow = (key: string, s: KeyState<T>, value: T): void => {
    s.lastSentAt = now();
    s.lastSent = value;
    s.chain = s.chain.then(() => opts.send(key, value)).catch(() => undefined);
  };

  return {
    push(key, value) {
      const s = stateOf(key);
      if (s.lastSent !== null && opts.sameAs?.(s.lastSent, value)) return;
      const elapsed = s.lastSentAt === null ? Infinity : now() - s.lastSentAt;
      if (elapsed >= opts.minIntervalMs && s.timer === null) {
        sendNow(key, s, value);
        return;
      }
      s.pending = value;
      if (s.timer === null) {
        s.timer = schedule(() => {
          s.timer = null;
          const next = s.pending;
          s.pending = null;
          if (next !== null) sendNow(key, s, next);
        }, Math.max(0, opts.minIntervalMs - (elapsed === Infinity ? 0 : elapsed)));
      }
    },
    async stop(key) {
      const s = states.get(key);
      if (!s) return;
      s.timer?.cancel();
      s.timer = null;
      s.pending = null;
      states.delete(key);
      await s.chain;
    },
  };
}
