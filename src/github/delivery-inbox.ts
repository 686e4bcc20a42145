import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/** A webhook delivery as Probot hands it to a handler (signature already verified). */
export interface Delivery {
  id: string;
  name: string;
  payload: unknown;
}

/** Delivery ids remembered after their work is done, so a redelivery does nothing (oldest forgotten first). */
const SEEN_MEMORY = 50_000;

/** The journal is rewritten with only its pending deliveries once this much was appended. */
const COMPACT_AFTER_BYTES = 8 * 1024 * 1024;

type Entry = { op: 'accept'; delivery: Delivery } | { op: 'done'; id: string };

/**
 * Records each delivery before the webhook is answered, so the work done after the answer survives
 * a crash. The record is an append-only journal (`<dir>/inbox.jsonl`): an `accept` line per delivery,
 * a `done` line when its work is over. Appends are group-committed: the deliveries that arrive while
 * one write + fsync is under way share the next one, so a burst costs a few fsyncs, not one each.
 * At start the journal is read (accepted and not done = to handle again) and compacted; it is
 * compacted again whenever 8 MB were appended, so it stays the size of the work in progress.
 * Idempotent by delivery id. Without a folder (tests), deliveries are remembered in memory only.
 */
export class DeliveryInbox {
  readonly #file: string | undefined;
  readonly #seen = new Set<string>();
  readonly #pending = new Map<string, Delivery>();
  #handle: Promise<FileHandle> | undefined;
  #queue: Array<{ line: string; durable: boolean; resolve: () => void; reject: (err: unknown) => void }> = [];
  #flushing = false;
  /** Bytes appended since the journal was last compacted. */
  #written = 0;

  constructor(dir?: string) {
    if (!dir) return;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.#file = join(dir, 'inbox.jsonl');
    this.#load();
  }

  /** Records the delivery (durably, when a folder is set) and resolves; false when this id was already accepted. */
  async accept(delivery: Delivery): Promise<boolean> {
    if (this.#seen.has(delivery.id)) return false;
    this.#remember(delivery.id);
    this.#pending.set(delivery.id, delivery);
    await this.#append({ op: 'accept', delivery }, true);
    return true;
  }

  /** The delivery's work is done (whatever its outcome). */
  async done(id: string): Promise<void> {
    if (!this.#pending.delete(id)) return;
    // Losing a `done` line in a crash only means the work is looked at again (and finds its run).
    await this.#append({ op: 'done', id }, false);
  }

  /** Deliveries recorded but not done when the journal was read (a crash came between answer and work). */
  pending(): Delivery[] {
    return [...this.#pending.values()];
  }

  async close(): Promise<void> {
    if (this.#handle) await (await this.#handle).close();
    this.#handle = undefined;
  }

  #load(): void {
    const file = this.#file;
    if (!file) return;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      text = '';
    }
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const entry = JSON.parse(line) as Entry;
        if (entry.op === 'accept' && typeof entry.delivery?.id === 'string' && typeof entry.delivery.name === 'string') {
          this.#remember(entry.delivery.id);
          this.#pending.set(entry.delivery.id, entry.delivery);
        } else if (entry.op === 'done') this.#pending.delete(entry.id);
      } catch {
        // A line cut by a crash mid-write: that delivery was never answered, GitHub sends it again.
      }
    }
    // Compaction: only the deliveries still to handle stay.
    this.#writeCompacted(file);
  }

  #append(entry: Entry, durable: boolean): Promise<void> {
    if (!this.#file) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#queue.push({ line: `${JSON.stringify(entry)}\n`, durable, resolve, reject });
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    if (this.#flushing || !this.#file) return;
    this.#flushing = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue;
        this.#queue = [];
        try {
          this.#handle ??= open(this.#file, 'a', 0o600);
          const handle = await this.#handle;
          const text = batch.map((b) => b.line).join('');
          await handle.write(text);
          this.#written += Buffer.byteLength(text);
          if (batch.some((b) => b.durable)) await handle.datasync();
          for (const b of batch) b.resolve();
          if (this.#written > COMPACT_AFTER_BYTES) await this.#compactOpen();
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  /** Rewrites the journal with only the pending deliveries (between two batches, so nothing is in flight). */
  async #compactOpen(): Promise<void> {
    const file = this.#file;
    if (!file) return;
    if (this.#handle) await (await this.#handle).close();
    this.#handle = undefined;
    this.#writeCompacted(file);
    this.#written = 0;
  }

  #writeCompacted(file: string): void {
    const tmp = `${file}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      for (const delivery of this.#pending.values()) writeSync(fd, `${JSON.stringify({ op: 'accept', delivery } satisfies Entry)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  }

  #remember(id: string): void {
    this.#seen.add(id);
    if (this.#seen.size > SEEN_MEMORY) {
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
  }
}
