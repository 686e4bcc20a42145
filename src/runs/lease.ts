import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { RunLease } from './types.js';

/**
 * Leases: a running run belongs to the process holding its lease, which renews it (heartbeat) every
 * third of its length. A lease that is not renewed expires: its process died (SIGKILL, a crash, the
 * machine went away). Only then may another process act on the run (runs/recovery.ts).
 */
export const DEFAULT_LEASE_MS = 30_000;

/** `cli`: a command that carries out only its own run; `worker`: the App or `tfactory worker`, which take queued runs. */
export type LeaseRole = 'cli' | 'worker';

/** A new owner id for this process: `<role>:<host>:<pid>:<nonce>`. */
export function newLeaseOwner(role: LeaseRole): string {
  return `${role}:${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** The role of a lease owner id; undefined for runs stored before leases (no owner). */
export function leaseRole(owner: string | undefined): LeaseRole | undefined {
  const role = owner?.split(':')[0];
  return role === 'cli' || role === 'worker' ? role : undefined;
}

/** The lease `owner` holds from `now` for `ttlMs`. */
export function leaseFor(owner: string, now: Date, ttlMs: number): RunLease {
  return { owner, heartbeatAt: now.toISOString(), expiresAt: new Date(now.getTime() + ttlMs).toISOString() };
}
