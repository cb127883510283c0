// Character- and byte-level tokenizers with the special tokens of a SELF episode. Stored as JSON
// beside the checkpoint's weights; ids 0..6 are the same special tokens in every tokenizer.
import { InvalidInputError, type Location } from '../spec/errors.js';
import type { Section } from '../spec/language-model.js';

/** Special tokens, in id order. Sections open with their token and close with `<|end|>`. */
export const SPECIAL_TOKENS = [
  '<|pad|>',
  '<|end|>',
  '<|prompt|>',
  '<|response|>',
  '<|feedback|>',
  '<|refinement|>',
  '<|unk|>',
] as const;

export const PAD = 0;
export const END = 1;
export const UNK = 6;
const SECTION_IDS: Record<Section, number> = { prompt: 2, response: 3, feedback: 4, refinement: 5 };

export type TokenizerKind = 'char' | 'byte';

/** The tokenizer as stored in `tokenizer.json`. */
export interface TokenizerJson {
  readonly format: 'self-evolve-tokenizer';
  readonly version: 1;
  readonly kind: TokenizerKind;
  readonly specials: readonly string[];
  /** Char-level only: the alphabet, ids following the specials. */
  readonly chars?: readonly string[];
}

/** Turns pieces of decoded text out of tokens one at a time (for stop strings while sampling). */
export interface StreamDecoder {
  push(id: number): string;
  /** Whatever is still held back (an incomplete UTF-8 sequence becomes U+FFFD). */
  flush(): string;
}

export class Tokenizer {
  readonly vocabSize: number;
  private readonly charIds = new Map<string, number>();

  private constructor(
    readonly kind: TokenizerKind,
    private readonly chars: readonly string[],
  ) {
    this.vocabSize = SPECIAL_TOKENS.length + (kind === 'byte' ? 256 : chars.length);
    chars.forEach((c, i) => {
      this.charIds.set(c, SPECIAL_TOKENS.length + i);
    });
  }

  /** A char-level tokenizer whose alphabet is every character (code point) in `corpus`. */
  static char(corpus: string | Iterable<string>): Tokenizer {
    const set = new Set<string>();
    for (const text of typeof corpus === 'string' ? [corpus] : corpus) {
      for (const ch of text) set.add(ch);
    }
    return new Tokenizer(
      'char',
      [...set].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!),
    );
  }

  /** A byte-level tokenizer (UTF-8 bytes): any text, 263 tokens. */
  static byte(): Tokenizer {
    return new Tokenizer('byte', []);
  }

  /** Reads a stored tokenizer, checking every field. */
  static fromJSON(input: unknown, at: Location = {}): Tokenizer {
    const raw = (input ?? {}) as Partial<TokenizerJson>;
    const fail = (field: string, message: string): never => {
      throw new InvalidInputError(message, { ...at, field });
    };
    if (raw.format !== 'self-evolve-tokenizer') fail('format', 'is not "self-evolve-tokenizer"');
    if (raw.version !== 1) fail('version', `unsupported version ${JSON.stringify(raw.version)}`);
    if (JSON.stringify(raw.specials) !== JSON.stringify(SPECIAL_TOKENS)) {
      fail('specials', `must be ${JSON.stringify(SPECIAL_TOKENS)}`);
    }
    if (raw.kind === 'byte') return Tokenizer.byte();
    if (raw.kind !== 'char')
      fail('kind', `must be "char" or "byte", got ${JSON.stringify(raw.kind)}`);
    const chars = raw.chars;
    if (!Array.isArray(chars) || chars.some((c) => typeof c !== 'string' || [...c].length !== 1)) {
      fail('chars', 'must be a list of single characters');
    }
    if (new Set(chars).size !== chars!.length) fail('chars', 'has a character twice');
    return new Tokenizer('char', chars!);
  }

  toJSON(): TokenizerJson {
    return {
      format: 'self-evolve-tokenizer',
      version: 1,
      kind: this.kind,
      specials: SPECIAL_TOKENS,
      ...(this.kind === 'char' ? { chars: this.chars } : {}),
    };
  }

  /** The token that opens a section. */
  sectionToken(section: Section): number {
    return SECTION_IDS[section];
  }

  /** Characters of `text` this tokenizer does not know (always none for a byte tokenizer). */
  unknownCharacters(text: string): Set<string> {
    const unknown = new Set<string>();
    if (this.kind === 'char') for (const ch of text) if (!this.charIds.has(ch)) unknown.add(ch);
    return unknown;
  }

  /**
   * Warns once per character (a process warning, `SELF_EVOLVE_UNKNOWN_CHARACTERS`) when texts
   * hold characters outside a char tokenizer's alphabet: they are read as `<|unk|>`, and an answer
   * written with them cannot be right.
   */
  warnUnknown(texts: Iterable<string>, where: string): void {
    const fresh = new Set<string>();
    for (const text of texts) {
      for (const ch of this.unknownCharacters(text)) if (!this.warned.has(ch)) fresh.add(ch);
    }
    if (fresh.size === 0) return;
    for (const ch of fresh) this.warned.add(ch);
    const shown = [...fresh]
      .slice(0, 8)
      .map((c) => JSON.stringify(c))
      .join(', ');
    process.emitWarning(
      `${where}: ${fresh.size} character${fresh.size === 1 ? '' : 's'} outside the model's alphabet (${shown}${fresh.size > 8 ? ', ...' : ''}) read as <|unk|>; give the model an alphabet with them (models.student.new.alphabet) or a byte tokenizer`,
      { code: 'SELF_EVOLVE_UNKNOWN_CHARACTERS' },
    );
  }

  private readonly warned = new Set<string>();

  /** Text to token ids; no special tokens are produced (characters unknown to a char tokenizer become `<|unk|>`). */
  encode(text: string): number[] {
    const ids: number[] = [];
    if (this.kind === 'byte') {
      for (const b of Buffer.from(text, 'utf8')) ids.push(SPECIAL_TOKENS.length + b);
    } else {
      for (const ch of text) ids.push(this.charIds.get(ch) ?? UNK);
    }
    return ids;
  }

  /** Token ids to text; special tokens are written by name. */
  decode(ids: ArrayLike<number>): string {
    const d = this.streamDecoder();
    let text = '';
    for (let i = 0; i < ids.length; i++) text += d.push(ids[i]);
    return text + d.flush();
  }

  /** Decodes one token at a time; bytes of a character split across tokens wait for the rest. */
  streamDecoder(): StreamDecoder {
    const specials = SPECIAL_TOKENS.length;
    if (this.kind === 'char') {
      return {
        push: (id) => (id < specials ? SPECIAL_TOKENS[id] : (this.chars[id - specials] ?? '')),
        flush: () => '',
      };
    }
    const utf8 = new TextDecoder();
    const one = new Uint8Array(1);
    return {
      push: (id) => {
        if (id < specials) return utf8.decode() + SPECIAL_TOKENS[id];
        one[0] = id - specials;
        return utf8.decode(one, { stream: true });
      },
      flush: () => utf8.decode(),
    };
  }
}
