import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TfError } from '../../errors.js';
import { createDockerClient, createDockerImageEngine, createDockerSandbox } from '../../sandbox/docker/index.js';
import {
  buildRunnerImages, describeBaseChoice, isRunnerName, listRunnerImages, requireRunnerImage, RUNNER_NAMES, type RunnerName,
} from '../../sandbox/images/index.js';
import { parseJUnitXml } from '../../sandbox/results/index.js';
import type { CliIo } from '../io.js';
import { parseCommandArgs } from '../args.js';

const HELP = `Usage: tfactory images <build|list|smoke> [options]

  build [--base <image>] [--only <python|node>] [--force]
        Build the runner images from runner-images/<name>/. The tag is a hash of the folder and the
        base, so an unchanged image is reused. Base: --base, else debian:bookworm-slim (local or
        pulled within ~20 s), else a debootstrap image (tfactory/debian-bootstrap:bookworm).
  list  Show each runner image's expected tag and whether it is current.
  smoke Run a sample pytest project and a node check in the hardened sandbox.
`;

function parse(argv: string[]) {
  return parseCommandArgs(argv, {
    base: { type: 'string' }, only: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  }, 'tfactory images <build|list|smoke> [--base <image>]', { positionals: true });
}

async function buildCommand(values: { base?: string; only?: string; force?: boolean }, io: CliIo): Promise<number> {
  let names: readonly RunnerName[] = RUNNER_NAMES;
  if (values.only !== undefined) {
    if (!isRunnerName(values.only)) throw new TfError('USAGE', `unknown runner image '${values.only}'`, { hint: `one of: ${RUNNER_NAMES.join(', ')}` });
    names = [values.only];
  }
  const engine = createDockerImageEngine(createDockerClient(io.env), io.env);
  const result = await buildRunnerImages({
    engine, names,
    ...(values.base ? { base: values.base } : {}),
    ...(values.force ? { force: true } : {}),
    onLine: (line) => io.stdout(`${line}\n`),
  });
  io.stdout(`\nBase: ${describeBaseChoice(result.base)}\n`);
  for (const img of result.images) io.stdout(`  ${img.name}: ${img.ref} (${img.built ? 'built' : 'reused'})\n`);
  return 0;
}

async function listCommand(io: CliIo): Promise<number> {
  const engine = createDockerImageEngine(createDockerClient(io.env), io.env);
  await engine.ping();
  const runners = await listRunnerImages({ engine });
  for (const r of runners) io.stdout(`${r.name}: ${r.expected} ${r.current ? 'current' : 'NOT BUILT'}${r.present.length ? ` (present: ${r.present.join(', ')})` : ''}\n`);
  return runners.every((r) => r.current) ? 0 : 1;
}

const SAMPLE_MODULE = `def apply_discount(price, percent):
    if not 0 <= percent <= 100:
        raise ValueError("percent out of range")
    return round(price * (100 - percent) / 100, 2)
`;
const SAMPLE_TEST = `import pytest
from pricing import apply_discount

def test_discount():
    assert apply_discount(200, 25) == 150

def test_rejects_bad_percent():
    with pytest.raises(ValueError):
        apply_discount(10, 150)
`;

async function smokeCommand(io: CliIo): Promise<number> {
  const sandbox = createDockerSandbox({ env: io.env });
  const python = await requireRunnerImage('python', { engine: sandbox.images });
  const node = await requireRunnerImage('node', { engine: sandbox.images });
  const ws = await mkdtemp(join(tmpdir(), 'tfactory-smoke-'));
  try {
    await writeFile(join(ws, 'pricing.py'), SAMPLE_MODULE);
    await writeFile(join(ws, 'test_pricing.py'), SAMPLE_TEST);
    io.stdout(`Sandboxed pytest run in ${python} (no network, read-only checkout, non-root):\n`);
    const py = await sandbox.run({ image: python, workspace: ws, labels: { 'tfactory.purpose': 'smoke' } }, {
      cmd: ['python3', '-m', 'pytest', '-q', '-p', 'no:cacheprovider', '--junitxml=/scratch/junit.xml'],
      timeoutMs: 60_000,
    });
    io.stdout(py.stdout.split('\n').map((l) => `  | ${l}`).join('\n') + '\n');
    io.stdout(`  exit ${py.exitCode} (${py.endReason}) in ${py.durationMs} ms; scratch files: ${py.files.map((f) => f.path).join(', ') || 'none'}\n`);
    // The runner's own JUnit report, read back from the scratch folder: both sample tests must have passed.
    const junit = py.files.find((f) => f.path === 'junit.xml');
    const totals = junit ? parseJUnitXml(junit.content.toString('utf8')).totals : undefined;
    io.stdout(totals ? `  JUnit report: ${totals.passed}/${totals.tests} passed, ${totals.failed} failed, ${totals.errors} errors\n` : '  JUnit report: missing\n');
    const nd = await sandbox.run({ image: node, workspace: ws, labels: { 'tfactory.purpose': 'smoke' } }, {
      cmd: ['node', '-e', 'console.log(`node ${process.version}, uid ${process.getuid()}`)'],
      timeoutMs: 30_000,
    });
    io.stdout(`Node runner ${node}: ${nd.stdout.trim()} (exit ${nd.exitCode})\n`);
    const ok = py.exitCode === 0 && totals !== undefined && totals.tests === 2 && totals.passed === 2 && nd.exitCode === 0;
    io.stdout(ok ? 'Smoke run passed.\n' : 'Smoke run FAILED.\n');
    return ok ? 0 : 1;
  } finally {
    await rm(ws, { recursive: true, force: true });
  }
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv);
  const sub = positionals[0];
  if (values.help || !sub) {
    io.stdout(HELP);
    return sub || values.help ? 0 : 2;
  }
  switch (sub) {
    case 'build': return buildCommand(values, io);
    case 'list': return listCommand(io);
    case 'smoke': return smokeCommand(io);
    default: throw new TfError('USAGE', `unknown images subcommand '${sub}'`, { hint: 'tfactory images <build|list|smoke>' });
  }
}
