/**
 * Configs: the run config schema and default, overrides, hashing and YAML.
 *
 * @module
 */
export { DEFAULT_CONFIG, type RunConfig, RunConfigSchema, validateRunConfig } from "./run_config.ts";
export { applyOverrides, closest, type Override, parseOverride, type Presets } from "./overrides.ts";
export { configHash, configToYaml } from "./config_hash.ts";
export {
  applyKeyOverride,
  compose,
  type ComposeOptions,
  configGroups,
  type HydraOverride,
  initialize,
  parseHydraOverride,
  resolveInterpolations,
} from "./compose.ts";
export {
  type ChoiceSweep,
  formatOverrideValue,
  globFilter,
  type GlobSweep,
  type IntervalSweep,
  type ParsedValue,
  parseOverrideValue,
  type RangeSweep,
  rangeValues,
  type Sweep,
} from "./override_value.ts";
