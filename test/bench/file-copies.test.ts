import { describe, expect, it } from 'vitest';
import { copiedFiles } from '../../src/bench/file-copies.js';

describe('copiedFiles (bench:file-cost)', () => {
  it('keeps the originals and adds each file under a new name with its test functions renamed', () => {
    const files = [
      { path: 'test_a.py', content: 'import pytest\n\ndef helper():\n    return 1\n\ndef test_one():\n    assert helper() == 1\n\nasync def test_two(x):\n    pass\n' },
      { path: 'test_b.py', content: 'def test_b():\n    assert True\n' },
    ];
    const out = copiedFiles(files, 3);
    expect(out.map((f) => f.path)).toEqual(['test_a.py', 'test_b.py', 'test_a_copy2.py', 'test_b_copy2.py', 'test_a_copy3.py', 'test_b_copy3.py']);
    expect(out[0]).toEqual(files[0]);
    expect(out[2]?.content).toBe('import pytest\n\ndef helper():\n    return 1\n\ndef test_one_copy2():\n    assert helper() == 1\n\nasync def test_two_copy2(x):\n    pass\n');
    expect(out[5]?.content).toBe('def test_b_copy3():\n    assert True\n');
  });
});
