// The evolve.propose section: off by default, its defaults, and every size bounded with the field named.
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../config/run-config.js';

describe('evolve.propose config', () => {
  it('is off unless given, and fills its defaults', () => {
    expect(parseRunConfig({}).evolve.propose).toBeUndefined();
    expect(parseRunConfig({ evolve: { propose: {} } }).evolve.propose).toEqual({
      from: 2,
      examples: 3,
      threshold: 0.7,
      similarity: 'rouge-l',
      by: 'student',
      mix: 'proposed',
      temperature: 1,
      metaExamples: 300,
    });
  });

  it.each([
    [{ examples: 17 }, 'evolve.propose.examples'],
    [{ examples: 0 }, 'evolve.propose.examples'],
    [{ count: 0 }, 'evolve.propose.count'],
    [{ count: 20_000_000 }, 'evolve.propose.count'],
    [{ threshold: 0 }, 'evolve.propose.threshold'],
    [{ threshold: 1.5 }, 'evolve.propose.threshold'],
    [{ from: 0 }, 'evolve.propose.from'],
    [{ similarity: 'bleu' }, 'evolve.propose.similarity'],
    [{ by: 'oracle' }, 'evolve.propose.by'],
    [{ seeds: 3 }, 'evolve.propose.seeds'],
  ])('refuses %j naming %s', (propose, field) => {
    expect(() => parseRunConfig({ evolve: { propose } })).toThrow(`"${field}"`);
  });
});
