import type { RunEvent, StageName } from '../runs/types.js';
import type { CliIo } from './io.js';

/** live: one status line redrawn in place (a terminal); lines: a line per change; quiet: nothing. */
export type ProgressMode = 'live' | 'lines' | 'quiet';

/** The mode the flags ask for: `--quiet` wins, then `--no-progress` or `--verbose` (plain lines), then the terminal decides. */
export function progressModeFor(flags: { quiet?: unknown; verbose?: unknown; 'no-progress'?: unknown }, io: CliIo): ProgressMode {
  if (flags.quiet === true) return 'quiet';
  if (flags['no-progress'] === true || flags.verbose === true) return 'lines';
  return (io.stderrIsTty ?? io.isTty) ? 'live' : 'lines';
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** What a stage counts, for the status line. */
const UNITS: Partial<Record<StageName, string>> = { generate: 'tests written', evaluate: 'test files graded', plan: 'plan' };
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

interface State {
  stage?: StageName;
  stageStarted: number;
  done: number;
  total: number;
}

/**
 * Follows one run. Live: a status line redrawn every second (stage, n of m, elapsed, an estimate
 * once a stage has counted some of its work), and a permanent line per finished stage. Lines: the
 * same facts, one line per change. Quiet: nothing (the report and errors still print).
 */
export function createProgressDisplay(
  io: CliIo,
  runId: string,
  mode: ProgressMode = (io.stderrIsTty ?? io.isTty) ? 'live' : 'lines',
  now: () => number = Date.now,
): { onEvent: (e: RunEvent) => void; done: () => void } {
  const started = now();
  const state: State = { stageStarted: started, done: 0, total: 0 };
  let frame = 0;
  let lastPlain = '';
  let drawn = false;

  const status = (): string => {
    const elapsed = formatDuration(now() - started);
    if (!state.stage) return `tfactory: starting · ${elapsed}`;
    const unit = UNITS[state.stage] ?? 'steps';
    const count = state.total > 0 ? ` ${state.done}/${state.total} ${unit}` : '';
    const inStage = now() - state.stageStarted;
    const left = state.done > 0 && state.total > state.done ? ` · ~${formatDuration((inStage / state.done) * (state.total - state.done))} left in ${state.stage}` : '';
    return `tfactory: ${state.stage}${count} · ${elapsed} elapsed${left}`;
  };
  const draw = (): void => {
    if (mode !== 'live') return;
    frame = (frame + 1) % SPINNER.length;
    io.stderr(`\r\x1b[2K${SPINNER[frame]} ${status()}`);
    drawn = true;
  };
  const permanent = (text: string): void => {
    if (mode === 'quiet') return;
    if (mode === 'live') {
      io.stderr(`\r\x1b[2K${text}\n`);
      drawn = false;
      draw();
      return;
    }
    if (text === lastPlain) return;
    lastPlain = text;
    io.stderr(`${text}\n`);
  };
  const timer = mode === 'live' ? setInterval(draw, 1000) : undefined;
  timer?.unref();

  return {
    onEvent(e) {
      if (e.run.id !== runId) return;
      if (e.type === 'stage') {
        const s = e.run.stages.find((x) => x.name === e.stage);
        if (s?.status === 'running') {
          Object.assign(state, { stage: e.stage, stageStarted: now(), done: 0, total: 0 });
          if (mode === 'lines') permanent(`tfactory: ${e.stage} started · ${formatDuration(now() - started)} elapsed`);
          else draw();
          return;
        }
        const took = s?.durationMs !== undefined ? ` in ${formatDuration(s.durationMs)}` : '';
        const why = s?.status === 'failed' && s.error ? `: ${s.error.code}: ${s.error.message.split('\n')[0] ?? ''}` : s?.note ? ` (${s.note})` : '';
        if (mode === 'live') {
          // A terminal keeps one line per run: finished stages go into the final line, a failure is said now.
          if (s?.status === 'failed') permanent(`✗ ${e.stage}${took}${why}`);
          else draw();
          return;
        }
        permanent(`tfactory: ${e.stage} ${s?.status ?? 'done'}${took}${why}`);
      } else if (e.type === 'progress') {
        Object.assign(state, { done: e.done, total: e.total });
        if (mode === 'lines') permanent(`tfactory: ${e.stage} ${e.done}/${e.total} ${UNITS[e.stage] ?? 'steps'} · ${formatDuration(now() - started)} elapsed`);
        else draw();
      } else if (e.type === 'finished') {
        const total = formatDuration(now() - started);
        if (mode === 'live') {
          const stages = e.run.stages.filter((x) => x.durationMs !== undefined && x.status === 'done').map((x) => `${x.name} ${formatDuration(x.durationMs ?? 0)}`);
          permanent(`${e.run.status === 'succeeded' ? '✓' : '✗'} run ${e.run.status} in ${total}${stages.length ? ` (${stages.join(' · ')})` : ''}`);
        } else {
          permanent(`tfactory: run ${e.run.status} in ${total}`);
        }
      }
    },
    done() {
      if (timer) clearInterval(timer);
      if (mode === 'live' && drawn) io.stderr('\r\x1b[2K');
    },
  };
}
