import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pythonRuntimeDir } from '../../../src/languages/python/runtime-path.js';
import { PYTHON, requireHostPython } from './runtime-helpers.js';

const hasPython = requireHostPython();

// Every kind of mutation on one small module. A mutant's tree shares every node off its site's path
// with the parsed module (tfactory_rt/mutants.py apply_site), so the parsed module must come out of
// every mutant exactly as it went in, or the next mutant would carry the last one's change.
const SOURCE = `def price(total, code, items):
    if code == "HALF" and total > 10:
        total = total / 2
    elif not items:
        return 0
    total = total - 1 if total >= 100 else total
    for item in items:
        total += item * 2
    return total
`;

const SCRIPT = `
import ast, json, sys
sys.path.insert(0, sys.argv[1])
from tfactory_rt import mutants
from tfactory_rt.static import FileFacts
source = sys.argv[2]
facts = FileFacts(source, "price.py")
sites = mutants.enumerate_sites(facts.tree, set(range(1, 20)), facts.line_to_stmt)
tree = ast.parse(source, filename="price.py")
before = ast.dump(tree, include_attributes=True)
out = {"kinds": sorted({s["op"]["kind"] for s in sites}), "changed": [], "same": [], "results": []}
for site in sites:
    mutated = mutants.apply_site(tree, site)
    (out["same"] if ast.dump(mutated) == ast.dump(tree) else out["changed"]).append(site["op"]["kind"])
    scope = {}
    exec(compile(mutated, "price.py", "exec", dont_inherit=True), scope)
    try:
        out["results"].append(repr(scope["price"](120, "HALF", [1, 2])))
    except Exception as err:
        out["results"].append(type(err).__name__)
out["untouched"] = ast.dump(tree, include_attributes=True) == before
out["identity"] = mutants.apply_site(tree, dict(sites[0], op={"kind": "identity"})) is tree
print(json.dumps(out))
`;

describe.skipIf(!hasPython)('python mutants: the parsed module is shared, never changed', () => {
  it('gives every mutant its own change and leaves the parsed module as it was', () => {
    const out = JSON.parse(execFileSync(PYTHON, ['-c', SCRIPT, join(pythonRuntimeDir()), SOURCE], { encoding: 'utf8', timeout: 30_000 })) as {
      kinds: string[]; changed: string[]; same: string[]; results: string[]; untouched: boolean; identity: boolean;
    };
    expect(out.kinds.length).toBeGreaterThanOrEqual(4);
    expect(out.same).toEqual([]);
    expect(out.changed.length).toBeGreaterThan(8);
    expect(out.untouched).toBe(true);
    expect(out.identity).toBe(true);
    // The original returns 65.0 (120/2 = 60, then 60 + 2 + 4); the mutants do not all agree with it.
    expect(new Set(out.results).size).toBeGreaterThan(3);
  });
});
