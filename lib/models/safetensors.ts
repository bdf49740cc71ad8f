/**
 * Read and write the safetensors format: an 8-byte little-endian header
 * length, a JSON header (`{name: {dtype, shape, data_offsets}}`, optional
 * `__metadata__` of strings), then the raw little-endian tensor bytes.
 * F32 is read and written; F16 and BF16 are upcast to F32 on read, and
 * integer buffers (I64, I32: position ids) are read as float32 values.
 *
 * @module
 */

/** A tensor as stored: float32 values and a shape. */
export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

/**
 * Encodes tensors (in the given order) and string metadata as safetensors.
 *
 * @example
 * ```ts
 * import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
 * const bytes = encodeSafetensors(new Map([["w", { shape: [2], data: new Float32Array([1, 2]) }]]));
 * const back = decodeSafetensors(bytes);
 * if (back.tensors.get("w")!.data[1] !== 2) throw new Error("round trip failed");
 * ```
 */
export function encodeSafetensors(
  tensors: Map<string, NamedTensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) {
      throw new TypeError(`Cannot write safetensors: ${name} has ${t.data.length} values for shape [${t.shape}]`);
    }
    header[name] = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + n * 4] };
    offset += n * 4;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned.
  json += " ".repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const hbytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + hbytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(hbytes.length), true);
  out.set(hbytes, 8);
  let pos = 8 + hbytes.length;
  for (const t of tensors.values()) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(bytes, pos); // little-endian hosts only (x86, ARM)
    pos += bytes.length;
  }
  return out;
}

function f16ToF32(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Decodes safetensors bytes; `source` names the file in errors. */
export function decodeSafetensors(
  bytes: Uint8Array,
  source = "safetensors",
): { tensors: Map<string, NamedTensor>; metadata: Record<string, string> } {
  if (bytes.length < 8) {
    throw new SyntaxError(`Cannot read ${source}: file is ${bytes.length} bytes, too short for a header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = Number(view.getBigUint64(0, true));
  if (hlen > bytes.length - 8) {
    throw new SyntaxError(`Cannot read ${source}: header length ${hlen} exceeds the file size`);
  }
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + hlen)));
  } catch (err) {
    throw new SyntaxError(`Cannot read ${source}: the header is not valid JSON (${(err as Error).message})`);
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) {
    throw new SyntaxError(`Cannot read ${source}: the header must be a JSON object of tensors`);
  }
  const base = 8 + hlen;
  const tensors = new Map<string, NamedTensor>();
  let metadata: Record<string, string> = {};
  const isCount = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;
  const ranges: [number, number, string][] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const i = info as unknown as Record<string, unknown> | null;
    if (
      i === null || typeof i !== "object" || typeof i.dtype !== "string" || !Array.isArray(i.shape) ||
      !i.shape.every(isCount) || !Array.isArray(i.data_offsets) || i.data_offsets.length !== 2 ||
      !i.data_offsets.every(isCount) || i.data_offsets[0] > i.data_offsets[1]
    ) {
      throw new SyntaxError(
        `Cannot read ${source}: tensor ${name} has entry ${
          JSON.stringify(info)?.slice(0, 120)
        } (expected {"dtype": string, "shape": [n, ...], "data_offsets": [start, end]} with 0 <= start <= end)`,
      );
    }
    ranges.push([i.data_offsets[0], i.data_offsets[1], name]);
  }
  // As the format requires: the byte ranges tile the data buffer, no gaps or overlaps.
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let at = 0;
  for (const [start, end, name] of ranges) {
    if (start !== at) {
      throw new SyntaxError(
        `Cannot read ${source}: tensor ${name} starts at byte ${start} (expected ${at}: the data ranges must not overlap or leave gaps)`,
      );
    }
    at = end;
  }
  // A short file is reported below by the tensor that does not fit; trailing bytes no tensor owns, here.
  if (base + at < bytes.length) {
    throw new SyntaxError(
      `Cannot read ${source}: the tensors cover ${at} bytes of data but the file holds ${bytes.length - base}`,
    );
  }
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") {
      metadata = info as unknown as Record<string, string>;
      continue;
    }
    const [start, end] = info.data_offsets;
    const n = info.shape.reduce((a, b) => a * b, 1);
    const size = ({ F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4 } as Record<string, number>)[info.dtype];
    if (size === undefined) {
      throw new TypeError(
        `Cannot read ${source}: tensor ${name} has dtype ${info.dtype} (expected F32, F16, BF16, I64 or I32)`,
      );
    }
    if (end - start !== n * size || base + end > bytes.length) {
      throw new SyntaxError(
        `Cannot read ${source}: tensor ${name} has byte range [${start}, ${end}) that does not fit shape [${info.shape}] or the file`,
      );
    }
    const data = new Float32Array(n);
    const dv = new DataView(bytes.buffer, bytes.byteOffset + base + start, end - start);
    if (info.dtype === "F32") { for (let i = 0; i < n; i++) data[i] = dv.getFloat32(i * 4, true); }
    else if (info.dtype === "F16") { for (let i = 0; i < n; i++) data[i] = f16ToF32(dv.getUint16(i * 2, true)); }
    else if (info.dtype === "I64") { for (let i = 0; i < n; i++) data[i] = Number(dv.getBigInt64(i * 8, true)); }
    else if (info.dtype === "I32") { for (let i = 0; i < n; i++) data[i] = dv.getInt32(i * 4, true); }
    else {
      const u = new Uint32Array(1), f = new Float32Array(u.buffer);
      for (let i = 0; i < n; i++) {
        u[0] = dv.getUint16(i * 2, true) << 16;
        data[i] = f[0]!;
      }
    }
    tensors.set(name, { shape: info.shape, data });
  }
  return { tensors, metadata };
}
