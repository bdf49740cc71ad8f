/**
 * Checkpoints: one folder per step (`checkpoints/step-000500/`) holding
 * `weights.safetensors`, `optimizer.safetensors`, `state.json`, the resolved
 * `config.yaml`, and `checksums.json` (sha256 and size of every other file).
 * A checkpoint is written into a temporary folder and renamed into place, so
 * a crash never leaves a half-written one; `latest.json` is replaced
 * atomically after the rename.
 *
 * @module
 */
import { join } from "node:path";
import { sha256Hex, writeFileAtomic, writeJsonAtomic } from "../io/mod.ts";
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from "../models/mod.ts";

/** What a checkpoint holds. */
export interface CheckpointData {
  /** Model weights by name. */
  weights: Map<string, NamedTensor>;
  /** Optimizer moments by name. */
  optimizer: Map<string, NamedTensor>;
  /** Everything else needed to resume: step, RNG, sampler position, ... */
  state: Record<string, unknown>;
  /** The resolved config as YAML. */
  configYaml: string;
}

/** A checkpoint on disk. */
export interface CheckpointInfo {
  /** Folder name, `step-000500`. */
  name: string;
  /** Absolute or relative path of the folder. */
  path: string;
  step: number;
}

/** Result of {@linkcode CheckpointManager.verify}. */
export interface VerifyResult {
  ok: boolean;
  problems: string[];
}

const FILES = ["weights.safetensors", "optimizer.safetensors", "state.json", "config.yaml"];

/** Retention and ranking options of a {@linkcode CheckpointManager}. */
export interface CheckpointManagerOptions {
  /** Keep the newest this many checkpoints (0, the default, keeps all). */
  keepLast?: number;
  /** Also keep the best this many by `metric` (default 1). */
  keepBest?: number;
  /** The `state.json` key that ranks checkpoints (default `val_loss`). */
  metric?: string;
  /** Whether lower or higher `metric` is better (default `min`). */
  mode?: "min" | "max";
}

/**
 * Saves, lists, verifies and loads the checkpoints of one run.
 *
 * @example
 * ```ts
 * import { CheckpointManager } from "./checkpoint_manager.ts";
 * const dir = await Deno.makeTempDir();
 * const ckpts = new CheckpointManager(`${dir}/checkpoints`, { keepLast: 1, keepBest: 1 });
 * const data = (loss: number) => ({
 *   weights: new Map([["w", { shape: [2], data: new Float32Array([1, 2]) }]]),
 *   optimizer: new Map(),
 *   state: { val_loss: loss },
 *   configYaml: "seed: 1\n",
 * });
 * await ckpts.save(100, data(2.0));
 * await ckpts.save(200, data(3.0)); // worse: step 100 stays as the best
 * await ckpts.save(300, data(2.5)); // newest: kept as the last; step 200 is pruned
 * const names = (await ckpts.list()).map((c) => c.name).join();
 * const latest = await ckpts.loadLatest();
 * const ok = (await ckpts.verify("step-000100")).ok;
 * await Deno.remove(dir, { recursive: true });
 * if (names !== "step-000100,step-000300") throw new Error(names);
 * if (latest?.step !== 300 || latest.weights.get("w")?.data[1] !== 2 || !ok) throw new Error("bad load");
 * ```
 */
export class CheckpointManager {
  readonly dir: string;
  readonly keepLast: number;
  readonly keepBest: number;
  readonly metric: string;
  readonly mode: "min" | "max";

  constructor(dir: string, options: CheckpointManagerOptions = {}) {
    this.dir = dir;
    this.keepLast = options.keepLast ?? 0;
    this.keepBest = options.keepBest ?? 1;
    this.metric = options.metric ?? "val_loss";
    this.mode = options.mode ?? "min";
  }

  /** The folder name of a step's checkpoint: `step-000500`. */
  static stepName(step: number): string {
    return `step-${String(step).padStart(6, "0")}`;
  }

  /** Writes a checkpoint for `step` (atomically) and points `latest.json` at it. */
  async save(step: number, data: CheckpointData): Promise<CheckpointInfo> {
    await Deno.mkdir(this.dir, { recursive: true });
    const name = CheckpointManager.stepName(step);
    const path = join(this.dir, name);
    // A temporary folder left by a process killed mid-save is never a
    // checkpoint (list() ignores it); clear it away now.
    for await (const e of Deno.readDir(this.dir)) {
      if (e.name.startsWith(".tmp-")) await Deno.remove(join(this.dir, e.name), { recursive: true });
    }
    const tmp = join(this.dir, `.tmp-${name}-${crypto.randomUUID().slice(0, 8)}`);
    await Deno.mkdir(tmp);
    try {
      const files: Record<string, Uint8Array> = {
        "weights.safetensors": encodeSafetensors(data.weights, { format: "pt", step: String(step) }),
        "optimizer.safetensors": encodeSafetensors(data.optimizer, { step: String(step) }),
        "state.json": new TextEncoder().encode(JSON.stringify({ ...data.state, step }, null, 2) + "\n"),
        "config.yaml": new TextEncoder().encode(data.configYaml),
      };
      const checksums: Record<string, { sha256: string; size: number }> = {};
      for (const [f, bytes] of Object.entries(files)) {
        await writeFileAtomic(join(tmp, f), bytes);
        checksums[f] = { sha256: await sha256Hex(bytes), size: bytes.length };
      }
      await writeJsonAtomic(join(tmp, "checksums.json"), { algorithm: "sha256", files: checksums });
      await Deno.remove(path, { recursive: true }).catch(() => {});
      await Deno.rename(tmp, path);
    } catch (err) {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
      throw err;
    }
    await writeJsonAtomic(join(this.dir, "latest.json"), { name, step, path: name });
    await this.#prune(name);
    return { name, path, step };
  }

  /** The checkpoints ranked best first by the metric (those without it are left out). */
  async ranked(): Promise<(CheckpointInfo & { value: number })[]> {
    const out: (CheckpointInfo & { value: number })[] = [];
    for (const c of await this.list()) {
      try {
        const v = JSON.parse(await Deno.readTextFile(join(c.path, "state.json")))[this.metric];
        if (typeof v === "number" && Number.isFinite(v)) out.push({ ...c, value: v });
      } catch {
        // unreadable state: not rankable (verify() reports it)
      }
    }
    const sign = this.mode === "min" ? 1 : -1;
    return out.sort((a, b) => sign * (a.value - b.value) || b.step - a.step);
  }

  /** Completed checkpoints, oldest first. */
  async list(): Promise<CheckpointInfo[]> {
    const out: CheckpointInfo[] = [];
    try {
      for await (const e of Deno.readDir(this.dir)) {
        const m = /^step-(\d+)$/.exec(e.name);
        if (e.isDirectory && m) out.push({ name: e.name, path: join(this.dir, e.name), step: Number(m[1]) });
      }
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return [];
      throw err;
    }
    return out.sort((a, b) => a.step - b.step);
  }

  /** Recomputes every file's sha256 and size against `checksums.json`. */
  async verify(name: string): Promise<VerifyResult> {
    const path = join(this.dir, name);
    const problems: string[] = [];
    let manifest: { files: Record<string, { sha256: string; size: number }> };
    try {
      manifest = JSON.parse(await Deno.readTextFile(join(path, "checksums.json")));
    } catch (err) {
      return { ok: false, problems: [`${name}/checksums.json cannot be read (${(err as Error).message})`] };
    }
    for (const f of FILES) {
      const want = manifest.files?.[f];
      if (!want) {
        problems.push(`${name}/${f} is missing from checksums.json`);
        continue;
      }
      let bytes: Uint8Array;
      try {
        bytes = await Deno.readFile(join(path, f));
      } catch {
        problems.push(`${name}/${f} is missing`);
        continue;
      }
      if (bytes.length !== want.size) problems.push(`${name}/${f} has ${bytes.length} bytes (expected ${want.size})`);
      else if (await sha256Hex(bytes) !== want.sha256) problems.push(`${name}/${f} fails its sha256 check`);
    }
    return { ok: problems.length === 0, problems };
  }

  /** Loads a checkpoint folder after verifying it; throws with the problems if it fails. */
  async load(name: string): Promise<CheckpointData & CheckpointInfo> {
    const v = await this.verify(name);
    if (!v.ok) throw new Error(`Cannot load checkpoint ${name}: ${v.problems.join("; ")}`);
    const path = join(this.dir, name);
    const read = async (f: string) => decodeSafetensors(await Deno.readFile(join(path, f)), join(path, f)).tensors;
    const state = JSON.parse(await Deno.readTextFile(join(path, "state.json")));
    return {
      name,
      path,
      step: state.step,
      weights: await read("weights.safetensors"),
      optimizer: await read("optimizer.safetensors"),
      state,
      configYaml: await Deno.readTextFile(join(path, "config.yaml")),
    };
  }

  /**
   * Loads the newest checkpoint that passes verification, newest first;
   * each skipped one is reported through `warn`. Returns null if none is good.
   */
  async loadLatest(warn: (msg: string) => void = console.warn): Promise<(CheckpointData & CheckpointInfo) | null> {
    const all = (await this.list()).reverse();
    for (const c of all) {
      const v = await this.verify(c.name);
      if (v.ok) return await this.load(c.name);
      warn(`Skipping checkpoint ${c.name}: ${v.problems.join("; ")}`);
    }
    return null;
  }

  /** Loads the best checkpoint by the metric (verified), or null if none has it. */
  async loadBest(): Promise<(CheckpointData & CheckpointInfo) | null> {
    const best = (await this.ranked())[0];
    return best ? await this.load(best.name) : null;
  }

  /**
   * Loads the checkpoint a user names: `best` (the best by the metric, else
   * the latest good one), `latest`, or a folder name such as `step-000400`.
   * An unknown name's error lists the names there are. Null if none is good.
   */
  async loadNamed(which: string): Promise<(CheckpointData & CheckpointInfo) | null> {
    if (which === "best") return (await this.loadBest()) ?? (await this.loadLatest());
    if (which === "latest") return await this.loadLatest();
    return await this.load(which).catch(async (err) => {
      const names = (await this.list()).map((c) => c.name);
      throw new RangeError(`${(err as Error).message.split("\n")[0]} (checkpoints: best, latest, ${names.join(", ")})`);
    });
  }

  // Deletes what retention does not keep, then points best.json at the best one left.
  async #prune(newest: string): Promise<void> {
    const ranked = await this.ranked();
    if (this.keepLast > 0) {
      const all = await this.list();
      const keep = new Set([newest, ...all.slice(-this.keepLast).map((c) => c.name)]);
      for (const c of ranked.slice(0, this.keepBest)) keep.add(c.name);
      for (const c of all) if (!keep.has(c.name)) await Deno.remove(c.path, { recursive: true });
    }
    const best = (await this.ranked())[0];
    if (best) {
      await writeJsonAtomic(join(this.dir, "best.json"), {
        name: best.name,
        step: best.step,
        metric: this.metric,
        mode: this.mode,
        value: best.value,
      });
    }
  }
}
