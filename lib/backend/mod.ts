/**
 * The compute backend: backend choice, missing wasm kernels, fast ops, and
 * the tfjs namespace the rest of codex uses.
 *
 * @module
 */
export * as tf from "@tensorflow/tfjs";
export { type BackendInfo, type BackendName, BACKENDS, initBackend, tfjsNodeAvailable } from "./backend.ts";
export { bmm, linear, linearT, matMul, namedVariable, oneHot, transposeLast } from "./ops.ts";
export { registerMissingKernels } from "./kernels.ts";
