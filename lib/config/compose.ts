/**
 * Hydra-style composition: a primary `config.yaml` with a defaults list of
 * groups (`model/`, `data/`, `train/`, ...), each option a YAML file holding
 * only what it sets; overrides in Hydra's grammar; `${...}` interpolation
 * resolved after composition; then schema validation.
 *
 * Override grammar: `key=value` (set an existing key), `+key=value` (add a
 * new key), `++key=value` (add or set), `~key` or `~key=value` (delete),
 * `group=option` (choose a group option), `+group=option` (add a group).
 * Values are Hydra 1.3's (see `override_value.ts`): primitives, quoted
 * strings, lists `[a,b]` and dicts `{a:1,b:2}` (a dict merges into a dict);
 * sweeps are refused here (they need `-m`). Interpolation: `${train.lr}` (absolute),
 * `${.lr}` / `${..seed}` (relative to the node), `${env:CODEX_DATA,./data}`.
 *
 * @module
 */
import { join } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { closest } from "./overrides.ts";
import { parseOverrideValue, type Sweep } from "./override_value.ts";
import { type RunConfig, validateRunConfig } from "./run_config.ts";

type Node = Record<string, unknown>;

/** One parsed override. */
export interface HydraOverride {
  op: "set" | "add" | "force" | "delete";
  /** Dotted key path, or a config group (`model`, `hydra/sweeper`). */
  key: string;
  /** The value; absent for a bare delete (`~key`) and for a sweep. */
  value?: unknown;
  /** A sweep (`a,b`, `choice(...)`, `range(...)`, `interval(...)`, `glob(...)`), which only `-m` runs. */
  sweep?: Sweep;
  /** The text as given. */
  raw: string;
}

const KEY_RE = /^(\+\+|\+|~)?([\w-]+(?:[./][\w-]+)*)(@[^=]*)?(?:=([\s\S]*))?$/;

/**
 * Parses one override in Hydra 1.3's grammar: values are Hydra primitives
 * (`10_0`, `inf`, `TRUE`, `null`, `a\,b`, quoted strings), lists, dicts, and
 * sweeps (`a,b`, `choice`, `range`, `interval`, `glob`, with `tag`, `sort`,
 * `shuffle` and the casts `int`, `float`, `str`, `bool`).
 *
 * @example
 * ```ts
 * import { parseHydraOverride } from "./compose.ts";
 * const o = parseHydraOverride("++train.lr=3e-4");
 * if (o.op !== "force" || o.key !== "train.lr" || o.value !== 3e-4) throw new Error("bad parse");
 * if (parseHydraOverride("~seed").op !== "delete") throw new Error("~ should delete");
 * if (parseHydraOverride("seed=range(1,4)").sweep?.kind !== "range") throw new Error("a sweep");
 * ```
 */
export function parseHydraOverride(arg: string): HydraOverride {
  const m = KEY_RE.exec(arg);
  if (!m) {
    const eq = arg.indexOf("=");
    const key = eq < 0 ? arg : arg.slice(0, eq);
    throw new SyntaxError(
      `Cannot parse override "${arg}": ${
        key.trim() === ""
          ? "missing a key before '='"
          : `"${key}" is not a key (letters, digits, _ and -, joined by . or /)`
      }; expected key=value, +key=value, ++key=value or ~key`,
    );
  }
  const [, prefix, key, pkg, raw] = m;
  if (pkg !== undefined) {
    throw new SyntaxError(
      `Cannot parse override "${arg}": package overrides (${key}${pkg}) are not supported by codex`,
    );
  }
  if (raw === undefined) {
    if (prefix === "~") return { op: "delete", key: key!, raw: arg };
    throw new SyntaxError(`Cannot parse override "${arg}": "${key}" needs a value (${key}=...)`);
  }
  const parsed = parseOverrideValue(raw, arg, arg.length - raw.length);
  const op = prefix === "~" ? "delete" : prefix === "++" ? "force" : prefix === "+" ? "add" : "set";
  if (parsed.sweep) {
    if (op === "delete") throw new SyntaxError(`Cannot parse override "${arg}": a delete cannot sweep`);
    return { op, key: key!, sweep: parsed.sweep, raw: arg };
  }
  return { op, key: key!, value: parsed.value, raw: arg };
}

/** Hydra's refusal of a sweep outside `-m`. */
function refuseSweep(o: HydraOverride): never {
  if (o.sweep?.kind === "choice" && o.sweep.simpleForm) {
    throw new RangeError(
      `Ambiguous value for argument '${o.raw}'\n` +
        `1. To use it as a list, use ${o.key}=[value1,value2]\n` +
        `2. To use it as string, quote the value: ${o.key}='value1,value2'\n` +
        `3. To sweep over it, add --multirun to your command line`,
    );
  }
  throw new RangeError(`Sweep parameters '${o.raw}' requires --multirun`);
}

const TYPED_TEXT = /^[+-]?((\d[\d_]*)?\.?[\d_]*([eE][+-]?\d[\d_]*)?|inf|nan|true|false)$/i;

/** Hydra's merge: dicts merge key by key, anything else replaces. */
function merge(target: unknown, value: unknown): unknown {
  if (
    target === null || typeof target !== "object" || Array.isArray(target) ||
    value === null || typeof value !== "object" || Array.isArray(value)
  ) return structuredClone(value);
  const out = { ...(target as Node) };
  for (const [k, v] of Object.entries(value as Node)) out[k] = k in out ? merge(out[k], v) : structuredClone(v);
  return out;
}

async function readYaml(path: string): Promise<Node> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    throw new Error(`Cannot load config: ${path} cannot be read (${(err as Error).message.split("\n")[0]})`);
  }
  try {
    const v = parseYaml(text) ?? {};
    if (typeof v !== "object" || Array.isArray(v)) throw new TypeError(`Cannot load config: ${path} is not a mapping`);
    return v as Node;
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const pos = err.linePos?.[0];
      throw new SyntaxError(
        `Cannot load config: ${path}${pos ? ` line ${pos.line}, column ${pos.col}` : ""}: ${
          err.message.split("\n")[0]
        }`,
      );
    }
    throw err;
  }
}

async function groupOptions(configDir: string, group: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(join(configDir, group))) {
      if (e.name.endsWith(".yaml")) out.push(e.name.slice(0, -5));
    }
  } catch {
    // not a group
  }
  return out.sort();
}

function getAt(node: unknown, path: string[]): unknown {
  return path.reduce<unknown>((o, k) => (o !== null && typeof o === "object" ? (o as Node)[k] : undefined), node);
}

function hasAt(node: Node, path: string[]): boolean {
  let cur: unknown = node;
  for (const k of path) {
    if (cur === null || typeof cur !== "object" || !(k in (cur as Node))) return false;
    cur = (cur as Node)[k];
  }
  return true;
}

function leafKeys(obj: Node, prefix = ""): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? leafKeys(v as Node, `${prefix}${k}.`) : [`${prefix}${k}`]
  );
}

/**
 * Resolves `${...}` interpolations everywhere in `root`, detecting cycles.
 *
 * @example
 * ```ts
 * import { resolveInterpolations } from "./compose.ts";
 * const cfg = resolveInterpolations(
 *   { train: { lr: 0.01, min_lr: "${.lr}" }, dir: "${env:CODEX_NOPE,./data}" },
 *   () => undefined,
 * );
 * const train = cfg.train as { min_lr: unknown };
 * if (train.min_lr !== 0.01 || cfg.dir !== "./data") throw new Error("not resolved");
 * ```
 */
export function resolveInterpolations(
  root: Node,
  env: (name: string) => string | undefined = (n) => Deno.env.get(n),
): Node {
  const INTERP = /\$\{([^}]*)\}/g;
  const resolving: string[] = [];
  const resolveRef = (ref: string, at: string[]): unknown => {
    if (ref.startsWith("env:")) {
      const [name, ...rest] = ref.slice(4).split(",");
      const v = env(name!.trim());
      if (v !== undefined) return v;
      if (rest.length) return rest.join(",").trim();
      throw new RangeError(
        `Cannot resolve config: \${${ref}} in ${at.join(".")}: environment variable ${name} is not set`,
      );
    }
    let path: string[];
    if (ref.startsWith(".")) {
      const up = ref.match(/^\.+/)![0].length;
      path = [...at.slice(0, at.length - up), ...ref.slice(up).split(".").filter(Boolean)];
    } else path = ref.split(".");
    const key = path.join(".");
    if (resolving.includes(key)) {
      throw new RangeError(`Cannot resolve config: interpolation cycle ${[...resolving, key].join(" -> ")}`);
    }
    if (!hasAt(root, path)) {
      throw new RangeError(
        `Cannot resolve config: \${${ref}} in ${at.join(".")} refers to a missing key (chain: ${
          [...resolving, key].join(" -> ")
        })`,
      );
    }
    return resolveAt(path);
  };
  const resolveAt = (path: string[]): unknown => {
    const v = getAt(root, path);
    if (typeof v !== "string" || !v.includes("${")) return v;
    resolving.push(path.join("."));
    try {
      const whole = /^\$\{([^}]*)\}$/.exec(v);
      const out = whole
        ? resolveRef(whole[1]!, path)
        : v.replace(INTERP, (_, ref: string) => String(resolveRef(ref, path)));
      // Store the result so later references reuse it.
      const parent = getAt(root, path.slice(0, -1)) as Node;
      parent[path.at(-1)!] = out;
      return out;
    } finally {
      resolving.pop();
    }
  };
  for (const key of leafKeys(root)) resolveAt(key.split("."));
  return root;
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === "object") {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/**
 * Applies one parsed key override (`key=v`, `+key=v`, `++key=v`, `~key`) to a
 * config object in place, as Hydra applies overrides to a config: dicts
 * merge into dicts, `+` on an existing dict merges, `~list.N` removes the
 * element. Group choices are {@linkcode compose}'s; sweeps are refused.
 *
 * @example
 * ```ts
 * import { applyKeyOverride, parseHydraOverride } from "./compose.ts";
 * const cfg: Record<string, unknown> = { x: { y: 1 }, l: [1, 2, 3] };
 * for (const o of ["x={z:2}", "~l.0", "+w=3"]) applyKeyOverride(cfg, parseHydraOverride(o));
 * if (JSON.stringify(cfg) !== '{"x":{"y":1,"z":2},"l":[2,3],"w":3}') throw new Error(JSON.stringify(cfg));
 * ```
 */
export function applyKeyOverride(cfg: Record<string, unknown>, o: HydraOverride): void {
  if (o.sweep) refuseSweep(o);
  const path = o.key.split(".");
  const parentPath = path.slice(0, -1), last = path.at(-1)!;
  const exists = hasAt(cfg, path);
  if (o.op === "set" && !exists) {
    const hint = closest(o.key, leafKeys(cfg));
    throw new RangeError(
      `Cannot apply override ${o.raw}: unknown key "${o.key}"${
        hint ? ` (did you mean "${hint}"?)` : ""
      }; to append to your config use +${o.raw}`,
    );
  }
  if (o.op === "add" && exists && (o.value === null || typeof o.value !== "object")) {
    throw new RangeError(
      `Cannot apply override ${o.raw}: could not append to config, an item is already at "${o.key}" ` +
        `(remove the + to set it: ${o.raw.slice(1)}; or add a second + to add or set it: +${o.raw})`,
    );
  }
  if (o.op === "delete" && !exists) {
    throw new RangeError(`Cannot apply override ${o.raw}: could not delete from config, "${o.key}" does not exist`);
  }
  let parent = cfg;
  for (const k of parentPath) {
    if (parent[k] === undefined && (o.op === "add" || o.op === "force")) parent[k] = {};
    if (parent[k] === null || typeof parent[k] !== "object") {
      throw new TypeError(`Cannot apply override ${o.raw}: ${parentPath.join(".")} is not a mapping`);
    }
    parent = parent[k] as Node;
  }
  if (o.op === "delete") {
    if ("value" in o && JSON.stringify(parent[last]) !== JSON.stringify(o.value)) {
      throw new RangeError(
        `Cannot apply override ${o.raw}: could not delete from config, the value of "${o.key}" is ${
          JSON.stringify(parent[last])
        } and not ${JSON.stringify(o.value)}`,
      );
    }
    // Deleting a list element removes it (no hole is left).
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (typeof parent[last] === "string" && o.value !== null && typeof o.value !== "object") {
    // A string key keeps a value read as a number or boolean as the text written (10.0 stays "10.0").
    const text = o.raw.slice(o.raw.indexOf("=") + 1).trim();
    parent[last] = typeof o.value !== "string" && TYPED_TEXT.test(text) ? text : String(o.value);
  } else {
    // Dicts merge into an existing dict (node={a:1} and +node={a:1}); anything else replaces.
    parent[last] = merge(parent[last], o.value);
  }
}

/** Options of {@linkcode compose}. */
export interface ComposeOptions {
  /** The folder of `config.yaml` and the group folders (default `configs`). */
  configDir?: string;
}

/**
 * Composes `<configDir>/<name>.yaml` with its defaults and the overrides,
 * resolves interpolations, validates, and returns a frozen config.
 *
 * @example
 * ```ts ignore
 * import { compose } from "./compose.ts";
 * const cfg = await compose("config", ["model=gpt-mini", "train.lr=3e-4", "++seed=7"], { configDir: "configs" });
 * console.log(cfg.model.n_layer); // 6
 * ```
 */
export async function compose(
  name: string,
  overrides: string[] = [],
  options: ComposeOptions = {},
): Promise<RunConfig> {
  const configDir = options.configDir ?? "configs";
  const primaryPath = join(configDir, `${name}.yaml`);
  const primary = await readYaml(primaryPath);
  const defaults = (primary.defaults ?? []) as (string | Record<string, string>)[];
  if (!Array.isArray(defaults)) throw new TypeError(`Cannot load config: ${primaryPath} defaults must be a list`);
  delete primary.defaults;

  // Group choices: the defaults list, then group=option overrides.
  const parsed = overrides.map(parseHydraOverride);
  const choices = new Map<string, string>();
  const order: string[] = [];
  for (const d of defaults) {
    if (d === "_self_") order.push("_self_");
    else if (typeof d === "object" && d) {
      const [g, o] = Object.entries(d)[0]!;
      choices.set(g, String(o));
      order.push(g);
    } else {throw new TypeError(
        `Cannot load config: ${primaryPath} has a defaults entry ${JSON.stringify(d)} (expected {group: option})`,
      );}
  }
  if (!order.includes("_self_")) order.push("_self_");
  const keyOps: HydraOverride[] = [];
  for (const o of parsed) {
    if (o.sweep) refuseSweep(o);
    const options = !o.key.includes(".") && o.op !== "delete" ? await groupOptions(configDir, o.key) : [];
    if (options.length && typeof o.value === "string") {
      if (o.op === "force") {
        throw new RangeError(`force-add of config groups is not supported: '${o.raw}' (use ${o.key}=${o.value})`);
      }
      if (!options.includes(o.value)) {
        throw new RangeError(
          `Cannot apply override ${o.raw}: unknown ${o.key} "${o.value}" (available: ${options.join(", ")}${
            o.key === "data" && /[/.]/.test(o.value) ? `; a local file goes in data.name=${o.value}` : ""
          })`,
        );
      }
      if (!choices.has(o.key)) {
        if (o.op !== "add") {
          throw new RangeError(
            `Cannot apply override ${o.raw}: ${o.key} is not in the defaults list (add it with +${o.key}=${o.value})`,
          );
        }
        order.splice(order.indexOf("_self_"), 0, o.key);
      }
      choices.set(o.key, o.value);
    } else keyOps.push(o);
  }

  // Compose in order; _self_ is where the primary file's own keys go.
  const cfg: Node = {};
  for (const g of order) {
    if (g === "_self_") Object.assign(cfg, structuredClone(primary));
    else cfg[g] = await readYaml(join(configDir, g, `${choices.get(g)}.yaml`));
  }

  // Key overrides.
  for (const o of keyOps) applyKeyOverride(cfg, o);
  resolveInterpolations(cfg);
  // Name the file the failing key came from (a group option's file, or the
  // primary), and the override that set it, if one did.
  try {
    return deepFreeze(validateRunConfig(cfg, primaryPath));
  } catch (err) {
    const m = /^Cannot load [^:]+: (\S+) ([\s\S]*)$/.exec((err as Error).message);
    if (!m) throw err;
    const [, key, rest] = m;
    const group = key!.split(".")[0]!;
    const file = choices.has(group) ? join(configDir, group, `${choices.get(group)}.yaml`) : primaryPath;
    const by = keyOps.find((o) => o.key === key);
    throw new TypeError(`Cannot load ${file}: ${key} ${rest}${by ? ` (set by override ${by.raw})` : ""}`);
  }
}

/**
 * Binds a config folder, for notebooks: `const hydra = initialize({ configDir });
 * await hydra.compose("config", ["model=gpt-nano"])`.
 *
 * @example
 * ```ts
 * import { initialize } from "./compose.ts";
 * // Run from the project root, where `configs/` lives.
 * const hydra = initialize({ configDir: "configs" });
 * const cfg = await hydra.compose("config", ["model=gpt-nano", "seed=7"]);
 * if (cfg.model.name !== "gpt-nano" || cfg.seed !== 7) throw new Error("not composed");
 * ```
 */
export function initialize(
  options: ComposeOptions = {},
): { compose(name: string, overrides?: string[]): Promise<RunConfig> } {
  return { compose: (name, overrides = []) => compose(name, overrides, options) };
}

/**
 * The options of every group in `configDir`, for `--help` and error messages.
 *
 * @example
 * ```ts
 * import { configGroups } from "./compose.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/model`);
 * await Deno.writeTextFile(`${dir}/model/tiny.yaml`, "n_layer: 1\n");
 * const groups = await configGroups(dir);
 * await Deno.remove(dir, { recursive: true });
 * if (groups.model?.join() !== "tiny") throw new Error(JSON.stringify(groups));
 * ```
 */
export async function configGroups(configDir = "configs"): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for await (const e of Deno.readDir(configDir)) {
    if (e.isDirectory) out[e.name] = await groupOptions(configDir, e.name);
  }
  return Object.fromEntries(Object.entries(out).sort());
}
