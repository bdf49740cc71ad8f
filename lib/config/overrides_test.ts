import assert from "node:assert/strict";
import { applyOverrides, closest, parseOverride } from "./overrides.ts";
import { DEFAULT_CONFIG } from "./run_config.ts";
import { configHash } from "./config_hash.ts";

const presets = {
  model: { "gpt-nano": { n_layer: 3, n_head: 3, n_embd: 48 }, "gpt-micro": { n_layer: 4, n_head: 4, n_embd: 128 } },
  data: { "moby-dick": {}, "first-names": {} },
};

Deno.test("parseOverride: YAML scalars", () => {
  assert.deepEqual(parseOverride("train.lr=3e-4"), { key: "train.lr", value: 3e-4 });
  assert.deepEqual(parseOverride("seed=7"), { key: "seed", value: 7 });
  assert.deepEqual(parseOverride("x.flag=true"), { key: "x.flag", value: true });
  assert.deepEqual(parseOverride('sample.prompt="The whale"'), { key: "sample.prompt", value: "The whale" });
  assert.deepEqual(parseOverride("sample.prompt="), { key: "sample.prompt", value: "" });
  assert.throws(() => parseOverride("novalue"), /expected key=value/);
  assert.throws(() => parseOverride("a..b=1"), /is not a key path/);
});

Deno.test("applyOverrides: group presets first, then keys, then validation", () => {
  const cfg = applyOverrides(
    DEFAULT_CONFIG,
    ["model.n_layer=2", "model=gpt-nano", "train.max_steps=50", "seed=7"],
    presets,
  );
  assert.equal(cfg.model.name, "gpt-nano");
  assert.equal(cfg.model.n_embd, 48);
  assert.equal(cfg.model.n_layer, 2, "a key override wins over the preset, whatever the order");
  assert.equal(cfg.train.max_steps, 50);
  assert.equal(cfg.seed, 7);
  assert.equal(DEFAULT_CONFIG.train.max_steps, 2500, "the default is not mutated");
  assert.equal(applyOverrides(DEFAULT_CONFIG, ["data=first-names"], presets).data.name, "first-names");
  assert.equal(applyOverrides(DEFAULT_CONFIG, ["sample.prompt=123"], presets).sample.prompt, "123");
});

Deno.test("applyOverrides: unknown names and keys get one-line errors naming the known ones", () => {
  assert.throws(
    () => applyOverrides(DEFAULT_CONFIG, ["model=gpt-huge"], presets),
    /unknown model "gpt-huge" \(known: gpt-micro, gpt-nano\)/,
  );
  assert.throws(() => applyOverrides(DEFAULT_CONFIG, ["data=wiki"], presets), /known: first-names, moby-dick/);
  assert.throws(
    () => applyOverrides(DEFAULT_CONFIG, ["train.lrr=1"], presets),
    /unknown key "train.lrr" \(did you mean "train.lr"\?\)/,
  );
  assert.throws(() => applyOverrides(DEFAULT_CONFIG, ["bogus=1"], presets), /unknown key "bogus"$/);
});

Deno.test("applyOverrides: values are validated with the key, the expectation and the value", () => {
  assert.throws(
    () => applyOverrides(DEFAULT_CONFIG, ["train.max_steps=-5"]),
    /Cannot load config: train.max_steps must be greater than 0 \(got -5\)/,
  );
  assert.throws(() => applyOverrides(DEFAULT_CONFIG, ["train.lr=fast"]), /train.lr must be a number \(got "fast"\)/);
  assert.throws(
    () => applyOverrides(DEFAULT_CONFIG, ["backend=gpu"]),
    /backend must be one of .*"wasm".* \(got "gpu"\)/,
  );
  assert.throws(
    () => applyOverrides(DEFAULT_CONFIG, ["train.max_steps=2.5"]),
    /train.max_steps must be an integer \(got 2.5\)/,
  );
});

Deno.test("closest: suggests near misses only", () => {
  assert.equal(closest("train.lrr", ["train.lr", "train.max_steps"]), "train.lr");
  assert.equal(closest("zzzzzz", ["train.lr"]), undefined);
});

Deno.test("configHash: independent of key order, sensitive to values", async () => {
  const a = await configHash({ a: 1, b: { c: 2, d: [1, 2] } });
  assert.equal(a, await configHash({ b: { d: [1, 2], c: 2 }, a: 1 }));
  assert.notEqual(a, await configHash({ a: 1, b: { c: 3, d: [1, 2] } }));
  assert.match(a, /^[0-9a-f]{16}$/);
});
