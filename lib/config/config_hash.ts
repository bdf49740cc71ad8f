/**
 * A config's stable hash (independent of key order) and its YAML text.
 *
 * @module
 */
import { stringify } from "yaml";
import { sha256Hex, stableStringify } from "../io/mod.ts";

/** The first 16 hex digits of the SHA-256 of the config's key-sorted JSON. */
export async function configHash(config: unknown): Promise<string> {
  return (await sha256Hex(stableStringify(config))).slice(0, 16);
}

/** The config as YAML, for `config.yaml` in a run folder. */
export function configToYaml(config: unknown): string {
  return stringify(config, { lineWidth: 0 });
}
