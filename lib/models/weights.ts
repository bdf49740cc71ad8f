/**
 * Moving weights in and out of a model by tensor name, with errors that
 * name each missing, unknown or mis-shaped tensor.
 *
 * @module
 */
import { namedVariable, tf } from "../backend/mod.ts";
import type { Model } from "./model.ts";
import type { NamedTensor } from "./safetensors.ts";

/**
 * A model's trainable variables from row-major weights, one per `[name,
 * shape]`. Every weight is checked before any variable is made, so a wrong
 * one names the model `family`, the tensor and the expected size and leaks
 * nothing.
 */
export function paramVariables(
  family: string,
  shapes: [string, number[]][],
  weights: Map<string, Float32Array>,
): Map<string, tf.Variable> {
  for (const [name, shape] of shapes) {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = weights.get(name);
    if (!v || v.length !== n) {
      throw new TypeError(
        `Cannot build ${family}: weight ${name} must have ${n} values for shape [${shape}] (got ${
          v?.length ?? "none"
        })`,
      );
    }
  }
  return new Map(shapes.map(([name, shape]) => [name, namedVariable(tf.tensor(weights.get(name)!, shape), name)]));
}

/** How many trainable values `params` hold. */
export function countValues(params: Map<string, tf.Variable>): number {
  let n = 0;
  for (const v of params.values()) n += v.size;
  return n;
}

/** The model's weights as named float32 tensors (copies), in parameter order. */
export function getWeights(model: Model): Map<string, NamedTensor> {
  return new Map([...model.params].map(([k, v]) => [k, { shape: [...v.shape], data: v.dataSync() as Float32Array }]));
}

/** Options of {@linkcode setWeights}. */
export interface SetWeightsOptions {
  /** Names in `tensors` the model does not have are ignored instead of refused (buffers, a tied head). */
  ignore?: (name: string) => boolean;
  /** Where the tensors came from, for errors. */
  source?: string;
}

/**
 * Assigns every parameter of `model` from `tensors`. All problems are
 * gathered first: missing tensors, unknown ones, and shape mismatches (name,
 * expected and found shape); nothing is assigned unless all is well.
 */
export function setWeights(model: Model, tensors: Map<string, NamedTensor>, options: SetWeightsOptions = {}): void {
  const source = options.source ?? "weights";
  const problems: string[] = [];
  const missing = [...model.params.keys()].filter((k) => !tensors.has(k));
  if (missing.length) {
    problems.push(
      `missing ${missing.length} tensor(s): ${missing.slice(0, 8).join(", ")}${missing.length > 8 ? ", ..." : ""}`,
    );
  }
  const unknown = [...tensors.keys()].filter((k) => !model.params.has(k) && !(options.ignore?.(k) ?? false));
  if (unknown.length) {
    problems.push(
      `unknown ${unknown.length} tensor(s): ${unknown.slice(0, 8).join(", ")}${unknown.length > 8 ? ", ..." : ""}`,
    );
  }
  for (const [name, v] of model.params) {
    const t = tensors.get(name);
    if (t && (t.shape.length !== v.shape.length || t.shape.some((d, i) => d !== v.shape[i]))) {
      problems.push(`${name} has shape [${t.shape}] (expected [${v.shape}])`);
    }
  }
  if (problems.length) throw new TypeError(`Cannot load ${source}: ${problems.join("; ")}`);
  tf.tidy(() => {
    for (const [name, v] of model.params) v.assign(tf.tensor(tensors.get(name)!.data, v.shape, "float32"));
  });
}
