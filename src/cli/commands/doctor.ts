import { describeError, isTfError } from '../../errors.js';
import { createDockerClient, createDockerImageEngine, ENGINE_HINT, findCaCertificates, pingEngine } from '../../sandbox/docker/index.js';
import { listRunnerImages, type RunnerImageStatus } from '../../sandbox/images/index.js';
import type { CliIo } from '../io.js';
import { parseCommandArgs } from '../args.js';

export const CREDENTIAL_VARS = ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'OPENAI_BASE_URL'] as const;

export interface DoctorReport {
  ok: boolean;
  engine: { reachable: boolean; dockerHost: string; version?: string; apiVersion?: string; error?: string; hint?: string };
  images: { checked: boolean; allCurrent: boolean; runners: RunnerImageStatus[] };
  node: { version: string; ok: boolean; required: string };
  /** Presence only: values are never read out. */
  credentials: Record<(typeof CREDENTIAL_VARS)[number], boolean> & { anyLlm: boolean };
  /** Extra CA certificates the dependency install trusts (TFACTORY_CA_BUNDLE or the host's extra certificates). */
  caBundle: { certificates: number; source?: string; error?: string };
  problems: string[];
  warnings: string[];
}

/** Node ^20.18.1 || >=22, as package.json's engines says. */
export function nodeVersionOk(version: string): boolean {
  const [maj = 0, min = 0, pat = 0] = version.replace(/^v/, '').split('.').map(Number);
  if (maj >= 22) return true;
  return maj === 20 && (min > 18 || (min === 18 && pat >= 1));
}

export async function gatherDoctorReport(env: NodeJS.ProcessEnv, nodeVersion = process.version): Promise<DoctorReport> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const dockerHost = env.DOCKER_HOST?.trim() || 'unix:///var/run/docker.sock';
  const engineReport: DoctorReport['engine'] = { reachable: false, dockerHost };
  const images: DoctorReport['images'] = { checked: false, allCurrent: false, runners: [] };
  try {
    const docker = createDockerClient(env);
    await pingEngine(docker, env);
    const v = await docker.version();
    Object.assign(engineReport, { reachable: true, version: v.Version, apiVersion: v.ApiVersion });
    const runners = await listRunnerImages({ engine: createDockerImageEngine(docker, env) });
    Object.assign(images, { checked: true, runners, allCurrent: runners.every((r) => r.current) });
    for (const r of runners) {
      if (!r.current) {
        problems.push(r.present.length
          ? `runner image ${r.expected} is stale (have ${r.present.join(', ')}): run \`tfactory images build\``
          : `runner image ${r.expected} is missing: run \`tfactory images build\``);
      }
    }
  } catch (err) {
    engineReport.error = isTfError(err) ? err.message : describeError(err);
    engineReport.hint = isTfError(err) && err.hint ? err.hint : ENGINE_HINT;
    problems.push(`Docker engine not reachable at ${dockerHost}: ${engineReport.hint}`);
  }
  const node = { version: nodeVersion, ok: nodeVersionOk(nodeVersion), required: '^20.18.1 || >=22' };
  if (!node.ok) problems.push(`Node ${nodeVersion} is too old: ${node.required} is required`);
  const has = (k: string): boolean => Boolean(env[k]?.trim());
  const credentials = {
    ANTHROPIC_API_KEY: has('ANTHROPIC_API_KEY'),
    OPENAI_API_KEY: has('OPENAI_API_KEY'),
    OPENAI_BASE_URL: has('OPENAI_BASE_URL'),
    anyLlm: has('ANTHROPIC_API_KEY') || has('OPENAI_API_KEY') || has('OPENAI_BASE_URL'),
  };
  const caBundle: DoctorReport['caBundle'] = { certificates: 0 };
  try {
    const found = await findCaCertificates(env);
    if (found) Object.assign(caBundle, { certificates: found.certs.length, source: found.source });
  } catch (err) {
    caBundle.error = describeError(err);
    problems.push(caBundle.error.split('\n')[0] ?? caBundle.error);
  }
  if (!credentials.anyLlm) warnings.push('no LLM credentials (ANTHROPIC_API_KEY, OPENAI_API_KEY or OPENAI_BASE_URL): only replay transcripts can run');
  return { ok: problems.length === 0, engine: engineReport, images, node, credentials, caBundle, problems, warnings };
}

export function renderDoctorReport(r: DoctorReport): string {
  const mark = (ok: boolean): string => (ok ? '✓' : '✗');
  const lines: string[] = ['TFactory doctor', ''];
  lines.push(r.engine.reachable
    ? `${mark(true)} Docker engine ${r.engine.version} (API ${r.engine.apiVersion}) at ${r.engine.dockerHost}`
    : `${mark(false)} Docker engine not reachable at ${r.engine.dockerHost}: ${r.engine.error}\n    → ${r.engine.hint}`);
  if (r.images.checked) {
    for (const img of r.images.runners) {
      const state = img.current ? 'current' : img.present.length ? `stale (have ${img.present.join(', ')})` : 'missing';
      lines.push(`${mark(img.current)} runner image ${img.expected}: ${state}${img.current ? '' : ' → run `tfactory images build`'}`);
    }
  } else {
    lines.push('? runner images: not checked (no engine)');
  }
  lines.push(`${mark(r.node.ok)} Node ${r.node.version} (required ${r.node.required})`);
  lines.push(r.caBundle.error
    ? `${mark(false)} ${r.caBundle.error.replace('\n  →', '\n    →')}`
    : r.caBundle.source
      ? `${mark(true)} dependency installs trust ${r.caBundle.certificates} extra CA certificate(s) from ${r.caBundle.source}`
      : '· no extra CA certificates for dependency installs (behind a TLS-inspecting proxy, set TFACTORY_CA_BUNDLE)');
  for (const k of CREDENTIAL_VARS) lines.push(`${r.credentials[k] ? '✓' : '·'} ${k} ${r.credentials[k] ? 'set' : 'not set'}`);
  for (const w of r.warnings) lines.push(`! ${w}`);
  lines.push('', r.ok ? 'All required checks passed.' : `${r.problems.length} required check(s) failed.`, '');
  return lines.join('\n');
}

const HELP = `Usage: tfactory doctor [--json]

Checks the Docker engine (answers within 5 s), the runner images (tag matches runner-images/),
the Node version, the extra CA certificates dependency installs trust (TFACTORY_CA_BUNDLE or the
host's), and which LLM credentials are configured (presence only, never values).
Exits non-zero when something required is missing.
`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(argv, { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, 'tfactory doctor [--json]');
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const report = await gatherDoctorReport(io.env);
  io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderDoctorReport(report));
  return report.ok ? 0 : 1;
}
