import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { extractJson, parseJsonOutput, toJsonSchema, validateOutput } from '../../src/llm/structured-output.js';

const Plan = z.object({ subtasks: z.array(z.object({ id: z.string(), acIds: z.array(z.string()).min(1) })) });

describe('extractJson', () => {
  it('takes bare JSON, a fenced block, or the outermost object in prose', () => {
    expect(extractJson('  {"a":1}  ')).toBe('{"a":1}');
    expect(extractJson('[1,2]')).toBe('[1,2]');
    expect(extractJson('Here:\n```json\n{"a": 1}\n```\nDone.')).toBe('{"a": 1}');
    expect(extractJson('Here:\n```\n{"b": 2}\n```')).toBe('{"b": 2}');
    expect(extractJson('The plan is {"a": {"b": 1}} as asked.')).toBe('{"a": {"b": 1}}');
  });

  it('finds nothing in text without an object', () => {
    expect(extractJson('no json here')).toBeUndefined();
    expect(extractJson('} backwards {')).toBeUndefined();
  });
});

describe('parseJsonOutput', () => {
  it('parses and validates', () => {
    expect(parseJsonOutput('```json\n{"subtasks":[{"id":"S1","acIds":["AC#1"]}]}\n```', Plan)).toEqual({ ok: true, value: { subtasks: [{ id: 'S1', acIds: ['AC#1'] }] } });
  });

  it('says what is wrong in words fit to quote back to the model', () => {
    expect(parseJsonOutput('nothing', Plan)).toEqual({ ok: false, error: 'the reply holds no JSON object' });
    const broken = parseJsonOutput('{"subtasks": [}', Plan);
    expect(broken.ok ? '' : broken.error).toMatch(/^the reply is not valid JSON: /);
    expect(parseJsonOutput('{"subtasks":[{"id":"S1","acIds":[]}]}', Plan)).toEqual({ ok: false, error: expect.stringMatching(/^- subtasks\.0\.acIds: /) });
  });
});

describe('validateOutput', () => {
  it('names the root when the whole value is wrong, and lists at most 20 issues', () => {
    expect(validateOutput('text', Plan)).toEqual({ ok: false, error: expect.stringMatching(/^- \(root\): /) });
    const many = validateOutput({ subtasks: Array.from({ length: 30 }, () => ({})) }, Plan);
    expect(many.ok ? 0 : many.error.split('\n').length).toBe(20);
  });
});

describe('toJsonSchema', () => {
  it('gives the JSON Schema without its $schema key', () => {
    const schema = toJsonSchema(Plan);
    expect(schema).not.toHaveProperty('$schema');
    expect(schema).toMatchObject({ type: 'object', required: ['subtasks'], properties: { subtasks: { type: 'array' } } });
  });
});
