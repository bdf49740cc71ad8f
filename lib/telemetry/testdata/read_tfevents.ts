// An independent reader of TensorBoard event files for tests: TFRecord frames
// with every CRC checked (a bit-by-bit CRC-32C, not the writer's table), and
// the protobuf wire format decoded by hand with TensorFlow's field numbers.
import assert from "node:assert/strict";
import { join } from "node:path";

// CRC-32C bit by bit (no table), to check the writer's table-driven one.
export function crcBitwise(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0x82f63b78 & -(c & 1));
  }
  return (c ^ 0xffffffff) >>> 0;
}
export const mask = (crc: number) => ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;

/** The data of every TFRecord frame, each CRC checked. */
export function readFrames(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    assert.ok(at + 12 <= bytes.length, `a frame header is cut at byte ${at}`);
    const len = Number(view.getBigUint64(at, true));
    assert.equal(view.getUint32(at + 8, true), mask(crcBitwise(bytes.subarray(at, at + 8))), `length CRC at ${at}`);
    const data = bytes.subarray(at + 12, at + 12 + len);
    assert.equal(data.length, len, `the data of the frame at ${at} is cut`);
    assert.equal(view.getUint32(at + 12 + len, true), mask(crcBitwise(data)), `data CRC at ${at}`);
    frames.push(data);
    at += 16 + len;
  }
  return frames;
}

type Field = { n: number; wire: number; varint?: bigint; bytes?: Uint8Array; f64?: number; f32?: number };

/** The fields of one protobuf message, in order. */
function fields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let i = 0;
  const varint = () => {
    let v = 0n, shift = 0n;
    for (;;) {
      const b = buf[i++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const n = key >>> 3, wire = key & 7;
    const dv = new DataView(buf.buffer, buf.byteOffset + i);
    if (wire === 0) out.push({ n, wire, varint: varint() });
    else if (wire === 1) (out.push({ n, wire, f64: dv.getFloat64(0, true) }), i += 8);
    else if (wire === 5) (out.push({ n, wire, f32: dv.getFloat32(0, true) }), i += 4);
    else if (wire === 2) {
      const len = Number(varint());
      out.push({ n, wire, bytes: buf.subarray(i, i + len) });
      i += len;
    } else throw new Error(`wire type ${wire}`);
  }
  assert.equal(i, buf.length, "a message ends inside a field");
  return out;
}
const one = (fs: Field[], n: number) => {
  const m = fs.filter((f) => f.n === n);
  assert.ok(m.length <= 1, `field ${n} repeated`);
  return m[0];
};
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

export type Decoded =
  | { kind: "version"; wallTime: number; step: number; version: string }
  | { kind: "scalar"; wallTime: number; step: number; tag: string; value: number }
  | { kind: "text"; wallTime: number; step: number; tag: string; text: string };

/** A `tensorflow.Event` (event.proto: wall_time 1, step 2, file_version 3, summary 5). */
export function decodeEvent(data: Uint8Array): Decoded {
  const ev = fields(data);
  assert.deepEqual(ev.map((f) => f.n).filter((n) => ![1, 2, 3, 5].includes(n)), [], "unknown Event fields");
  const wallTime = one(ev, 1)!.f64!;
  const step = Number(one(ev, 2)?.varint ?? 0n);
  const version = one(ev, 3);
  if (version) return { kind: "version", wallTime, step, version: text(version.bytes) };
  const summary = fields(one(ev, 5)!.bytes!);
  assert.equal(summary.length, 1, "one Summary.Value per event");
  // Summary.Value: tag 1, simple_value 2, tensor 8, metadata 9.
  const value = fields(summary[0]!.bytes!);
  const tag = text(one(value, 1)!.bytes);
  const simple = one(value, 2);
  if (simple) return { kind: "scalar", wallTime, step, tag, value: simple.f32! };
  // SummaryMetadata.plugin_data (1) -> PluginData.plugin_name (1)
  const plugin = fields(one(fields(one(value, 9)!.bytes!), 1)!.bytes!);
  assert.equal(text(one(plugin, 1)!.bytes), "text");
  // TensorProto: dtype 1 (DT_STRING = 7), tensor_shape 2 (no dims: a scalar), string_val 8.
  const tensor = fields(one(value, 8)!.bytes!);
  assert.equal(one(tensor, 1)!.varint, 7n);
  assert.equal(fields(one(tensor, 2)?.bytes ?? new Uint8Array()).length, 0, "a scalar tensor");
  return { kind: "text", wallTime, step, tag, text: text(one(tensor, 8)!.bytes) };
}

export async function readEventDir(dir: string): Promise<{ name: string; events: Decoded[] }> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  assert.equal(names.length, 1, `one event file in ${dir} (${names.join(", ")})`);
  const name = names[0]!;
  assert.match(name, /^events\.out\.tfevents\.\d{10}\.[\w.-]+$/);
  return { name, events: readFrames(await Deno.readFile(join(dir, name))).map(decodeEvent) };
}
