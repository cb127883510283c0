// SELF episodes as tokens for GGUF models exported by self-evolve: each section is its opening
// token, its text (tokenized by llama.cpp), and `<|end|>`, exactly as the embedded engine writes
// them. llama.cpp drops characters a char vocabulary lacks; we map them to `<|unk|>` as the
// engine does, so prompts tokenize identically.
import type { LlamaModel, Token } from 'node-llama-cpp';
import { SPECIAL_TOKENS } from '../../engine/index.js';
import { CheckpointError } from '../../spec/errors.js';
import type { Section, Turn } from '../../spec/language-model.js';

const SECTION_NAMES: Record<Section, string> = {
  prompt: '<|prompt|>',
  response: '<|response|>',
  feedback: '<|feedback|>',
  refinement: '<|refinement|>',
};

/** How a self-evolve GGUF model's episodes become tokens. */
export class NativeEpisodes {
  /** Every special token but `<|unk|>`: any of them ends a section. */
  readonly stops: ReadonlySet<number>;
  private readonly ids: ReadonlyMap<string, number>;
  /** Characters of a char vocabulary; undefined for a byte vocabulary (every text is known). */
  private readonly known?: ReadonlySet<string>;

  constructor(
    readonly model: LlamaModel,
    file: string,
  ) {
    const meta = model.fileInfo.metadata as unknown as {
      tokenizer?: { ggml?: { tokens?: string[] } };
      self_evolve?: { tokenizer?: string };
    };
    const tokens = meta.tokenizer?.ggml?.tokens ?? [];
    const ids = new Map<string, number>();
    SPECIAL_TOKENS.forEach((name, id) => {
      if (tokens[id] !== name) {
        throw new CheckpointError(file, `token ${id} is not ${name}: not a self-evolve export`, {
          hint: 'use mode "chat" for other GGUF models',
        });
      }
      ids.set(name, id);
    });
    this.ids = ids;
    this.stops = new Set(SPECIAL_TOKENS.map((_, id) => id).filter((id) => id !== this.unk));
    if (meta.self_evolve?.tokenizer === 'char') {
      const chars = new Set<string>();
      for (let id = SPECIAL_TOKENS.length; id < tokens.length; id++) {
        chars.add(model.detokenize([id as Token]));
      }
      this.known = chars;
    }
  }

  /** Characters of `text` a char vocabulary lacks (none for a byte vocabulary). */
  missing(text: string): string[] {
    const known = this.known;
    return known ? [...new Set(text)].filter((c) => !known.has(c)) : [];
  }

  get unk(): number {
    return this.ids.get('<|unk|>')!;
  }

  get end(): number {
    return this.ids.get('<|end|>')!;
  }

  /** Text to tokens, no special tokens parsed; unknown characters become `<|unk|>`. */
  encodeText(text: string): Token[] {
    if (!this.known) return this.model.tokenize(text, false);
    const out: Token[] = [];
    let run = '';
    const flush = () => {
      if (run) out.push(...this.model.tokenize(run, false));
      run = '';
    };
    for (const ch of text) {
      if (this.known.has(ch)) run += ch;
      else {
        flush();
        out.push(this.unk as Token);
      }
    }
    flush();
    return out;
  }

  /** The episode so far, then the opening token of section `next`. */
  encodePrompt(turns: readonly Turn[], next: Section): Token[] {
    const ids: Token[] = [];
    for (const turn of turns) {
      ids.push(this.section(turn.section), ...this.encodeText(turn.text), this.end as Token);
    }
    ids.push(this.section(next));
    return ids;
  }

  private section(section: Section): Token {
    return this.ids.get(SECTION_NAMES[section]) as Token;
  }
}
