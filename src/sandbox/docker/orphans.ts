import { readdir, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { DockerClient } from './client.js';
import { removeDir, TEMP_PREFIX } from './scratch.js';

export interface RemoveOrphansOptions {
  /** Remove every tfactory container, live owner or not (e.g. after a crash, from the CLI). */
  all?: boolean;
  /** Only this sandbox instance's containers. */
  instanceId?: string;
}

export interface RemovedOrphans {
  containers: string[];
  tempDirs: string[];
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A container or temp folder is an orphan when the process that made it (on this host) is gone. */
function ownerGone(labels: Record<string, string>): boolean {
  if (labels['tfactory.host'] !== hostname()) return false;
  const pid = Number(labels['tfactory.pid']);
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid);
}

/** Removes leftover sandbox containers (label tfactory=1) and temp folders whose owner is gone. */
export async function removeOrphanResources(docker: DockerClient, tempRoot: string, opts: RemoveOrphansOptions = {}): Promise<RemovedOrphans> {
  const label = ['tfactory=1', ...(opts.instanceId ? [`tfactory.sandbox=${opts.instanceId}`] : [])];
  const list = await docker.listContainers({ all: true, filters: JSON.stringify({ label }) });
  const containers: string[] = [];
  for (const c of list) {
    if (!(opts.all || opts.instanceId || ownerGone(c.Labels ?? {}))) continue;
    await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
    containers.push(c.Id);
  }
  const tempDirs: string[] = [];
  for (const name of await readdir(tempRoot).catch(() => [] as string[])) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const pid = Number(name.slice(TEMP_PREFIX.length).split('-')[0]);
    const gone = pid !== process.pid && !processAlive(pid);
    const full = join(tempRoot, name);
    if (!(opts.all || gone) || !(await stat(full).catch(() => undefined))?.isDirectory()) continue;
    await removeDir(full).catch(() => undefined);
    tempDirs.push(full);
  }
  return { containers, tempDirs };
}
