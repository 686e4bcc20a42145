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
  const textOf = (m) => m.node.getText(analyses.find((a) => a.file === m.file).analysis.sf);
  const sham = shamMutant(selected, Number(input.seed) || 0, textOf);
  let next = 1;
  for (const m of selected) {
    if (next === sham.slot) next += 1;
    m.id = `M${next}`;
    next += 1;
  }
  const decoys = sham.decoy ? [{ ...sham.decoy, id: sham.id }] : [];
  const mutants = [];
  for (const { file, abs, analysis } of analyses) {
    const probed = new Map();
    const own = selected.filter((m) => m.file === file);
    const ownDecoys = decoys.filter((m) => m.file === file);
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
      writeFileSync(abs, emitInstrumented(analysis, { probed, mutants: [...own, ...ownDecoys].map((m) => ({ ...m })), fileKey: file }));
    } catch (e) {
      errors.push(`could not write the instrumented ${file}: ${e?.message ?? e}`);
    }
  }
  return { changedExecutable, probeLines, mutants, errors, shamId: selected.length > 0 ? sham.id : undefined };
}

/**
 * The control mutant (engine.mjs): an id like the others, in a random slot of the numbering, whose
 * schema branch, where one can be planted, is the original code itself (an operator swapped for
 * itself, a literal replaced by its own text). Switching it on changes nothing the code does, so a
 * test that fails under it is watching the grader's switch, not the code's behaviour.
 */
function shamMutant(selected, seed, textOf) {
  const slot = 1 + (Math.abs(Math.imul(seed ^ 0x9e3779b9, 2654435761)) % (selected.length + 1));
  const id = `M${slot}`;
  const binary = selected.find((m) => m.kind === 'binary');
  if (binary) return { slot, id, decoy: { ...binary, to: binary.op } };
  const literal = selected.find((m) => m.kind === 'replace');
  if (literal) return { slot, id, decoy: { ...literal, to: textOf(literal) } };
  return { slot, id };
}
