/**
 * Data parallelism across cores: tfjs's wasm backend runs on one thread, so
 * codex splits each batch between the main thread and `workers - 1` Deno
 * Workers, each with its own wasm instance and model replica. Every step the
 * replicas get the current weights and a slice of the batch; the gradients
 * come back and are averaged in a fixed order, so a run is deterministic for
 * a given number of workers.
 *
 * On the native backend a GPT without dropout needs no replicas: its whole
 * forward and backward is one ONNX Runtime call, and `workers` becomes the
 * number of threads ONNX Runtime uses inside that call (measured: two
 * threads in one session match two single-threaded workers, without
 * shipping weights and gradients between them each step).
 *
 * @module
 */
import { tf, wasmHeap } from "../backend/mod.ts";
import { getModelEntry, type GptConfig, GptNative, type LanguageModel, type ModelConfig } from "../models/mod.ts";
import type { Batch } from "./batches.ts";
import type { WorkerRequest, WorkerResponse } from "./grad_worker.ts";

/** Loss and gradients (keyed by variable name) of one batch. */
export interface BatchGradients {
  loss: number;
  grads: Record<string, tf.Tensor>;
}

function slice(b: Batch, from: number, to: number): Batch {
  return {
    x: b.x.subarray(from * b.time, to * b.time),
    y: b.y.subarray(from * b.time, to * b.time),
    batch: to - from,
    time: b.time,
  };
}

/** The gradient computation of a training step, on one or several cores. */
export class DataParallel {
  readonly workers: Worker[];
  /** The fused native step (a GPT on the native backend), or null. */
  readonly native: GptNative | null;
  /** Live tensors in each replica after its last step (a leak shows as growth). */
  readonly workerTensors: number[] = [];
  #pending = new Map<Worker, (r: WorkerResponse) => void>();

  #loaded = new Map<Worker, Promise<void>>();

  private constructor(workers: Worker[], native: GptNative | null) {
    this.workers = workers;
    this.native = native;
    for (const w of workers) {
      let loaded!: () => void;
      this.#loaded.set(w, new Promise((r) => (loaded = r)));
      w.onmessage = (e: MessageEvent<WorkerResponse>) => {
        if (e.data.kind === "loaded") return loaded();
        const resolve = this.#pending.get(w);
        this.#pending.delete(w);
        resolve?.(e.data);
      };
    }
  }

  /** Starts `n - 1` replicas of the named model (n = 1 starts none). */
  static async start(n: number, model: string, config: ModelConfig, backend: string): Promise<DataParallel> {
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`Cannot start workers: train.workers must be >= 1 (got ${n})`);
    }
    if (backend === "native" && getModelEntry(model).family === "gpt" && config.dropout === 0) {
      return new DataParallel([], new GptNative(config as unknown as GptConfig, n));
    }
    const workers = Array.from(
      { length: n - 1 },
      () => new Worker(new URL("./grad_worker.ts", import.meta.url).href, { type: "module" }),
    );
    const dp = new DataParallel(workers, null);
    await Promise.all(workers.map((w) => dp.#loaded.get(w)));
    await Promise.all(workers.map((w) => dp.#call(w, { kind: "init", model, config, backend })));
    return dp;
  }

  #call(w: Worker, msg: WorkerRequest, transfer: Transferable[] = []): Promise<WorkerResponse> {
    return new Promise((resolve, reject) => {
      this.#pending.set(
        w,
        (r) => (r.kind === "error" ? reject(new Error(`Training worker failed: ${r.message}`)) : resolve(r)),
      );
      w.postMessage(msg, transfer);
    });
  }

  /**
   * Loss and gradients of `model` on `b`, scaled by `scale` (1 / accumulation
   * steps). With workers, rows are split evenly (the main thread takes the
   * first share) and the results averaged by row count. `trainable` (one
   * core only) limits the gradients to some variables (LoRA adapters).
   */
  async gradients(
    model: LanguageModel,
    b: Batch,
    scale: number,
    dropoutSeed: number,
    trainable: tf.Variable[] = [...model.params.values()],
  ): Promise<BatchGradients> {
    const params = [...model.params.values()];
    if (this.native && trainable.length === params.length) return this.#nativeGradients(params, b, scale);
    const parts = this.workers.length + 1;
    if (parts === 1 || b.batch < parts) {
      model.setDropoutSeed(dropoutSeed);
      const { value, grads } = tf.variableGrads(
        () => tf.mul(model.loss(b.x, b.y, b.batch, b.time, true), scale) as tf.Scalar,
        trainable,
      );
      const loss = value.dataSync()[0]!;
      value.dispose();
      return { loss, grads };
    }
    const bounds = Array.from({ length: parts + 1 }, (_, i) => Math.round((i * b.batch) / parts));
    const weights = params.map((p) => p.dataSync() as Float32Array);
    const remote = this.workers.map((w, i) => {
      const s = slice(b, bounds[i + 1]!, bounds[i + 2]!);
      return this.#call(w, {
        kind: "step",
        weights,
        x: s.x.slice(),
        y: s.y.slice(),
        batch: s.batch,
        time: s.time,
        scale: (scale * s.batch) / b.batch,
        dropoutSeed: dropoutSeed + (i + 1) * 1024,
      });
    });
    const own = slice(b, 0, bounds[1]!);
    model.setDropoutSeed(dropoutSeed);
    const local = tf.variableGrads(
      () => tf.mul(model.loss(own.x, own.y, own.batch, own.time, true), (scale * own.batch) / b.batch) as tf.Scalar,
      params,
    );
    let loss = local.value.dataSync()[0]!;
    local.value.dispose();
    const grads = local.grads;
    for (const [w, r] of (await Promise.all(remote)).entries()) {
      if (r.kind !== "grads") throw new Error(`Training worker answered ${r.kind}`);
      this.workerTensors[w] = r.tensors;
      loss += r.loss;
      params.forEach((p, i) => {
        const prev = grads[p.name]!;
        const remoteGrad = tf.tensor(r.grads[i]!, p.shape);
        grads[p.name] = tf.add(prev, remoteGrad);
        tf.dispose([prev, remoteGrad]);
      });
    }
    return { loss, grads };
  }

  #nativeGradients(params: tf.Variable[], b: Batch, scale: number): BatchGradients {
    const heap = wasmHeap(tf.backend());
    if (!heap) {
      const weights = params.map((p) => p.dataSync() as Float32Array);
      const r = this.native!.gradients(weights, b.x, b.y, b.batch, b.time, scale);
      const grads: Record<string, tf.Tensor> = {};
      params.forEach((p, i) => (grads[p.name] = tf.tensor(r.grads[i]!, p.shape)));
      return { loss: r.loss, grads };
    }
    // On wasm: the weights go to ONNX Runtime as views of tfjs's heap, and the
    // gradients are written straight into new tfjs tensors (no copy either way).
    // Views are taken after allocating: a malloc may grow (and move) the heap.
    const outs: tf.TensorInfo[] = [];
    let loss: number;
    try {
      for (const p of params) outs.push(heap.alloc(p.shape, "the native step"));
      loss = this.native!.gradientsInto(params.map(heap.view), outs.map(heap.view), b.x, b.y, b.batch, b.time, scale);
    } catch (err) {
      outs.forEach(heap.free); // nothing took the gradients' memory over
      throw err;
    }
    const grads: Record<string, tf.Tensor> = {};
    params.forEach((p, i) => (grads[p.name] = tf.engine().makeTensorFromTensorInfo(outs[i]!)));
    return { loss, grads };
  }

  /** Stops the replicas and frees native sessions. */
  close(): void {
    for (const w of this.workers) w.terminate();
    this.native?.dispose();
  }
}
