import { Context } from 'probot';
import type { Logger } from '../logger.js';
import type { Delivery, DeliveryInbox } from './delivery-inbox.js';
import type { HandlerDeps } from './handler-deps.js';
import { handleCheckRunRerequested } from './on-check-run.js';
import { handleIssueComment } from './on-issue-comment.js';
import { handlePullRequestLabeled, handlePullRequestSynchronize } from './on-pull-request.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one queue serves handlers of every event
type AnyContext = Context<any>;
type Handler<C> = (deps: HandlerDeps, context: C) => Promise<void>;

/** The handler of each event and action, for deliveries handled again after a restart. */
const HANDLERS: Record<string, Handler<AnyContext>> = {
  'pull_request.labeled': handlePullRequestLabeled as Handler<AnyContext>,
  'pull_request.synchronize': handlePullRequestSynchronize as Handler<AnyContext>,
  'issue_comment.created': handleIssueComment as Handler<AnyContext>,
  'check_run.rerequested': handleCheckRunRerequested as Handler<AnyContext>,
};

export interface DeferredWorkDeps {
  inbox: DeliveryInbox;
  deps: HandlerDeps;
  log: Logger;
  /** An installation client (Probot: `app.auth(installationId)`), for deliveries handled again after a restart. */
  auth: (installationId: number) => Promise<unknown>;
  /** Deliveries worked on at once (default 8). */
  concurrency?: number;
}

const DEFAULT_CONCURRENCY = 8;

export interface DeferredWork {
  /** Records the delivery and returns (the webhook is answered); the handler runs after. A redelivery does nothing. */
  accept<C extends AnyContext>(context: C, handler: Handler<C>): Promise<void>;
  /** Handles again the deliveries recorded before a crash (in the background). */
  replayPending(): void;
  /** Resolves once every accepted delivery's work is done. */
  settled(): Promise<void>;
}

/**
 * Fast webhook answers: the signature is verified by Probot's middleware before a handler runs; the
 * handler only records the delivery durably and returns, so GitHub gets its answer in milliseconds.
 * The work (repo config, permission check, run, check run, comments) runs after the answer, through
 * the installation's Octokit and so through Probot's throttling.
 */
export function createDeferredWork(d: DeferredWorkDeps): DeferredWork {
  const inFlight = new Set<Promise<void>>();
  const limit = Math.max(1, d.concurrency ?? DEFAULT_CONCURRENCY);
  let running = 0;
  const waiting: Array<() => void> = [];
  // A few deliveries are worked on at once (GitHub writes are throttled anyway), so a burst's work
  // does not crowd out the answers to the deliveries still arriving.
  const slot = (): Promise<void> => {
    if (running < limit) {
      running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) setImmediate(next);
    else running--;
  };

  const launch = (delivery: Pick<Delivery, 'id' | 'name'>, run: () => Promise<void>): void => {
    const task = slot()
      .then(run)
      .catch((err: unknown) => d.log.error({ err, deliveryId: delivery.id, event: delivery.name }, 'webhook work failed'))
      .finally(async () => {
        release();
        await d.inbox.done(delivery.id).catch((err: unknown) => d.log.warn({ err, deliveryId: delivery.id }, 'delivery record not removed'));
        inFlight.delete(task);
      });
    inFlight.add(task);
  };

  return {
    async accept(context, handler) {
      const accepted = await d.inbox.accept({ id: context.id, name: context.name, payload: context.payload });
      if (!accepted) {
        d.log.info({ deliveryId: context.id, event: context.name }, 'delivery already received; ignored');
        return;
      }
      launch({ id: context.id, name: context.name }, () => handler(d.deps, context));
    },
    replayPending() {
      for (const delivery of d.inbox.pending()) {
        const payload = delivery.payload as { action?: string; installation?: { id?: number } };
        const handler = HANDLERS[`${delivery.name}.${payload.action ?? ''}`];
        const installationId = payload.installation?.id;
        if (!handler || installationId === undefined) {
          void d.inbox.done(delivery.id);
          continue;
        }
        d.log.info({ deliveryId: delivery.id, event: delivery.name }, 'handling a delivery received before a restart');
        launch(delivery, async () => {
          const octokit = await d.auth(installationId);
          const context = new Context({ id: delivery.id, name: delivery.name, payload: delivery.payload } as never, octokit as never, d.log as never);
          await handler(d.deps, context);
        });
      }
    },
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
