/**
 * The compute backend: backend choice, missing wasm kernels, fast ops, and
 * the tfjs namespace the rest of codex uses.
 *
 * @module
 */
export * as tf from "@tensorflow/tfjs";
export {
  activeBackend,
  type BackendInfo,
  type BackendName,
  BACKENDS,
  initBackend,
  nativeActive,
  tfjsNodeAvailable,
} from "./backend.ts";
export { bmm, linear, linearT, matMul, matMulT, namedVariable, oneHot, transposeLast } from "./ops.ts";
export { registerMissingKernels } from "./kernels.ts";
export {
  clearNativeKernelSessions,
  type NativeKernelStats,
  nativeKernelStats,
  registerNativeKernels,
} from "./native_kernels.ts";
export { installEagerBackprop } from "./eager_backprop.ts";
export { adamwInPlace, type AdamWStep, adamwUpdate, sumOfSquares } from "./fused_ops.ts";
export {
  type AttrValue,
  type ConstTensor,
  type Dim,
  f,
  FloatAttr,
  OnnxGraph,
  OnnxType,
  type OnnxTypeName,
} from "./onnx_graph.ts";
export {
  NativeSession,
  type NativeSessionOptions,
  type NativeStatus,
  nativeStatus,
  type NativeTensor,
} from "./native_runtime.ts";
export { type WasmHeap, wasmHeap } from "./wasm_heap.ts";
