// Reads GGUF bytes back (versions 2 and 3): metadata of every type, tensor descriptions, and F32/F16
// tensor data. Used by tests and `gguf inspect`; every bound is checked, so a damaged file gives a
// CheckpointError naming the file instead of a crash.
import { closeSync, openSync, readSync } from 'node:fs';
import { CheckpointError } from '../spec/errors.js';
import {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GgmlType,
  type GgufFile,
  GgufType,
} from './gguf-format.js';

/** Reads little-endian values, failing cleanly at the end of the bytes. */
class ByteSource {
  at = 0;
  constructor(
    readonly bytes: Buffer,
    private readonly fail: (message: string) => never,
  ) {}

  private need(n: number): number {
    if (this.at + n > this.bytes.length) this.fail(`truncated at byte ${this.at}`);
    const start = this.at;
    this.at += n;
    return start;
  }
  u8 = () => this.bytes.readUInt8(this.need(1));
  i8 = () => this.bytes.readInt8(this.need(1));
  u16 = () => this.bytes.readUInt16LE(this.need(2));
  i16 = () => this.bytes.readInt16LE(this.need(2));
  u32 = () => this.bytes.readUInt32LE(this.need(4));
  i32 = () => this.bytes.readInt32LE(this.need(4));
  f32 = () => this.bytes.readFloatLE(this.need(4));
  f64 = () => this.bytes.readDoubleLE(this.need(8));
  i64 = () => Number(this.bytes.readBigInt64LE(this.need(8)));
  u64 = (): number => {
    const v = this.bytes.readBigUInt64LE(this.need(8));
    if (v > BigInt(Number.MAX_SAFE_INTEGER))
      this.fail(`value ${v} at byte ${this.at - 8} is too large`);
    return Number(v);
  };
  str = (): string => {
    const n = this.u64();
    const start = this.need(n);
    return this.bytes.toString('utf8', start, start + n);
  };
}

function readValue(src: ByteSource, type: number, fail: (m: string) => never): unknown {
  switch (type) {
    case GgufType.UINT8:
      return src.u8();
    case GgufType.INT8:
      return src.i8();
    case GgufType.UINT16:
      return src.u16();
    case GgufType.INT16:
      return src.i16();
    case GgufType.UINT32:
      return src.u32();
    case GgufType.INT32:
      return src.i32();
    case GgufType.FLOAT32:
      return src.f32();
    case GgufType.BOOL:
      return src.u8() !== 0;
    case GgufType.STRING:
      return src.str();
    case GgufType.UINT64:
      return src.u64();
    case GgufType.INT64:
      return src.i64();
    case GgufType.FLOAT64:
      return src.f64();
    case GgufType.ARRAY: {
      const itemType = src.u32();
      const n = src.u64();
      if (itemType === GgufType.ARRAY) fail('nested arrays are not supported');
      if (n > src.bytes.length) fail(`array of ${n} items cannot fit in the file`);
      return Array.from({ length: n }, () => readValue(src, itemType, fail));
    }
    default:
      return fail(`unknown metadata type ${type}`);
  }
}

/**
 * Checks the first bytes of a GGUF file (magic and version) without reading the rest: what to do
 * before handing a file to llama.cpp, which may read a damaged header for minutes.
 */
export function checkGgufHeader(file: string): void {
  const head = Buffer.alloc(8);
  let read = 0;
  const fd = openSync(file, 'r');
  try {
    read = readSync(fd, head, 0, 8, 0);
  } finally {
    closeSync(fd);
  }
  const fail = (message: string): never => {
    throw new CheckpointError(file, `not a readable GGUF file: ${message}`, {
      hint: 'give a .gguf file (e.g. from `self-evolve gguf export`)',
    });
  };
  if (read < 8 || head.readUInt32LE(0) !== GGUF_MAGIC) fail('it does not start with "GGUF"');
  const version = head.readUInt32LE(4);
  if (version !== 2 && version !== 3) fail(`version ${version} is not supported (2 or 3)`);
}

/** Parses a GGUF file; `file` names it in errors. */
export function decodeGguf(bytes: Buffer, file: string): GgufFile {
  const fail = (message: string): never => {
    throw new CheckpointError(file, `not a readable GGUF file: ${message}`);
  };
  const src = new ByteSource(bytes, fail);
  if (bytes.length < 8 || src.u32() !== GGUF_MAGIC) fail('it does not start with "GGUF"');
  const version = src.u32();
  if (version !== 2 && version !== 3) fail(`version ${version} is not supported (2 or 3)`);
  const tensorCount = src.u64();
  const kvCount = src.u64();
  const metadata = new Map<string, unknown>();
  for (let i = 0; i < kvCount; i++) {
    const key = src.str();
    metadata.set(key, readValue(src, src.u32(), fail));
  }
  const infos: { name: string; dims: number[]; type: number; offset: number }[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = src.str();
    const nDims = src.u32();
    if (nDims > 4) fail(`tensor ${name} has ${nDims} dimensions (at most 4)`);
    const dims = Array.from({ length: nDims }, () => src.u64());
    infos.push({ name, dims, type: src.u32(), offset: src.u64() });
  }
  const alignment =
    (metadata.get('general.alignment') as number | undefined) ?? GGUF_DEFAULT_ALIGNMENT;
  const dataStart = Math.ceil(src.at / alignment) * alignment;
  const tensors = infos.map((t) => {
    const n = t.dims.reduce((a, b) => a * b, 1);
    const width = t.type === GgmlType.F32 ? 4 : t.type === GgmlType.F16 ? 2 : 0;
    if (width === 0) return { name: t.name, dims: t.dims, type: t.type };
    const start = dataStart + t.offset;
    if (start + n * width > bytes.length) fail(`tensor ${t.name} runs past the end of the file`);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      data[i] =
        width === 4
          ? bytes.readFloatLE(start + 4 * i)
          : halfToFloat(bytes.readUInt16LE(start + 2 * i));
    }
    return { name: t.name, dims: t.dims, type: t.type, data };
  });
  return { version, metadata, tensors };
}

/** IEEE half precision to a JS number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
