/**
 * ONNX Runtime's CPU kernels, through the Node-API binding that ships in
 * `npm:onnxruntime-node@1.30.0` (prebuilt for linux x64/arm64, macOS arm64
 * and Windows). The binding's `run()` is synchronous, so a tfjs kernel or a
 * training step can call it in line. It is loaded lazily, on first use,
 * and every failure to load becomes a reason string, never a crash.
 *
 * Why the binding and not the C API through `Deno.dlopen`: the binding
 * loads with the `--allow-ffi=node_modules` the tasks already grant, while
 * `Deno.dlopen` needs unscoped `--allow-ffi`. The binding copies each output
 * once; at codex's sizes that copy costs under 2% of a step (measured in
 * docs/backend.md). The version is pinned in deno.json because upstream has
 * since changed how the binding copies.
 *
 * @module
 */
import { createRequire } from "node:module";

/** A tensor handed to or returned by a session. */
export interface NativeTensor {
  type: "float32" | "int32" | "int64";
  data: Float32Array | Int32Array | BigInt64Array;
  dims: readonly number[];
}

interface OrtTensor {
  data: Float32Array | Int32Array | BigInt64Array;
  dims: readonly number[];
  type: string;
}
interface BindingSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: Record<string, unknown>): void;
  run(
    feeds: Record<string, OrtTensor>,
    fetches: Record<string, OrtTensor | null>,
    options?: Record<string, unknown>,
  ): Record<
    string,
    OrtTensor
  >;
  dispose(): void;
}
interface BindingModule {
  binding: { InferenceSession: new () => BindingSession };
  initOrt(): void;
}

/** Whether the native path can run here, and why (or why not). */
export interface NativeStatus {
  available: boolean;
  reason: string;
}

let loaded: { binding: BindingModule } | null = null;
let status: NativeStatus | null = null;

const SUPPORTED = ["linux-x64", "linux-arm64", "darwin-arm64", "win32-x64", "win32-arm64"];

function platformKey(): string {
  const os = Deno.build.os === "windows" ? "win32" : Deno.build.os;
  const arch = Deno.build.arch === "x86_64" ? "x64" : Deno.build.arch === "aarch64" ? "arm64" : Deno.build.arch;
  return `${os}-${arch}`;
}

/**
 * Loads ONNX Runtime once and says whether it is usable: a platform without
 * its binary, a missing `--allow-ffi` or a failed load give `available:
 * false` with the reason.
 *
 * @example
 * ```ts ignore
 * import { nativeStatus } from "./native_runtime.ts";
 * console.log(nativeStatus().reason);
 * ```
 */
export function nativeStatus(): NativeStatus {
  if (status) return status;
  const key = platformKey();
  if (!SUPPORTED.includes(key)) {
    return status = { available: false, reason: `onnxruntime-node ships no binary for ${key}` };
  }
  const perm = Deno.permissions.querySync({ name: "ffi" });
  if (perm.state !== "granted") {
    // A scoped grant (--allow-ffi=node_modules) reports "prompt" for the bare query.
    const scoped = ffiScopeGranted();
    if (!scoped) return status = { available: false, reason: "no --allow-ffi permission to load ONNX Runtime" };
  }
  try {
    const require = createRequire(import.meta.url);
    const binding = require("onnxruntime-node/dist/binding.js") as BindingModule;
    binding.initOrt();
    loaded = { binding };
    return status = { available: true, reason: `ONNX Runtime 1.30.0 CPU kernels (${key})` };
  } catch (err) {
    const msg = ((err as Error).message ?? String(err)).split("\n")[0];
    return status = { available: false, reason: `ONNX Runtime failed to load: ${msg}` };
  }
}

function ffiScopeGranted(): boolean {
  try {
    const require = createRequire(import.meta.url);
    const path = require.resolve("onnxruntime-node");
    return Deno.permissions.querySync({ name: "ffi", path }).state === "granted";
  } catch {
    return false;
  }
}

/** Session options codex sets. */
export interface NativeSessionOptions {
  /** Threads inside one op (default 1: data parallelism uses one thread per worker). */
  threads?: number;
  /** A name for error messages (`gpt-micro train step`). */
  label?: string;
}

/**
 * One ONNX Runtime session over a model codex built. `run` is synchronous;
 * its errors name the session and the shapes it was fed.
 *
 * @example
 * ```ts ignore
 * import { OnnxGraph } from "./onnx_graph.ts";
 * import { NativeSession } from "./native_runtime.ts";
 * const g = new OnnxGraph("double");
 * const x = g.input("x", "float", ["n"]);
 * g.output(g.op("Add", [x, x]), "y", "float", ["n"]);
 * const s = new NativeSession(g.encode(), { label: "double" });
 * console.log(s.run({ x: { type: "float32", data: new Float32Array([1, 2]), dims: [2] } }, ["y"]).y!.data);
 * ```
 */
export class NativeSession {
  readonly label: string;
  #session: BindingSession;

  constructor(model: Uint8Array, options: NativeSessionOptions = {}) {
    const st = nativeStatus();
    if (!st.available || !loaded) throw new Error(`Cannot start the native path: ${st.reason}`);
    this.label = options.label ?? "session";
    this.#session = new loaded.binding.binding.InferenceSession();
    const threads = options.threads ?? 1;
    try {
      this.#session.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: "sequential",
        graphOptimizationLevel: "all",
        // Errors reach the caller as exceptions; ONNX Runtime need not print them too.
        logSeverityLevel: 4,
      });
    } catch (err) {
      throw new Error(`Cannot build native ${this.label}: ${(err as Error).message}`);
    }
  }

  /** Runs the model on `feeds` and returns the named outputs. */
  run(feeds: Record<string, NativeTensor>, outputs: string[]): Record<string, NativeTensor> {
    const fetches: Record<string, null> = {};
    for (const o of outputs) fetches[o] = null;
    const res = this.#run(feeds, fetches);
    const out: Record<string, NativeTensor> = {};
    for (const o of outputs) {
      const t = res[o]!;
      out[o] = { type: t.type as NativeTensor["type"], data: t.data, dims: t.dims };
    }
    return out;
  }

  /**
   * Runs the model with caller-owned outputs: ONNX Runtime reads each feed's
   * memory in place and writes each output into `outputs[name].data` (views
   * into another heap, such as tfjs's wasm memory, work). The binding still
   * returns a copy of each output, which is dropped. Errors read as
   * {@linkcode NativeSession.run}'s.
   */
  runInto(feeds: Record<string, NativeTensor>, outputs: Record<string, NativeTensor>): void {
    const fetches: Record<string, OrtTensor> = {};
    for (const name in outputs) fetches[name] = _cpuTensor(outputs[name]!);
    this.#run(feeds, fetches);
  }

  // Feeds go to the binding as plain objects, not `ort.Tensor`s (about 3 us a
  // call less), and without a run-options object (the binding then builds none).
  #run(feeds: Record<string, NativeTensor>, fetches: Record<string, OrtTensor | null>): Record<string, OrtTensor> {
    const ortFeeds: Record<string, OrtTensor> = {};
    for (const name in feeds) ortFeeds[name] = _cpuTensor(feeds[name]!);
    try {
      return this.#session.run(ortFeeds, fetches);
    } catch (err) {
      throw new Error(`Native ${this.label} failed: ${_firstLine(err)} (inputs ${_describeFeeds(feeds)})`);
    }
  }

  /** Frees the session. */
  dispose(): void {
    this.#session.dispose();
  }
}

/** A tensor as the binding reads it (`location` is what `ort.Tensor` adds). */
function _cpuTensor(t: NativeTensor): OrtTensor {
  return { location: "cpu", type: t.type, data: t.data, dims: t.dims } as OrtTensor;
}

function _firstLine(err: unknown): string {
  return String((err as Error).message ?? err).split("\n")[0]!;
}

/** `idx[2] targets[2] scale[] and 16 more`: the feeds' shapes, the small ones first. */
function _describeFeeds(feeds: Record<string, NativeTensor>): string {
  const all = Object.entries(feeds).map(([n, t]) => `${n}[${t.dims.join(",")}]`);
  const shown = [...all].sort((a, b) => a.length - b.length).slice(0, 6);
  return shown.join(" ") + (all.length > shown.length ? ` and ${all.length - shown.length} more` : "");
}
