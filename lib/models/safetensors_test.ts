import assert from "node:assert/strict";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";

Deno.test("safetensors: round trip keeps names, order, shapes, values and metadata", () => {
  const tensors = new Map([
    ["h.0.attn.c_attn.weight", { shape: [2, 3], data: new Float32Array([1, -2, 3.5, 0, 1e-8, -0]) }],
    ["wte.weight", { shape: [1], data: new Float32Array([42]) }],
  ]);
  const bytes = encodeSafetensors(tensors, { format: "pt" });
  const hlen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal((8 + hlen) % 8, 0, "data section is 8-byte aligned");
  const back = decodeSafetensors(bytes);
  assert.deepEqual([...back.tensors.keys()], [...tensors.keys()]);
  assert.deepEqual(back.tensors.get("h.0.attn.c_attn.weight")!.shape, [2, 3]);
  assert.deepEqual([...back.tensors.get("h.0.attn.c_attn.weight")!.data], [1, -2, 3.5, 0, 1e-8, -0].map(Math.fround));
  assert.deepEqual(back.metadata, { format: "pt" });
});

Deno.test("safetensors: F16 and BF16 are upcast to F32", () => {
  const header = JSON.stringify({
    a: { dtype: "F16", shape: [3], data_offsets: [0, 6] },
    b: { dtype: "BF16", shape: [2], data_offsets: [6, 10] },
  });
  const h = new TextEncoder().encode(header);
  const bytes = new Uint8Array(8 + h.length + 10);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(h.length), true);
  bytes.set(h, 8);
  const dv = new DataView(bytes.buffer, 8 + h.length);
  // F16: 1.0 = 0x3c00, -2.0 = 0xc000, 65504 = 0x7bff; BF16: 1.0 = 0x3f80, -0.5 = 0xbf00
  [0x3c00, 0xc000, 0x7bff, 0x3f80, 0xbf00].forEach((v, i) => dv.setUint16(i * 2, v, true));
  const { tensors } = decodeSafetensors(bytes);
  assert.deepEqual([...tensors.get("a")!.data], [1, -2, 65504]);
  assert.deepEqual([...tensors.get("b")!.data], [1, -0.5]);
});

Deno.test("safetensors: damaged files get errors that name the file and the tensor", () => {
  const good = encodeSafetensors(new Map([["w", { shape: [4], data: new Float32Array(4) }]]));
  assert.throws(() => decodeSafetensors(good.subarray(0, 5), "m.safetensors"), /m.safetensors: file is 5 bytes/);
  assert.throws(() => decodeSafetensors(good.subarray(0, good.length - 4), "m.safetensors"), /tensor w has byte range/);
  const bad = good.slice();
  bad[8] = 0x7b + 1; // break the JSON header
  assert.throws(() => decodeSafetensors(bad, "m.safetensors"), /header is not valid JSON/);
  assert.throws(
    () => encodeSafetensors(new Map([["w", { shape: [3], data: new Float32Array(2) }]])),
    /w has 2 values for shape \[3\]/,
  );
});

Deno.test("safetensors: malformed headers name the tensor and what was expected; ranges must tile the data", () => {
  const file = (header: unknown, dataBytes: number) => {
    const h = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + h.length + dataBytes);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8);
    return out;
  };
  const t = (o: [number, number]) => ({ dtype: "F32", shape: [1], data_offsets: o });
  assert.throws(() => decodeSafetensors(file(null, 0), "m.st"), /m.st: the header must be a JSON object/);
  assert.throws(() => decodeSafetensors(file([1], 0), "m.st"), /the header must be a JSON object/);
  assert.throws(() => decodeSafetensors(file({ w: 5 }, 0), "m.st"), /m.st: tensor w has entry 5 \(expected \{"dtype"/);
  assert.throws(
    () => decodeSafetensors(file({ w: { dtype: "F32", shape: "4", data_offsets: [0, 16] } }, 16), "m.st"),
    /tensor w has entry/,
  );
  assert.throws(() => decodeSafetensors(file({ w: t([4, 0]) }, 4), "m.st"), /tensor w has entry/);
  assert.throws(
    () => decodeSafetensors(file({ a: t([0, 4]), b: t([2, 6]) }, 6), "m.st"),
    /tensor b starts at byte 2 \(expected 4/,
  );
  assert.throws(
    () => decodeSafetensors(file({ a: t([0, 4]), b: t([8, 12]) }, 12), "m.st"),
    /tensor b starts at byte 8/,
  );
  assert.throws(
    () => decodeSafetensors(file({ a: t([0, 4]) }, 8), "m.st"),
    /cover 4 bytes of data but the file holds 8/,
  );
  assert.equal(decodeSafetensors(file({ b: t([4, 8]), a: t([0, 4]) }, 8), "m.st").tensors.size, 2);
});
