// Instrument every changed source file of the writable copy: probes and mutant schemata in place,
// and the tables that map probe hits back to changed lines and mutants back to probes.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeSource, emitInstrumented } from './instrument.mjs';
import { selectMutants } from './mutate.mjs';

const SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

function toLineSet(ranges) {
  const set = new Set();
  for (const r of ranges ?? []) for (let l = r.start; l <= r.end; l += 1) set.add(l);
  return set;
}

/**
 * input: the GraderInput; workRoot: the writable repo copy. Returns
 * { changedExecutable, probeLines: Map 'file#k' → lines, mutants: [{ id, file, line, operator, description, probe }], errors }.
 */
export function instrumentChangedFiles(ts, input, workRoot) {
  const testFiles = new Set([...input.candidateFiles, ...input.suiteFiles]);
  const changedExecutable = {};
  const probeLines = new Map();
  const analyses = [];
  const errors = [];
  for (const [file, ranges] of Object.entries(input.changedRanges)) {
    if (testFiles.has(file) || !SOURCE.test(file) || /\.d\.[cm]?ts$/.test(file)) continue;
    const abs = join(workRoot, file);
    if (!existsSync(abs)) continue;
    try {
      const text = readFileSync(abs, 'utf8');
      const analysis = analyzeSource(ts, { text, fileName: file, changedLines: toLineSet(ranges) });
      if (analysis.executable.length > 0) changedExecutable[file] = analysis.executable;
      analyses.push({ file, abs, analysis });
    } catch (e) {
      errors.push(`could not instrument ${file}: ${e?.message ?? e}`);
    }
  }
  const all = analyses.flatMap(({ file, analysis }) => analysis.candidates.map((c) => ({ ...c, file })));
  const selected = input.mutation ? selectMutants(all, input.maxMutants) : [];
  selected.forEach((m, i) => { m.id = `M${i + 1}`; });
  const mutants = [];
  for (const { file, abs, analysis } of analyses) {
    const probed = new Map();
    const own = selected.filter((m) => m.file === file);
    for (const site of analysis.sites) {
      if (site.lines.length > 0 || own.some((m) => m.site === site)) probed.set(site, site.index);
    }
    if (probed.size === 0 && own.length === 0) continue;
    for (const [site, k] of probed) probeLines.set(`${file}#${k}`, site.lines);
    for (const m of own) {
      mutants.push({ id: m.id, file, line: m.line, operator: m.operator, description: m.description, probe: `${file}#${m.site.index}` });
    }
    try {
      // Candidates keep their node; emitInstrumented matches them by node identity.
      writeFileSync(abs, emitInstrumented(analysis, { probed, mutants: own.map((m) => ({ ...m })), fileKey: file }));
    } catch (e) {
      errors.push(`could not write the instrumented ${file}: ${e?.message ?? e}`);
    }
  }
  return { changedExecutable, probeLines, mutants, errors };
}
