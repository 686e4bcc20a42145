import { execFileSync } from 'node:child_process';

/**
 * Docker-backed tests run against a real engine. Locally, without an engine, they skip loudly;
 * in CI (CI=true) a missing engine is a failure, never a silent skip.
 */
export function dockerAvailable(): boolean {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

export function requireDocker(): boolean {
  const ok = dockerAvailable();
  if (!ok) {
    if (process.env.CI === 'true') {
      throw new Error('CI=true and no Docker engine is reachable: sandbox tests must not skip in CI. Run scripts/setup.sh first.');
    }
    console.warn('\n*** SKIPPING Docker-backed tests: no Docker engine is reachable. Run scripts/setup.sh to provision one. ***\n');
  }
  return ok;
}
