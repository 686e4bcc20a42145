// Writes the published JSON schemas from their zod sources (run after `npm run build`).
import { writeFileSync, existsSync } from 'node:fs';
const { reportJsonSchema } = await import('../dist/report/schema.js');
writeFileSync(new URL('../schema/report.schema.json', import.meta.url), JSON.stringify(reportJsonSchema(), null, 2) + '\n');
if (existsSync(new URL('../dist/config/repo-config.js', import.meta.url))) {
  const m = await import('../dist/config/repo-config.js');
  if (typeof m.repoConfigJsonSchema === 'function') {
    writeFileSync(new URL('../schema/tfactory-config.schema.json', import.meta.url), JSON.stringify(m.repoConfigJsonSchema(), null, 2) + '\n');
  }
}
console.log('schemas written');
