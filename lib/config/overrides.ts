/**
 * Command-line overrides in Hydra's basic form: `key.path=value` sets a
 * known key, `group=option` picks a preset for a group (`model=gpt-nano`).
 * Values are Hydra primitives (`3e-4`, `true`, `null`, `10_0`, `"quoted text"`).
 *
 * @module
 */
import { parseOverrideValue } from "./override_value.ts";
import { type RunConfig, validateRunConfig } from "./run_config.ts";

/** Presets a group option selects: `{ model: { "gpt-nano": {...} } }`. */
export type Presets = Record<string, Record<string, Record<string, unknown>>>;

/** One parsed override. */
export interface Override {
  /** Dotted key path. */
  key: string;
  /** The parsed value. */
  value: unknown;
}

/**
 * Parses `key=value`; throws a SyntaxError naming the bad argument.
 *
 * @example
 * ```ts
 * import { parseOverride } from "./overrides.ts";
 * const o = parseOverride("train.lr=3e-4");
 * if (o.key !== "train.lr" || o.value !== 3e-4) throw new Error("bad parse");
 * let threw = false;
 * try {
 *   parseOverride("no-equals-sign");
 * } catch (err) {
 *   threw = err instanceof SyntaxError;
 * }
 * if (!threw) throw new Error("expected a SyntaxError");
 * ```
 */
export function parseOverride(arg: string): Override {
  const eq = arg.indexOf("=");
  if (eq <= 0) {
    throw new SyntaxError(`Cannot parse override "${arg}": expected key=value (for example train.max_steps=50)`);
  }
  const key = arg.slice(0, eq).trim();
  if (!/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/.test(key)) {
    throw new SyntaxError(`Cannot parse override "${arg}": "${key}" is not a key path`);
  }
  const parsed = parseOverrideValue(arg.slice(eq + 1), arg, eq + 1);
  if (parsed.sweep) {
    throw new SyntaxError(
      parsed.sweep.kind === "choice" && parsed.sweep.simpleForm
        ? `Ambiguous value for argument '${arg}': use ${key}=[value1,value2] for a list, quote the value for a string, or sweep with --multirun`
        : `Sweep parameters '${arg}' requires --multirun`,
    );
  }
  const value = parsed.value;
  if (value !== null && typeof value === "object") {
    throw new SyntaxError(`Cannot parse override "${arg}": lists and dicts are not supported here`);
  }
  return { key, value };
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)] as number[]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

function leafKeys(obj: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? leafKeys(v as Record<string, unknown>, `${prefix}${k}.`)
      : [`${prefix}${k}`]
  );
}

/**
 * The known name closest to `name`, if it is close enough to be a typo.
 *
 * @example
 * ```ts
 * import { closest } from "./overrides.ts";
 * if (closest("gpt-nan", ["gpt-nano", "gpt-mini"]) !== "gpt-nano") throw new Error("typo not found");
 * if (closest("resnet", ["gpt-nano", "gpt-mini"]) !== undefined) throw new Error("too far to suggest");
 * ```
 */
export function closest(name: string, known: string[]): string | undefined {
  let best: string | undefined, bestD = Infinity;
  for (const k of known) {
    const d = editDistance(name, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/**
 * Applies overrides to a base config: group selections first (in order),
 * then key overrides, then validates the result.
 *
 * @example
 * ```ts
 * import { applyOverrides } from "./overrides.ts";
 * import { DEFAULT_CONFIG } from "./run_config.ts";
 * const cfg = applyOverrides(DEFAULT_CONFIG, ["train.max_steps=50", "seed=7"]);
 * if (cfg.train.max_steps !== 50 || cfg.seed !== 7) throw new Error("not applied");
 * ```
 */
export function applyOverrides(base: RunConfig, args: string[], presets: Presets = {}): RunConfig {
  const cfg = structuredClone(base) as unknown as Record<string, unknown>;
  const parsed = args.map(parseOverride);
  const groups = parsed.filter((o) => !o.key.includes(".") && o.key in presets);
  for (const { key, value } of groups) {
    const options = presets[key]!;
    const preset = options[String(value)];
    if (!preset) {
      throw new RangeError(
        `Cannot apply override ${key}=${value}: unknown ${key} "${value}" (known: ${
          Object.keys(options).sort().join(", ")
        })`,
      );
    }
    // A preset with keys replaces the group (another model family has other
    // keys); an empty one only names the option (data=first-names).
    cfg[key] = Object.keys(preset).length
      ? { ...structuredClone(preset), name: String(value) }
      : { ...(cfg[key] as Record<string, unknown>), name: String(value) };
  }
  // Known keys: the base's, with each selected preset's (a preset brings its own keys).
  const known = leafKeys(cfg);
  for (const { key, value } of parsed) {
    if (!key.includes(".") && key in presets) continue;
    if (!known.includes(key)) {
      const hint = closest(key, [...known, ...Object.keys(presets)]);
      throw new RangeError(
        `Cannot apply override ${key}=${value}: unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ""}`,
      );
    }
    const path = key.split(".");
    let node = cfg;
    for (const p of path.slice(0, -1)) node = node[p] as Record<string, unknown>;
    const last = path[path.length - 1]!;
    // A string key keeps a value that YAML read as a number or boolean as text.
    node[last] = typeof node[last] === "string" && value !== null ? String(value) : value;
  }
  return validateRunConfig(cfg);
}
