/**
 * Chooses and starts the compute backend: `native` (ONNX Runtime's CPU
 * kernels for the heavy work, under tfjs's wasm backend for the rest),
 * `wasm` (tfjs-backend-wasm alone, SIMD), `cpu` (pure JS reference), `node`
 * (tfjs-node, only when importable), or `auto` (native when ONNX Runtime
 * loads here, else wasm, saying why).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { createRequire } from "node:module";
import { installEagerBackprop } from "./eager_backprop.ts";
import { registerMissingKernels } from "./kernels.ts";
import { registerNativeKernels } from "./native_kernels.ts";
import { nativeStatus } from "./native_runtime.ts";

/** The backends codex knows. */
export const BACKENDS = ["native", "wasm", "cpu", "node"] as const;
/** A backend name. */
export type BackendName = typeof BACKENDS[number];

/** What {@linkcode initBackend} started. */
export interface BackendInfo {
  /** The active backend. */
  name: BackendName;
  /** The tfjs version. */
  tfjsVersion: string;
  /** Why this backend (`auto: ONNX Runtime 1.30.0 CPU kernels (linux-x64)`). */
  reason: string;
  /** The tfjs backend underneath (`wasm` for both `native` and `wasm`). */
  tfjsBackend: string;
}

let wasmPathSet = false;
let active: BackendName = "wasm";

/** The backend the last {@linkcode initBackend} started (`wasm` before any call). */
export function activeBackend(): BackendName {
  return active;
}

/** Whether the native path (ONNX Runtime) is the active backend. */
export function nativeActive(): boolean {
  return active === "native";
}

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
 * Starts a backend and makes it the active one: `native`, `wasm`, `cpu`,
 * `node`, or `auto`. `auto` and `native` use ONNX Runtime when it loads
 * here; when it cannot (no binary for the platform, no `--allow-ffi`, a
 * failed load), they start `wasm` and `reason` says why, in one line.
 * Calling it again with another name switches backends (tensors move lazily
 * between them).
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
  if (name === "auto" || name === "native") {
    const native = nativeStatus();
    reason = native.available ? `${name}: ${native.reason}` : `${name}: ${native.reason}; using the wasm path (slower)`;
    name = native.available ? "native" : "wasm";
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
  const tfjsBackend = name === "node" ? "tensorflow" : name === "native" ? "wasm" : name;
  if (tfjsBackend === "wasm" && !wasmPathSet) {
    setWasmPaths(wasmDir());
    wasmPathSet = true;
  }
  // Production mode: no debug checks, no "install tfjs-node" banner.
  tf.enableProdMode();
  const ok = await tf.setBackend(tfjsBackend);
  if (!ok) throw new Error(`Cannot start backend: tfjs could not initialise "${tfjsBackend}"`);
  await tf.ready();
  registerMissingKernels();
  // Free activations and used gradients during backprop (the peak halves).
  installEagerBackprop();
  // Products go to ONNX Runtime while native is active (the overrides check at call time).
  if (name === "native") registerNativeKernels();
  active = name as BackendName;
  return { name: active, tfjsVersion: tf.version_core, reason, tfjsBackend };
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
