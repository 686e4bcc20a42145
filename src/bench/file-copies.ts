import type { ProvidedFile } from './evaluate-run.js';

/**
 * Every file `copies` times: the first as it is, the others as `<stem>_copy<k><ext>` with their
 * Python test functions renamed the same way (a copy is a new test, not a duplicate of one).
 */
export function copiedFiles(files: ProvidedFile[], copies: number): ProvidedFile[] {
  const out: ProvidedFile[] = [];
  for (let k = 1; k <= copies; k++) {
    for (const f of files) {
      out.push(k === 1 ? f : { path: f.path.replace(/(\.[^.]+)$/, `_copy${k}$1`), content: f.content.replace(/^(\s*(?:async\s+)?def\s+test\w*)\(/gm, `$1_copy${k}(`) });
    }
  }
  return out;
}
