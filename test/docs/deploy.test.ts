import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../helpers/transpile.js';

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas: unknown };
}

interface K8sContainer {
  image: string;
  command: string[];
  restartPolicy?: string;
  env: Array<{ name: string; value: string }>;
  volumeMounts: Array<{ name: string; mountPath: string }>;
}
interface K8sObject {
  kind: string;
  metadata: { name: string };
  spec: { template: { spec: { containers: K8sContainer[]; initContainers: K8sContainer[] } } };
}

const read = (rel: string): string => readFileSync(join(REPO_ROOT, rel), 'utf8');

describe('deploy/: the scale-out examples', () => {
  it('compose: the App, N workers, Redis, PostgreSQL and a Docker engine, wired through REDIS_URL, DATABASE_URL and DOCKER_HOST', () => {
    const compose = parse(read('deploy/compose.yaml'), { merge: true }) as { services: Record<string, ComposeService> };
    const s = compose.services;
    expect(Object.keys(s).sort()).toEqual(['app', 'docker', 'home', 'images', 'postgres', 'redis', 'worker']);
    expect(s.worker?.command).toEqual(['node', 'bin/tfactory.js', 'worker']);
    expect(s.app?.command).toEqual(['node', 'dist/index.js']);
    expect(String(s.worker?.deploy?.replicas)).toMatch(/TFACTORY_WORKERS/);
    for (const name of ['app', 'worker'] as const) {
      expect(s[name]?.environment?.REDIS_URL).toBe('redis://redis:6379');
      expect(s[name]?.environment?.DATABASE_URL).toMatch(/^postgres:\/\/tfactory:\$\{POSTGRES_PASSWORD[^}]*\}@postgres:5432\/tfactory$/);
      expect(s[name]?.environment?.PRIVATE_KEY_PATH).toBe('/run/secrets/github-app-key'); // a secret file, not a variable
    }
    // the sandbox's bind mounts: the workers and their engine share one volume at the same path
    expect(s.worker?.environment?.DOCKER_HOST).toBe('tcp://docker:2375');
    expect(s.worker?.volumes).toContain('tfactory-home:/var/lib/tfactory');
    expect(s.docker?.volumes).toContain('tfactory-home:/var/lib/tfactory');
    expect(s.worker?.depends_on?.images).toEqual({ condition: 'service_completed_successfully' });
    // no secret written into the file: each comes from deploy/.env
    expect(read('deploy/compose.yaml')).not.toMatch(/^\s*[A-Z_]*(PASSWORD|API_KEY|SECRET):\s*[^$\s]/m);
  });

  it('kubernetes: the App and the workers as Deployments; each worker reaches its engine through DOCKER_HOST', () => {
    const docs = parseAllDocuments(read('deploy/kubernetes/tfactory.yaml')).map((d) => d.toJS() as K8sObject);
    const deployments = docs.filter((d) => d.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name)).toEqual(['tfactory-app', 'tfactory-worker']);
    const worker = deployments[1]?.spec.template.spec;
    const container = worker?.containers[0] as K8sContainer;
    expect(container.command.join(' ')).toContain('exec node bin/tfactory.js worker');
    expect(container.env).toContainEqual({ name: 'DOCKER_HOST', value: 'tcp://127.0.0.1:2375' });
    const sidecar = worker?.initContainers[0] as K8sContainer;
    expect(sidecar.restartPolicy).toBe('Always');
    expect(sidecar.image).toMatch(/dind-rootless/);
    const mount = (c: K8sContainer) => c.volumeMounts.find((m) => m.name === 'home')?.mountPath;
    expect(mount(container)).toBe('/var/lib/tfactory');
    expect(mount(sidecar)).toBe('/var/lib/tfactory');
  });
});
