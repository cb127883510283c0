// Writes GGUF v3 bytes: header, metadata, tensor descriptions, then the float32 tensor data, each
// tensor starting on a multiple of the alignment (offsets are relative to the data section).
import {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_VERSION,
  GgmlType,
  type GgufTensor,
  GgufType,
  type GgufValue,
} from './gguf-format.js';

/** Appends little-endian values to a growing buffer. */
class ByteSink {
  private buffer = Buffer.alloc(1 << 16);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const grown = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + n));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  u8(v: number): void {
    this.reserve(1);
    this.buffer.writeUInt8(v, this.length);
    this.length += 1;
  }
  u32(v: number): void {
    this.reserve(4);
    this.buffer.writeUInt32LE(v, this.length);
    this.length += 4;
  }
  i32(v: number): void {
    this.reserve(4);
    this.buffer.writeInt32LE(v, this.length);
    this.length += 4;
  }
  f32(v: number): void {
    this.reserve(4);
    this.buffer.writeFloatLE(v, this.length);
    this.length += 4;
  }
  u64(v: number): void {
    this.reserve(8);
    this.buffer.writeBigUInt64LE(BigInt(v), this.length);
    this.length += 8;
  }
  /** gguf_string: uint64 byte length, then UTF-8 bytes (no terminator). */
  str(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    this.u64(bytes.length);
    this.reserve(bytes.length);
    bytes.copy(this.buffer, this.length);
    this.length += bytes.length;
  }
  pad(alignment: number): void {
    while (this.length % alignment !== 0) this.u8(0);
  }
  floats(data: Float32Array): void {
    this.reserve(data.length * 4);
    const view = new DataView(this.buffer.buffer, this.buffer.byteOffset + this.length);
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
    this.length += data.length * 4;
  }
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

const SCALAR: Record<string, [number, (s: ByteSink, v: number) => void]> = {
  uint8: [GgufType.UINT8, (s, v) => s.u8(v)],
  uint32: [GgufType.UINT32, (s, v) => s.u32(v)],
  int32: [GgufType.INT32, (s, v) => s.i32(v)],
  float32: [GgufType.FLOAT32, (s, v) => s.f32(v)],
  uint64: [GgufType.UINT64, (s, v) => s.u64(v)],
};

function writeValue(sink: ByteSink, value: GgufValue): void {
  switch (value.type) {
    case 'bool':
      sink.u32(GgufType.BOOL);
      sink.u8(value.value ? 1 : 0);
      return;
    case 'string':
      sink.u32(GgufType.STRING);
      sink.str(value.value);
      return;
    case 'string[]':
      sink.u32(GgufType.ARRAY);
      sink.u32(GgufType.STRING);
      sink.u64(value.value.length);
      for (const s of value.value) sink.str(s);
      return;
    case 'int32[]':
    case 'float32[]': {
      const [id, put] = SCALAR[value.type === 'int32[]' ? 'int32' : 'float32'];
      sink.u32(GgufType.ARRAY);
      sink.u32(id);
      sink.u64(value.value.length);
      for (const v of value.value) put(sink, v);
      return;
    }
    default: {
      const [id, put] = SCALAR[value.type];
      sink.u32(id);
      put(sink, value.value);
    }
  }
}

/**
 * Encodes a GGUF file. `metadata` is written in insertion order; `general.alignment`, when set,
 * must be a uint32 power of two (default 32). Tensors are written as F32.
 */
export function encodeGguf(
  metadata: ReadonlyMap<string, GgufValue>,
  tensors: readonly GgufTensor[],
): Buffer {
  const alignValue = metadata.get('general.alignment');
  const alignment = alignValue?.type === 'uint32' ? alignValue.value : GGUF_DEFAULT_ALIGNMENT;
  const sink = new ByteSink();
  sink.u32(GGUF_MAGIC);
  sink.u32(GGUF_VERSION);
  sink.u64(tensors.length);
  sink.u64(metadata.size);
  for (const [key, value] of metadata) {
    sink.str(key);
    writeValue(sink, value);
  }
  let offset = 0;
  for (const t of tensors) {
    const elements = t.dims.reduce((a, b) => a * b, 1);
    if (elements !== t.data.length) {
      throw new RangeError(
        `tensor ${t.name}: dims [${t.dims}] need ${elements} values, got ${t.data.length}`,
      );
    }
    sink.str(t.name);
    sink.u32(t.dims.length);
    for (const d of t.dims) sink.u64(d);
    sink.u32(GgmlType.F32);
    sink.u64(offset);
    offset += Math.ceil((elements * 4) / alignment) * alignment;
  }
  sink.pad(alignment);
  for (const t of tensors) {
    sink.floats(t.data);
    sink.pad(alignment);
  }
  return sink.bytes();
}
