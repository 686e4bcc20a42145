import { TfError, isTfError } from '../errors.js';
import type { GitAuthor } from '../git/commit-push.js';
import type { Logger } from '../logger.js';
import type { Publisher } from '../pipeline/types.js';
import { selectCommittable } from '../pipeline/stages/publish/committable.js';
import type { Report } from '../report/types.js';
import type { Run } from '../runs/types.js';
import { buildAnnotations } from './annotations.js';
import { buildReportOutput } from './check-output.js';
import { completeCheckRun, createQueuedCheckRun } from './check-run.js';
import type { CheckRunProgress } from './check-run-progress.js';
import type { CheckRunTracker } from './check-run-tracker.js';
import type { InstallationAuth } from './octokit.js';
import { composeReportComment, upsertReportComment } from './pr-comment.js';
import { pushTests, type GithubSource, type PushOutcome } from './push-tests.js';
import { evaluateQualityGate, type GateResult } from './quality-gate.js';

export type RenderMarkdown = (report: Report) => string;

export interface GithubPublisherDeps {
  auth: InstallationAuth;
  /** An installation access token for git (Probot: `(await app.auth(id)).auth({ type: 'installation' })`). */
  getToken: (installationId: number) => Promise<string>;
  tracker: CheckRunTracker;
  progress: CheckRunProgress;
  renderMarkdown: RenderMarkdown;
  log: Logger;
  /** Default `https://github.com`. */
  gitBaseUrl?: string;
  author?: GitAuthor;
  workRoot?: string;
  /** The run's dashboard page (TFACTORY_PUBLIC_URL): linked from the comment and the check run. */
  runPageUrl?: (runId: string) => string | undefined;
}

export const DEFAULT_AUTHOR: GitAuthor = { name: 'tfactory[bot]', email: 'tfactory[bot]@users.noreply.github.com' };

/**
 * Tests that were accepted but could not be pushed (a fork without maintainer edits, a refused push)
 * make the check `neutral`, never `success`: the patch is in the PR comment.
 */
export function notPushedGate(gate: GateResult, outcome: PushOutcome): GateResult {
  if (outcome.kind !== 'patch' && outcome.kind !== 'failed') return gate;
  const reason = `the tests were not pushed (${outcome.reason}); the patch is in the PR comment`;
  if (gate.conclusion === 'success') return { conclusion: 'neutral', reasons: [reason] };
  return { ...gate, reasons: [...gate.reasons, reason] };
}

function githubSource(run: Run): GithubSource {
  const src = run.request.source;
  if (src.kind !== 'github') throw new TfError('INTERNAL', `run ${run.id} is not a GitHub run`);
  return src;
}

/** The Publisher of GitHub runs: commit/push (or patch), one sticky PR comment, the check run's conclusion. */
export function createGithubPublisher(deps: GithubPublisherDeps): Publisher {
  return {
    async stageChanged(run, stage) {
      deps.progress.update(run, stage);
    },

    async publish(run, report, accepted) {
      const src = githubSource(run);
      const log = deps.log.child({ runId: run.id });
      const octokit = await deps.auth(src.installationId);
      const notes: string[] = [];
      // The settings the run was triggered with (the repo config is read once, at trigger).
      const { settings } = run.request;
      const selection = selectCommittable(report, accepted, settings);
      const files = selection.files.map((f) => ({ path: f.path, content: f.content }));
      let outcome: PushOutcome;
      try {
        outcome = await pushTests({
          octokit,
          token: await deps.getToken(src.installationId),
          source: src,
          runId: run.id,
          files,
          testCount: selection.testCount,
          // A PR without a spec: "for this change", not "for derived".
          specId: report.spec?.derived ? undefined : report.spec?.id,
          gitBaseUrl: deps.gitBaseUrl ?? 'https://github.com',
          author: deps.author ?? DEFAULT_AUTHOR,
          log,
          ...(deps.workRoot ? { workRoot: deps.workRoot } : {}),
        });
      } catch (err) {
        if (!isTfError(err, 'GIT_FAILED')) throw err;
        log.warn({ err: err.toJSON() }, 'publishing the tests failed');
        outcome = { kind: 'failed', reason: err.message };
      }
      if (outcome.kind === 'pushed' && outcome.rebased) notes.push(`The head branch moved during the run; the test commit was rebased onto it.`);

      const markdown = deps.renderMarkdown(report);
      const page = deps.runPageUrl?.(run.id);
      const comment = await upsertReportComment(
        octokit,
        { owner: src.owner, repo: src.repo, issueNumber: src.pullNumber },
        composeReportComment(markdown, outcome, page ? [...notes, `The whole run, live and with each test's code: [run page](${page})`] : notes),
      );

      await deps.progress.settle(run.id);
      const gate = notPushedGate(evaluateQualityGate(report, settings.qualityGate), outcome);
      await deps.tracker.exclusive(run.id, async () => {
        // Completion is final: a check run completed already (by a cancel that won the race) stays as it is.
        if (deps.tracker.isCompleted(run.id)) return;
        const found = await deps.tracker.resolve(octokit, run);
        if (!found && deps.tracker.isCompleted(run.id)) return;
        const ref = found ?? (await createQueuedCheckRun(octokit, { owner: src.owner, repo: src.repo, headSha: src.headSha, runId: run.id, detailsUrl: page }));
        await completeCheckRun(octokit, ref, {
          conclusion: gate.conclusion,
          output: buildReportOutput(report, gate, markdown, notes),
          annotations: buildAnnotations(report),
          detailsUrl: page ?? comment.htmlUrl,
        });
        deps.tracker.markCompleted(run.id);
      });

      const outcomeNote = outcome.kind === 'patch' || outcome.kind === 'failed' ? [`tests not pushed: ${outcome.reason}`] : [];
      return { ...(outcome.kind === 'pushed' ? { commitSha: outcome.commitSha } : {}), notes: [...notes, ...outcomeNote] };
    },
  };
}
