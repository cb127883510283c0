// The safetensors format, written and read here: an 8-byte little-endian header length, a JSON
// header {name: {dtype, shape, data_offsets}, __metadata__}, then the raw little-endian data.
import { CheckpointError } from '../spec/errors.js';

export interface NamedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  /** float32 values; written as F32. */
  readonly data: Float32Array;
}

export interface DecodedSafetensors {
  readonly metadata: Readonly<Record<string, string>>;
  readonly tensors: ReadonlyMap<
    string,
    { readonly shape: readonly number[]; readonly data: Float32Array }
  >;
}

const MAX_HEADER = 100 * 1024 * 1024;

/** Serialises tensors (in the order given) to safetensors bytes. */
export function encodeSafetensors(
  tensors: readonly NamedTensor[],
  metadata: Record<string, string> = {},
): Buffer {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const bytes = t.data.length * 4;
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  // Pad so the data starts 8-byte aligned, as the format recommends.
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  let at = 8 + headerBytes.length;
  for (const t of tensors) {
    const view = new DataView(out.buffer, out.byteOffset + at, t.data.length * 4);
    for (let i = 0; i < t.data.length; i++) view.setFloat32(i * 4, t.data[i], true);
    at += t.data.length * 4;
  }
  return out;
}

/** Parses safetensors bytes, checking every offset; a problem throws CheckpointError(file). */
export function decodeSafetensors(bytes: Buffer, file: string): DecodedSafetensors {
  const fail = (message: string): never => {
    throw new CheckpointError(file, message, {
      hint: 'the file is damaged: save the model again or use another checkpoint',
    });
  };
  if (bytes.length < 8)
    fail(`truncated: ${bytes.length} bytes, shorter than the 8-byte header length`);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  if (headerLength > MAX_HEADER || 8 + headerLength > bytes.length) {
    fail(
      `corrupt or truncated: header length ${headerLength} does not fit the ${bytes.length}-byte file`,
    );
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
  } catch {
    return fail('corrupt: the header is not valid JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    fail('corrupt: the header is not an object');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  const spans: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as Record<string, unknown>;
    if (dtype !== 'F32')
      fail(`tensor "${name}" has dtype ${JSON.stringify(dtype)}; only F32 is supported`);
    const okShape = Array.isArray(shape) && shape.every((d) => Number.isInteger(d) && d >= 0);
    const okOffsets =
      Array.isArray(offsets) &&
      offsets.length === 2 &&
      offsets.every((o) => Number.isInteger(o) && o >= 0);
    if (!okShape || !okOffsets) fail(`tensor "${name}" has a malformed shape or data_offsets`);
    const [begin, end] = offsets as [number, number];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== count * 4)
      fail(`tensor "${name}": data_offsets span ${end - begin} bytes, shape needs ${count * 4}`);
    if (end > dataLength)
      fail(`truncated: tensor "${name}" ends at byte ${end} of a ${dataLength}-byte data section`);
    spans.push([begin, end, name]);
    const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart + begin, end - begin);
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(i * 4, true);
    tensors.set(name, { shape: shape as number[], data });
  }
  spans.sort((a, b) => a[0] - b[0]);
  let expected = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== expected)
      fail(`corrupt: tensor "${name}" starts at byte ${begin}, expected ${expected}`);
    expected = end;
  }
  if (expected !== dataLength)
    fail(`corrupt: ${dataLength - expected} bytes after the last tensor`);
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  return { metadata, tensors };
}
