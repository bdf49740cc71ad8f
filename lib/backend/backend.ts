/**
 * Chooses and starts the TensorFlow.js backend: `wasm` (default, SIMD),
 * `cpu` (pure JS reference), or `node` (tfjs-node, only when importable).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { createRequire } from "node:module";
import { registerMissingKernels } from "./kernels.ts";

/** The backends codex knows. */
export const BACKENDS = ["wasm", "cpu", "node"] as const;
/** A backend name. */
export type BackendName = typeof BACKENDS[number];

/** What {@linkcode initBackend} started. */
export interface BackendInfo {
  /** The active backend. */
  name: BackendName;
  /** The tfjs version. */
  tfjsVersion: string;
  /** Why this backend (`auto: tfjs-node is not installed, wasm is the fastest here`). */
  reason: string;
}

let wasmPathSet = false;

function wasmDir(): string {
  // The .wasm binaries ship inside the npm package; tfjs reads them from disk.
  const require = createRequire(import.meta.url);
  const entry = require.resolve("@tensorflow/tfjs-backend-wasm");
  return entry.slice(0, entry.lastIndexOf("/") + 1);
}

/** Whether `@tensorflow/tfjs-node` is installed (it is never installed on demand). */
export function tfjsNodeAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve("@tensorflow/tfjs-node");
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts a backend and makes it the active one: `wasm`, `cpu`, `node`, or
 * `auto` (the fastest available: `node` when tfjs-node is installed, else
 * `wasm`; the result says which and why). Calling it again with another name
 * switches backends (tensors move lazily between them).
 *
 * @example
 * ```ts ignore
 * import { initBackend } from "./backend.ts";
 * const info = await initBackend("cpu");
 * console.log(info.name); // "cpu"
 * ```
 */
export async function initBackend(name: string = "wasm"): Promise<BackendInfo> {
  if (name !== "auto" && !(BACKENDS as readonly string[]).includes(name)) {
    throw new RangeError(
      `Cannot start backend: unknown backend "${name}" (known: auto, ${BACKENDS.join(", ")})`,
    );
  }
  let reason = `asked for ${name}`;
  if (name === "auto") {
    const node = tfjsNodeAvailable();
    name = node ? "node" : "wasm";
    reason = node ? "auto: tfjs-node is installed" : "auto: tfjs-node is not installed, wasm is the fastest here";
  }
  if (name === "node") {
    if (!tfjsNodeAvailable()) {
      throw new Error(
        'Cannot start backend: "node" needs @tensorflow/tfjs-node, which is not installed (its install downloads libtensorflow)',
      );
    }
    // tfjs-node registers the "tensorflow" backend when loaded.
    createRequire(import.meta.url)("@tensorflow/tfjs-node");
  }
  if (name === "wasm" && !wasmPathSet) {
    setWasmPaths(wasmDir());
    wasmPathSet = true;
  }
  // Production mode: no debug checks, no "install tfjs-node" banner.
  tf.enableProdMode();
  const ok = await tf.setBackend(name === "node" ? "tensorflow" : name);
  if (!ok) throw new Error(`Cannot start backend: tfjs could not initialise "${name}"`);
  await tf.ready();
  registerMissingKernels();
  return { name: name as BackendName, tfjsVersion: tf.version_core, reason };
}

// Start the default backend when codex is imported, so a script or notebook
// can build models straight away; initBackend() switches later. If wasm
// cannot start here (no read access to its binary), the first explicit
// initBackend() call reports why.
try {
  await initBackend("wasm");
} catch {
  // reported by the next explicit initBackend()
}
