import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** A webhook delivery as Probot hands it to a handler (signature already verified). */
export interface Delivery {
  id: string;
  name: string;
  payload: unknown;
}

/** Delivery ids remembered after their work is done, so a redelivery does nothing (oldest forgotten first). */
const SEEN_MEMORY = 50_000;

/**
 * Records each delivery before the webhook is answered, so the work done after the answer survives
 * a crash: one file per pending delivery (`<dir>/<id>.json`, written then renamed, fsynced), removed
 * when its work is done; at start the files left are the deliveries to handle again. Idempotent by
 * delivery id: a delivery already pending or done is not accepted twice. Without a folder (tests),
 * deliveries are remembered in memory only.
 */
export class DeliveryInbox {
  readonly #dir: string | undefined;
  readonly #seen = new Set<string>();

  constructor(dir?: string) {
    this.#dir = dir;
    if (dir) mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  /** Records the delivery; false when this id was already accepted (a redelivery). */
  async accept(delivery: Delivery): Promise<boolean> {
    if (this.#seen.has(delivery.id)) return false;
    this.#remember(delivery.id);
    if (this.#dir && SAFE_ID.test(delivery.id)) {
      const file = join(this.#dir, `${delivery.id}.json`);
      const tmp = `${file}.tmp`;
      const handle = await open(tmp, 'w', 0o600);
      try {
        await handle.writeFile(JSON.stringify(delivery));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, file);
    }
    return true;
  }

  /** The delivery's work is done (whatever its outcome): its record goes. */
  async done(id: string): Promise<void> {
    if (this.#dir && SAFE_ID.test(id)) await rm(join(this.#dir, `${id}.json`), { force: true });
  }

  /** Deliveries recorded but not done (a crash came between the answer and the end of the work). */
  pending(): Delivery[] {
    if (!this.#dir) return [];
    const out: Delivery[] = [];
    for (const name of readdirSync(this.#dir)) {
      if (!name.endsWith('.json')) continue;
      try {
        const delivery = JSON.parse(readFileSync(join(this.#dir, name), 'utf8')) as Delivery;
        if (typeof delivery.id === 'string' && typeof delivery.name === 'string') {
          this.#remember(delivery.id);
          out.push(delivery);
        }
      } catch {
        // A torn write cannot happen (rename), but a file someone edited is skipped.
      }
    }
    return out;
  }

  #remember(id: string): void {
    this.#seen.add(id);
    if (this.#seen.size > SEEN_MEMORY) {
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
  }
}

/** GitHub's delivery ids are GUIDs; anything else never becomes a file name. */
const SAFE_ID = /^[A-Za-z0-9._-]{1,100}$/;
