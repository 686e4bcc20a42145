import { describe, expect, it } from 'vitest';
import { parseCommand, renderHelp, tokenizeArgs } from '../../src/github/commands.js';

describe('parseCommand', () => {
  it('finds a command on its own line anywhere, case-insensitively', () => {
    expect(parseCommand('Nice work.\n\n  /TFactory RUN  \nthanks')).toEqual({ kind: 'run' });
    expect(parseCommand('/tfactory status')).toEqual({ kind: 'status' });
    expect(parseCommand('/tfactory cancel\r\n')).toEqual({ kind: 'cancel' });
    expect(parseCommand('/tfactory')).toEqual({ kind: 'help' });
  });

  it('reads --spec with quotes, and --spec=', () => {
    expect(parseCommand('/tfactory run --spec 042-discounts')).toEqual({ kind: 'run', specId: '042-discounts' });
    expect(parseCommand('/tfactory run --spec "spec with spaces"')).toEqual({ kind: 'run', specId: 'spec with spaces' });
    expect(parseCommand("/tfactory run --SPEC='a \"b\"'")).toEqual({ kind: 'run', specId: 'a "b"' });
  });

  it('ignores text that is not a command line', () => {
    expect(parseCommand('please /tfactory run')).toBeNull();
    expect(parseCommand('/tfactoryrun')).toBeNull();
    expect(parseCommand('> /tfactory run\nquoted reply')).toBeNull();
    expect(parseCommand('```\n/tfactory run\n```')).toBeNull();
    expect(parseCommand('```\n/tfactory run\n```\n/tfactory status')).toEqual({ kind: 'status' });
  });

  it('reports unknown commands and bad arguments', () => {
    expect(parseCommand('/tfactory frob')).toMatchObject({ kind: 'unknown', problem: 'unknown command `frob`' });
    expect(parseCommand('/tfactory run --spec')).toMatchObject({ kind: 'unknown', problem: '`--spec` needs a spec id' });
    expect(parseCommand('/tfactory run --force')).toMatchObject({ kind: 'unknown', problem: 'unexpected argument `--force`' });
    expect(parseCommand('/tfactory status now')).toMatchObject({ kind: 'unknown' });
    expect(parseCommand('/tfactory run --spec "open')).toMatchObject({ kind: 'unknown', problem: 'unclosed quote' });
  });

  it('tokenizes quoted arguments', () => {
    expect(tokenizeArgs(`a "b c" 'd e' "x\\"y" ""`)).toEqual({ ok: true, args: ['a', 'b c', 'd e', 'x"y', ''] });
  });

  it('renders help with the configured label and the problem', () => {
    const help = renderHelp('run-tests', 'unknown command `x`');
    expect(help).toMatch(/^I did not understand that command \(unknown command `x`\)/);
    expect(help).toMatch(/`run-tests` label/);
  });
});
