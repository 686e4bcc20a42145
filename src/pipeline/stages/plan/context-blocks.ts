import { languageOfPath } from '../../../languages/registry.js';
import type { IngestResult } from '../../types.js';

/** The spec block: title, id and every AC with its id. Shared by planner, generator and judge. */
export function renderSpecBlock(ingest: IngestResult): string {
  const spec = ingest.spec.spec;
  const acs = spec.acs.map((ac) => `- ${ac.id}: ${ac.text.replace(/\s+/g, ' ').trim()}`);
  return [`# Spec: ${spec.title} (${spec.id})`, '', '## Acceptance criteria', ...(acs.length ? acs : ['(none found)'])].join('\n');
}

/** Opening code fence for a file, tagged with its language (a Language value is its fence tag). */
export function fence(path: string): string {
  return '```' + (languageOfPath(path) ?? '');
}
