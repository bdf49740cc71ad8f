/**
 * Kernels for the wasm backend: ones it lacks and a faster batched product.
 *
 * - `UnsortedSegmentSum` is what `tf.gather`'s gradient (the embedding
 *   backward) calls; tfjs-backend-wasm 4.22 has none. Ours is a JS
 *   scatter-add straight into the output's wasm heap memory.
 * - `Identity` (`tf.clone`): wasm's copies the data. tfjs clones every
 *   tensor it saves for the backward pass, so on wasm each training step
 *   copied every weight and activation a gradient needs (for GPT-2 at 256
 *   tokens, ~2 GB more heap and seconds of copying). Ours shares the data
 *   and counts a reference, as tfjs's CPU backend does; tensors are
 *   immutable, and code writing tensor memory in place checks the count.
 * - `BatchMatMul`: wasm runs only un-batched, un-transposed products on
 *   XNNPACK (~15-25 GFLOP/s) and everything else in a slow loop (~1 GFLOP/s).
 *   Ours runs each batch item of an un-transposed product as its own
 *   XNNPACK call on views into the wasm heap (no copies), and hands every
 *   other case to the original kernel. Attention's `[B, H, T, T]` products
 *   run about 6x faster.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

interface WasmData {
  id: number;
  memoryOffset: number;
  shape: number[];
  dtype: tf.DataType;
  refCount: number;
}
interface WasmBackendLike {
  readSync(dataId: unknown): ArrayLike<number>;
  incRef(dataId: unknown): void;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: ArrayLike<number>): tf.TensorInfo;
  dataIdMap: { get(dataId: unknown): WasmData | undefined };
  dataIdNextNumber: number;
  wasm: {
    HEAPU8: Uint8Array;
    cwrap(name: string, ret: null, args: string[]): (...args: unknown[]) => void;
    tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
  };
}

let registered = false;

/** Registers the wasm kernels described above (idempotent). */
export function registerMissingKernels(): void {
  if (registered) return;
  registered = true;
  if (tf.getKernel("UnsortedSegmentSum", "wasm") === undefined) {
    tf.registerKernel({
      kernelName: "UnsortedSegmentSum",
      backendName: "wasm",
      kernelFunc: ({ inputs, attrs, backend }) => {
        const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
        const { numSegments } = attrs as unknown as { numSegments: number };
        const b = backend as unknown as WasmBackendLike;
        const ids = b.readSync(segmentIds.dataId);
        const rest = x.shape.slice(segmentIds.shape.length);
        const inner = rest.reduce((a, c) => a * c, 1);
        const int = x.dtype === "int32";
        const result = b.makeOutput([numSegments, ...rest], int ? "int32" : "float32");
        // Views only after allocating, which may grow the heap (and replace its buffer).
        const heap = b.wasm.HEAPU8.buffer;
        const at = (t: tf.TensorInfo, n: number) => {
          const offset = b.dataIdMap.get(t.dataId)!.memoryOffset;
          return int ? new Int32Array(heap, offset, n) : new Float32Array(heap, offset, n);
        };
        const out = at(result, numSegments * inner), xs = at(x, ids.length * inner);
        out.fill(0);
        for (let i = 0; i < ids.length; i++) {
          const s = ids[i]!;
          if (s < 0 || s >= numSegments) continue;
          const o = s * inner, xi = i * inner;
          for (let j = 0; j < inner; j++) out[o + j]! += xs[xi + j]!;
        }
        return result;
      },
    });
  }
  const identity = tf.getKernel("Identity", "wasm");
  if (identity !== undefined) {
    tf.unregisterKernel("Identity", "wasm");
    tf.registerKernel({
      ...identity,
      kernelFunc: (args) => {
        const { x } = args.inputs as { x: tf.TensorInfo };
        if (x.dtype === "string") return identity.kernelFunc(args);
        (args.backend as unknown as WasmBackendLike).incRef(x.dataId);
        return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
      },
    });
  }
  const original = tf.getKernel("BatchMatMul", "wasm");
  if (original !== undefined) {
    let call: ((...args: unknown[]) => void) | undefined;
    tf.unregisterKernel("BatchMatMul", "wasm");
    tf.registerKernel({
      ...original,
      kernelFunc: (args) => {
        const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
        const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
        const outer = a.shape.slice(0, -2);
        const batch = outer.reduce((x, y) => x * y, 1);
        const sameBatch = outer.length === b.shape.length - 2 && outer.every((d, i) => d === b.shape[i]);
        if (transposeA || transposeB || batch <= 1 || !sameBatch || a.dtype !== "float32") {
          return original.kernelFunc(args);
        }
        const backend = args.backend as unknown as WasmBackendLike;
        call ??= backend.wasm.cwrap("BatchMatMul", null, [
          "number",
          "array",
          "number",
          "number",
          "array",
          "number",
          "number",
          "number",
          "number",
        ]);
        const M = a.shape[a.shape.length - 2]!, K = a.shape[a.shape.length - 1]!;
        const N = b.shape[b.shape.length - 1]!;
        if (b.shape[b.shape.length - 2] !== K) return original.kernelFunc(args);
        const out = backend.makeOutput([...outer, M, N], "float32");
        const ad = backend.dataIdMap.get(a.dataId)!, bd = backend.dataIdMap.get(b.dataId)!;
        const od = backend.dataIdMap.get(out.dataId)!;
        const aShape = new Uint8Array(new Int32Array([1, M, K]).buffer);
        const bShape = new Uint8Array(new Int32Array([1, K, N]).buffer);
        const view = (offset: number, size: number): number => {
          const id = backend.dataIdNextNumber++;
          backend.wasm.tfjs.registerTensor(id, size, offset);
          return id;
        };
        for (let i = 0; i < batch; i++) {
          const ai = view(ad.memoryOffset + i * M * K * 4, M * K);
          const bi = view(bd.memoryOffset + i * K * N * 4, K * N);
          const oi = view(od.memoryOffset + i * M * N * 4, M * N);
          call(ai, aShape, 3, bi, bShape, 3, 0, 0, oi);
          // Views share memory with their tensors: unregister, never free.
          backend.wasm.tfjs.disposeData(ai);
          backend.wasm.tfjs.disposeData(bi);
          backend.wasm.tfjs.disposeData(oi);
        }
        return out;
      },
    });
  }
}
