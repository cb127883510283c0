// Our char/byte tokenizers as llama.cpp tokenizer metadata. We use llama.cpp's byte-level BPE
// ("gpt2"): token texts are GPT-2 byte-encoded, so a byte tokenizer is its 256 byte tokens with no
// merges, and a char tokenizer is one token per character, with merges only inside a multi-byte
// character. Merges never cross a character, so llama.cpp's pre-tokenizer split cannot change the
// tokens; "qwen2" is chosen because llama.cpp then does not "clean up" spaces before punctuation
// when decoding. Special tokens are control tokens with their names as text.
import { SPECIAL_TOKENS, type Tokenizer, UNK } from '../engine/index.js';
import { type GgufValue, gguf } from './gguf-format.js';

/** llama.cpp token types (llama_token_type). */
const TOKEN_TYPE = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3 } as const;

/** GPT-2's reversible map from bytes to printable characters, as llama.cpp decodes it. */
export const BYTE_TO_UNICODE: readonly string[] = (() => {
  const printable = (b: number) =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const map: string[] = [];
  let n = 0;
  for (let b = 0; b < 256; b++) map[b] = String.fromCodePoint(printable(b) ? b : 256 + n++);
  return map;
})();

/** A string's UTF-8 bytes, each as its GPT-2 character. */
export function byteEncode(text: string): string {
  let out = '';
  for (const b of Buffer.from(text, 'utf8')) out += BYTE_TO_UNICODE[b];
  return out;
}

/**
 * Turns a chat into an episode the way `serve` does (chatToTurns): system messages, then the
 * single user message, joined by blank lines, as the prompt; a longer dialogue as a `role: text`
 * transcript. The assistant writes the response section; a final assistant message is that
 * response (a prefill, or how node-llama-cpp finds where the answer goes).
 */
export const CHAT_TEMPLATE = [
  "{%- set answer = messages[-1]['role'] == 'assistant' -%}",
  "{%- set ns = namespace(prompt='', body='', turns=0, last='', role='') -%}",
  '{%- for m in messages -%}',
  '{%- if answer and loop.last -%}',
  "{%- elif m['role'] == 'system' -%}",
  "{%- if m['content'] -%}",
  "{%- set ns.prompt = ns.prompt + ('\\n\\n' if ns.prompt else '') + m['content'] -%}",
  '{%- endif -%}',
  '{%- else -%}',
  "{%- set ns.body = ns.body + ('\\n' if ns.turns > 0 else '') + m['role'] + ': ' + m['content'] -%}",
  '{%- set ns.turns = ns.turns + 1 -%}',
  "{%- set ns.last = m['content'] -%}",
  "{%- set ns.role = m['role'] -%}",
  '{%- endif -%}',
  '{%- endfor -%}',
  "{%- if ns.turns == 1 and ns.role == 'user' -%}{%- set ns.body = ns.last -%}{%- endif -%}",
  "{%- if ns.body -%}{%- set ns.prompt = ns.prompt + ('\\n\\n' if ns.prompt else '') + ns.body -%}{%- endif -%}",
  '<|prompt|>{{ ns.prompt }}<|end|>',
  "{%- if answer -%}<|response|>{{ messages[-1]['content'] }}<|end|>",
  '{%- elif add_generation_prompt -%}<|response|>{%- endif -%}',
].join('');

/** The `tokenizer.*` metadata that makes llama.cpp tokenize exactly as `tokenizer` does. */
export function tokenizerMetadata(tokenizer: Tokenizer): Map<string, GgufValue> {
  const specials = SPECIAL_TOKENS.length;
  const tokens: string[] = [...SPECIAL_TOKENS];
  const types: number[] = SPECIAL_TOKENS.map((_, id) =>
    id === UNK ? TOKEN_TYPE.UNKNOWN : TOKEN_TYPE.CONTROL,
  );
  const merges: string[] = [];
  const seen = new Set<string>();
  for (let id = specials; id < tokenizer.vocabSize; id++) {
    const text =
      tokenizer.kind === 'byte'
        ? BYTE_TO_UNICODE[id - specials]
        : byteEncode(tokenizer.decode([id]));
    tokens.push(text);
    types.push(TOKEN_TYPE.NORMAL);
    // A multi-byte character is merged left to right from its bytes: "a b", "ab c", ...
    const pieces = [...text];
    for (let k = 1; k < pieces.length; k++) {
      const merge = `${pieces.slice(0, k).join('')} ${pieces[k]}`;
      if (!seen.has(merge)) merges.push(merge);
      seen.add(merge);
    }
  }
  return new Map<string, GgufValue>([
    ['tokenizer.ggml.model', gguf.str('gpt2')],
    ['tokenizer.ggml.pre', gguf.str('qwen2')],
    ['tokenizer.ggml.tokens', gguf.strs(tokens)],
    ['tokenizer.ggml.token_type', gguf.i32s(types)],
    ['tokenizer.ggml.merges', gguf.strs(merges)],
    ['tokenizer.ggml.bos_token_id', gguf.u32(2)],
    ['tokenizer.ggml.eos_token_id', gguf.u32(1)],
    ['tokenizer.ggml.unknown_token_id', gguf.u32(UNK)],
    ['tokenizer.ggml.padding_token_id', gguf.u32(0)],
    ['tokenizer.ggml.add_bos_token', gguf.bool(false)],
    ['tokenizer.ggml.add_eos_token', gguf.bool(false)],
    ['tokenizer.chat_template', gguf.str(CHAT_TEMPLATE)],
  ]);
}
