// Writes the published JSON schemas from their zod sources (run after `npm run build`).
import { writeFileSync } from 'node:fs';
const { reportJsonSchema } = await import('../dist/report/schema.js');
writeFileSync(new URL('../schema/report.schema.json', import.meta.url), JSON.stringify(reportJsonSchema(), null, 2) + '\n');
const { renderRepoConfigJsonSchema } = await import('../dist/config/repo-config.js');
writeFileSync(new URL('../schema/tfactory-config.schema.json', import.meta.url), renderRepoConfigJsonSchema());
console.log('schemas written');
