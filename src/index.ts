/**
 * Probot entry (`npm start` = `probot run ./dist/index.js`): wiring only (DESIGN.md, habit 1).
 * The app function is `createApp(deps)` from src/github/app.ts; this file only supplies the deps.
 */
import type { ApplicationFunction, Probot } from 'probot';
import { TfError } from './errors.js';
import { createApp, type AppDeps } from './github/app.js';

export { createApp };
export type { AppDeps };

/** Builds the app's dependencies (run service + worker running the pipeline, report renderer). */
export type AppDepsFactory = (app: Probot) => AppDeps | Promise<AppDeps>;

/** The app function for a given wiring. */
export function createEntry(factory: AppDepsFactory): ApplicationFunction {
  return createApp(factory);
}

/**
 * The run service and its worker (src/runs/ + src/pipeline/) are wired here by the lead; until then
 * `npm start` says so plainly instead of accepting webhooks it cannot act on.
 */
const unwired: AppDepsFactory = () => {
  throw new TfError('INTERNAL', 'the GitHub App has no run service wired in', {
    hint: 'build the deps in src/index.ts: createRunService({ store, executor: runPipeline(…) }) and renderMarkdown; pass the publisher from onReady to the pipeline ports',
  });
};

export default createEntry(unwired);
