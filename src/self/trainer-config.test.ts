// The trainer and llamaCpp config sections: defaults, and bad values named by file:line and field.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'trainer-config-'));
const load = (config: unknown) => {
  const file = join(dir, 'c.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return () => loadConfigFile(file);
};

describe('trainer config', () => {
  it('fills defaults and leaves the trainer to the model kind when absent', () => {
    expect(parseConfig({}).trainer).toBeUndefined();
    const openai = parseConfig({ trainer: { kind: 'openai' }, llamaCpp: {} });
    expect(openai.trainer).toEqual({
      kind: 'openai',
      baseURL: 'https://api.openai.com/v1',
      pollSeconds: 10,
      episodes: false,
    });
    expect(openai.llamaCpp).toMatchObject({
      sequences: 4,
      feedback: 'none',
      mode: 'auto',
      gpu: false,
    });
    const command = parseConfig({ trainer: { kind: 'command', command: ['python', 'train.py'] } });
    expect(command.trainer).toMatchObject({ episodes: true });
  });

  it('names the line and field of a bad trainer or llamaCpp value', () => {
    expect(load({ seed: 1, trainer: { kind: 'command', command: [] } })).toThrow(
      /c.json:5 field "trainer.command"/,
    );
    expect(load({ trainer: { kind: 'openai', apiKey: 'sk-123' } })).toThrow(
      /field "trainer.apiKey": secrets are read from environment variables only/,
    );
    expect(load({ trainer: { kind: 'tinker' } })).toThrow(/field "trainer.kind"/);
    expect(load({ llamaCpp: { feedback: 'regex' } })).toThrow(/field "llamaCpp.feedback"/);
  });
});
