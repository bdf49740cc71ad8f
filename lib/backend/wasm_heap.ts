/**
 * tfjs-wasm's heap as the native path uses it: float32 views of tensors'
 * memory (no copy), and allocation that says when the heap is full
 * (tfjs-wasm's `malloc` is unchecked: a full heap hands out address 0).
 *
 * A `malloc` may grow the wasm memory, which replaces its `ArrayBuffer`, so
 * take views only after the last allocation.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

interface WasmBackendLike {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: unknown, force?: boolean): boolean;
  wasm: { HEAPU8: Uint8Array };
}

/** Views and checked allocation on tfjs-wasm's heap. */
export interface WasmHeap {
  /** A float32 view of a tensor's memory. */
  view(t: tf.TensorInfo): Float32Array;
  /** A new float32 tensor's memory; a full heap is a `RangeError` naming `what` (`Cannot run <what>: ...`). */
  alloc(shape: number[], what: string): tf.TensorInfo;
  /** Frees memory from {@linkcode WasmHeap.alloc} that no tensor took over. */
  free(t: tf.TensorInfo): void;
}

/**
 * The heap of `backend` when it is tfjs-wasm's, else null.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { wasmHeap } from "./wasm_heap.ts";
 * await tf.setBackend("cpu");
 * if (wasmHeap(tf.backend()) !== null) throw new Error("the cpu backend has no wasm heap");
 * ```
 */
export function wasmHeap(backend: unknown): WasmHeap | null {
  const b = backend as Partial<WasmBackendLike>;
  if (!b.typedArrayFromHeap || !b.makeOutput || !b.disposeData || !b.wasm) return null;
  const w = b as WasmBackendLike;
  return {
    view: (t) => w.typedArrayFromHeap(t),
    alloc: (shape, what) => {
      const out = w.makeOutput(shape, "float32");
      if (w.typedArrayFromHeap(out).byteOffset === 0 && shape.some((d) => d > 0)) {
        w.disposeData(out.dataId, true);
        const gb = (w.wasm.HEAPU8.length / 2 ** 30).toFixed(1);
        throw new RangeError(
          `Cannot run ${what}: the wasm heap is full (${gb} GB of at most 4 GB) and has no room for a [${shape}] output`,
        );
      }
      return out;
    },
    free: (t) => void w.disposeData(t.dataId, true),
  };
}
