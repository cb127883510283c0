// The GGUF file format (version 3), as llama.cpp reads it: a header, typed key-value metadata,
// tensor descriptions, then tensor data aligned to `general.alignment` bytes. Shapes are in ggml
// order (ne0 first, the fastest-varying axis), i.e. a row-major (rows, cols) matrix is [cols, rows].

/** "GGUF" read as a little-endian uint32. */
export const GGUF_MAGIC = 0x46554747;
export const GGUF_VERSION = 3;
/** Default data alignment when `general.alignment` is absent. */
export const GGUF_DEFAULT_ALIGNMENT = 32;

/** Marks our exports: the llama.cpp provider drives such models with SELF section tokens. */
export const SELF_EVOLVE_FORMAT_KEY = 'self_evolve.format';
export const SELF_EVOLVE_FORMAT = 'self-evolve-episode-v1';

/** Metadata value types, as numbered in the file. */
export const GgufType = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;
export type GgufTypeId = (typeof GgufType)[keyof typeof GgufType];

/** Tensor element types this project writes and reads (ggml_type numbering). */
export const GgmlType = { F32: 0, F16: 1 } as const;
export type GgmlTypeId = (typeof GgmlType)[keyof typeof GgmlType];

/** A typed metadata value. Arrays hold scalars or strings of one type. */
export type GgufValue =
  | { readonly type: 'uint32' | 'int32' | 'float32' | 'uint64' | 'uint8'; readonly value: number }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'string[]'; readonly value: readonly string[] }
  | { readonly type: 'int32[]' | 'float32[]'; readonly value: readonly number[] };

/** Shorthands for building metadata. */
export const gguf = {
  u32: (value: number): GgufValue => ({ type: 'uint32', value }),
  i32: (value: number): GgufValue => ({ type: 'int32', value }),
  f32: (value: number): GgufValue => ({ type: 'float32', value }),
  bool: (value: boolean): GgufValue => ({ type: 'bool', value }),
  str: (value: string): GgufValue => ({ type: 'string', value }),
  strs: (value: readonly string[]): GgufValue => ({ type: 'string[]', value }),
  i32s: (value: readonly number[]): GgufValue => ({ type: 'int32[]', value }),
  f32s: (value: readonly number[]): GgufValue => ({ type: 'float32[]', value }),
};

/** A tensor to write: float32 data in row-major order, `dims` in ggml order (ne0 first). */
export interface GgufTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

/** What a GGUF file holds, as read back. */
export interface GgufFile {
  readonly version: number;
  /** Values in file order; arrays of numbers come back as plain arrays. */
  readonly metadata: ReadonlyMap<string, unknown>;
  readonly tensors: readonly {
    readonly name: string;
    readonly dims: readonly number[];
    readonly type: number;
    /** Float32 values (F16 tensors are widened); undefined for other types. */
    readonly data?: Float32Array;
  }[];
}
