/**
 * A data-parallel replica, run as a Deno Worker: it holds its own tfjs wasm
 * instance and model copy, takes the current weights and a slice of the
 * batch, and returns the loss and gradients for that slice. See
 * `data_parallel.ts`.
 *
 * @module
 */
import { initBackend, tf } from "../backend/mod.ts";
import { createModel, isLanguageModel, type LanguageModel, type ModelConfig } from "../models/mod.ts";
import { Rng } from "../random/mod.ts";

/** Messages the coordinator sends. */
export type WorkerRequest =
  | { kind: "init"; model: string; config: ModelConfig; backend: string }
  | {
    kind: "step";
    weights: Float32Array[];
    x: Int32Array;
    y: Int32Array;
    batch: number;
    time: number;
    scale: number;
    dropoutSeed: number;
  }
  | { kind: "close" };

/** Messages the replica answers with. */
export type WorkerResponse =
  | { kind: "loaded" }
  | { kind: "ready" }
  | { kind: "grads"; loss: number; grads: Float32Array[]; tensors: number }
  | { kind: "error"; message: string };

/**
 * The worker's global scope, typed here rather than with a `deno.worker` lib
 * reference (which would change the globals of every module that imports
 * codex, and which JSR refuses): only what this file uses.
 */
interface _WorkerScope {
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerResponse, transfer?: Transferable[]): void;
  close(): void;
}
const scope = globalThis as unknown as _WorkerScope;

let model: LanguageModel | null = null;

scope.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const msg = e.data;
  try {
    if (msg.kind === "init") {
      await initBackend(msg.backend);
      const m = createModel(msg.model, msg.config, new Rng(0));
      if (!isLanguageModel(m)) throw new TypeError(`${msg.model} is not a language model`);
      model = m;
      scope.postMessage({ kind: "ready" } satisfies WorkerResponse);
    } else if (msg.kind === "step") {
      if (!model) throw new Error("the replica has no model (init first)");
      const params = [...model.params.values()];
      tf.tidy(() => params.forEach((p, i) => p.assign(tf.tensor(msg.weights[i]!, p.shape))));
      model.setDropoutSeed(msg.dropoutSeed);
      const { value, grads } = tf.variableGrads(
        () => tf.mul(model!.loss(msg.x, msg.y, msg.batch, msg.time, true), msg.scale) as tf.Scalar,
        params,
      );
      const out = params.map((p) => grads[p.name]!.dataSync() as Float32Array);
      const loss = value.dataSync()[0]!;
      tf.dispose([value, ...Object.values(grads)]);
      const tensors = tf.memory().numTensors;
      scope.postMessage(
        { kind: "grads", loss, grads: out, tensors } satisfies WorkerResponse,
        out.map((g) => g.buffer as ArrayBuffer),
      );
    } else {
      model?.dispose();
      scope.close();
    }
  } catch (err) {
    scope.postMessage({ kind: "error", message: (err as Error).message } satisfies WorkerResponse);
  }
};

// Importing codex starts a backend (a top-level await), so this module may
// finish loading after the coordinator's first message would have arrived:
// say when the handler is in place, and the coordinator waits for it.
scope.postMessage({ kind: "loaded" } satisfies WorkerResponse);
