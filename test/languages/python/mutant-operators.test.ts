import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pythonRuntimeDir } from '../../../src/languages/python/runtime-path.js';
import { PYTHON, requireHostPython } from './runtime-helpers.js';

// Enumerates the mutants of one changed line with the engine's own mutants.py and runs each.
const SCRIPT = String.raw`
import ast, json, sys
from tfactory_rt import mutants
source = "import functools\ndef ordered(xs):\n    return sorted(xs, key=functools.cmp_to_key(lambda a, b: a['at'] - b['at']))\n"
tree = ast.parse(source)
sites = [s for s in mutants.enumerate_sites(tree, {3}, {3: 3}) if s["operator"] in ("arithmetic", "operand-swap")]
out = []
for site in sites:
    env = {}
    exec(compile(mutants.apply_site(tree, site), "ordered.py", "exec"), env)
    order = [x["id"] for x in env["ordered"]([{"id": "first", "at": 1}, {"id": "second", "at": 2}])]
    out.append({"operator": site["operator"], "description": site["description"], "order": order})
print(json.dumps(out))
`;

describe.skipIf(!requireHostPython())('python mutants of a difference', () => {
  it('swaps the operands as well as the operator, so a comparator whose sign matters is caught', () => {
    const out = JSON.parse(execFileSync(PYTHON, ['-c', SCRIPT], { env: { ...process.env, PYTHONPATH: pythonRuntimeDir() }, encoding: 'utf8' })) as { operator: string; description: string; order: string[] }[];
    const arithmetic = out.find((m) => m.operator === 'arithmetic' && m.description.includes("a['at'] + b['at']"));
    const swapped = out.find((m) => m.operator === 'operand-swap');
    // `a + b` keeps every comparison positive: input already in order does not move.
    expect(arithmetic?.order).toEqual(['first', 'second']);
    expect(swapped?.order).toEqual(['second', 'first']);
    expect(swapped?.description).toMatch(/a\['at'\] - b\['at'\] → b\['at'\] - a\['at'\]$/);
  });
});
