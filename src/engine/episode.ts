// How a SELF episode becomes tokens: each section is its opening token, its text, and `<|end|>`.
// Training sequences carry the loss mask per token; a prompt ends with the next section's token.
import type { Section, Turn } from '../spec/language-model.js';
import type { TrainingTurn } from '../spec/trainer.js';
import type { TrainingSequence } from './batching.js';
import { END, type Tokenizer } from './tokenizer.js';

/**
 * Tokens of an SFT example. A turn marked `train` has loss on its text and its closing
 * `<|end|>` (so the model learns where a section stops), never on its opening token.
 */
export function encodeExample(
  tokenizer: Tokenizer,
  turns: readonly TrainingTurn[],
): TrainingSequence {
  const ids: number[] = [];
  const loss: boolean[] = [];
  for (const turn of turns) {
    ids.push(tokenizer.sectionToken(turn.section));
    loss.push(false);
    for (const id of tokenizer.encode(turn.text)) {
      ids.push(id);
      loss.push(turn.train);
    }
    ids.push(END);
    loss.push(turn.train);
  }
  return { ids, loss };
}

/** Tokens that ask for section `next` after `turns`: the episode so far, then next's opening token. */
export function encodePrompt(
  tokenizer: Tokenizer,
  turns: readonly Turn[],
  next: Section,
): number[] {
  const ids: number[] = [];
  for (const turn of turns) {
    ids.push(tokenizer.sectionToken(turn.section), ...tokenizer.encode(turn.text), END);
  }
  ids.push(tokenizer.sectionToken(next));
  return ids;
}
