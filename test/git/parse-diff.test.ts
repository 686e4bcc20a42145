import { describe, expect, it } from 'vitest';
import { mergeRanges, parseUnifiedDiff, unquotePath } from '../../src/git/parse-diff.js';

const PATCH = `diff --git a/new.py b/new.py
new file mode 100644
index 0000000..1111111
--- /dev/null
+++ b/new.py
@@ -0,0 +1,3 @@
+def a():
+    return 1
+
diff --git a/gone.ts b/gone.ts
deleted file mode 100644
index 2222222..0000000
--- a/gone.ts
+++ /dev/null
@@ -1,2 +0,0 @@
-export const x = 1;
-export const y = 2;
diff --git a/q.sql b/q.sql
index 3333333..4444444 100644
--- a/q.sql
+++ b/q.sql
@@ -4 +3,0 @@
--- a removed SQL comment
@@ -9,0 +9,2 @@
++++ an added line that looks like a header
+x
diff --git "a/caf\\303\\251 file.py" "b/caf\\303\\251 file.py"
index 5555555..6666666 100644
--- "a/caf\\303\\251 file.py"
+++ "b/caf\\303\\251 file.py"
@@ -1 +1 @@
-x = 1
+x = 2
diff --git a/img.png b/img.png
new file mode 100644
index 0000000..7777777
Binary files /dev/null and b/img.png differ
diff --git a/run.sh b/run.sh
old mode 100644
new mode 100755
`;

describe('parseUnifiedDiff', () => {
  const files = parseUnifiedDiff(PATCH);

  it('reads added, deleted, modified, quoted, binary and mode-only entries', () => {
    expect(files.map((f) => [f.path, f.change, f.binary])).toEqual([
      ['new.py', 'added', false],
      ['gone.ts', 'deleted', false],
      ['q.sql', 'modified', false],
      ['café file.py', 'modified', false],
      ['img.png', 'added', true],
      ['run.sh', 'modified', false],
    ]);
  });

  it('keeps head-side and base-side ranges, and content lines never pass for headers', () => {
    expect(files[0]?.addedRanges).toEqual([{ start: 1, end: 3 }]);
    expect(files[1]?.removedRanges).toEqual([{ start: 1, end: 2 }]);
    expect(files[2]).toMatchObject({ path: 'q.sql', addedRanges: [{ start: 9, end: 10 }], removedRanges: [{ start: 4, end: 4 }] });
  });
});

describe('helpers', () => {
  it('unquotes C-style paths and merges touching ranges', () => {
    expect(unquotePath('"a/tab\\there"')).toBe('a/tab\there');
    expect(unquotePath('plain/path.ts')).toBe('plain/path.ts');
    expect(mergeRanges([{ start: 5, end: 6 }, { start: 1, end: 2 }, { start: 3, end: 3 }, { start: 9, end: 9 }])).toEqual([{ start: 1, end: 3 }, { start: 5, end: 6 }, { start: 9, end: 9 }]);
  });
});
