/**
 * A config's stable hash (independent of key order) and its YAML text.
 *
 * @module
 */
import { stringify } from "yaml";
import { sha256Hex, stableStringify } from "../io/mod.ts";

/**
 * The first 16 hex digits of the SHA-256 of the config's key-sorted JSON.
 *
 * @example
 * ```ts
 * import { configHash } from "./config_hash.ts";
 * const a = await configHash({ seed: 1, train: { lr: 0.1, steps: 5 } });
 * const b = await configHash({ train: { steps: 5, lr: 0.1 }, seed: 1 });
 * if (a !== b || !/^[0-9a-f]{16}$/.test(a)) throw new Error("hash should ignore key order");
 * ```
 */
export async function configHash(config: unknown): Promise<string> {
  return (await sha256Hex(stableStringify(config))).slice(0, 16);
}

/**
 * The config as YAML, for `config.yaml` in a run folder.
 *
 * @example
 * ```ts
 * import { configToYaml } from "./config_hash.ts";
 * const text = configToYaml({ seed: 7, train: { lr: 0.001 } });
 * if (text !== "seed: 7\ntrain:\n  lr: 0.001\n") throw new Error(JSON.stringify(text));
 * ```
 */
export function configToYaml(config: unknown): string {
  return stringify(config, { lineWidth: 0 });
}
