import assert from "node:assert/strict";
import { join } from "node:path";
import { compose, initialize, parseHydraOverride, resolveInterpolations } from "./compose.ts";
import { DEFAULT_CONFIG } from "./run_config.ts";
import { configHash } from "./config_hash.ts";

const configDir = new URL("../../configs", import.meta.url).pathname;

Deno.test("compose: configs/config.yaml is the embedded default, and groups select options", async () => {
  const cfg = await compose("config", [], { configDir });
  assert.deepEqual(JSON.parse(JSON.stringify(cfg)), JSON.parse(JSON.stringify(DEFAULT_CONFIG)));
  assert.equal(await configHash(cfg), await configHash(DEFAULT_CONFIG));
  const mini = await compose("config", ["model=gpt-mini", "train=quick", "data=first-names"], { configDir });
  assert.deepEqual([mini.model.name, mini.model.n_layer, mini.train.max_steps, mini.data.name], [
    "gpt-mini",
    6,
    200,
    "first-names",
  ]);
  assert.ok(Object.isFrozen(mini) && Object.isFrozen(mini.train), "the result is frozen");
});

Deno.test("compose: Hydra's override grammar", async () => {
  const cfg = await initialize({ configDir }).compose("config", [
    "model=gpt-mini",
    "train.lr=3e-4",
    "+train.tags=[a,b]",
    "~eval.bootstrap",
    "++seed=7",
    "sample.prompt='Call me'",
  ]);
  assert.equal(cfg.train.lr, 3e-4);
  assert.deepEqual(cfg.train.tags, ["a", "b"]);
  assert.ok(!("bootstrap" in cfg.eval));
  assert.equal(cfg.seed, 7);
  assert.equal(cfg.sample.prompt, "Call me");
  assert.deepEqual(parseHydraOverride("+x.y={a:1,b:[2,3]}"), {
    op: "add",
    key: "x.y",
    value: { a: 1, b: [2, 3] },
    raw: "+x.y={a:1,b:[2,3]}",
  });
  assert.deepEqual(parseHydraOverride("~a.b=3"), { op: "delete", key: "a.b", value: 3, raw: "~a.b=3" });
  assert.deepEqual(parseHydraOverride("k=null").value, null);
  assert.deepEqual(parseHydraOverride('k="007"').value, "007");
});

Deno.test("compose: bad overrides name the key, the options or the type", async () => {
  const bad = async (o: string[], re: RegExp) => await assert.rejects(() => compose("config", o, { configDir }), re);
  await bad(
    ["model=gpt-huge"],
    /unknown model "gpt-huge" \(available: bow-linear, char-lstm, gpt-micro, gpt-mini, gpt-nano, gpt2, minilm\)/,
  );
  await bad(["train.lrr=1"], /unknown key "train.lrr" \(did you mean "train.lr"\?\)/);
  await bad(["+train.lr=1"], /"train.lr" already exists/);
  await bad(["~train.nothing"], /there is no key "train.nothing" to delete/);
  await bad(
    ["train.lr=fast"],
    /Cannot load .*configs\/train\/default.yaml: train.lr must be a number \(got "fast"\) \(set by override train.lr=fast\)/,
  );
  await bad(["+bogus=1"], /has unknown key\(s\) bogus/);
  await bad(["train.lr"], /"train.lr" needs a value/);
});

Deno.test("interpolation: absolute, relative, env with default; missing keys and cycles name the chain", () => {
  const cfg = resolveInterpolations({
    train: { lr: 0.01, min_lr: "${.lr}", note: "lr is ${train.lr}" },
    data: { dir: "${env:CODEX_TEST_DATA,./data}", seed: "${..seed}" },
    seed: 3,
  }, (n) => (n === "HOME" ? "/root" : undefined));
  assert.deepEqual(cfg, {
    train: { lr: 0.01, min_lr: 0.01, note: "lr is 0.01" },
    data: { dir: "./data", seed: 3 },
    seed: 3,
  });
  assert.throws(
    () => resolveInterpolations({ a: "${b}", b: "${c.d}", c: {} }),
    /\$\{c.d\} in b refers to a missing key \(chain: a -> b -> c.d\)/,
  );
  assert.throws(() => resolveInterpolations({ a: "${b}", b: "${a}" }), /interpolation cycle a -> b -> a/);
  assert.throws(
    () => resolveInterpolations({ a: "${env:CODEX_UNSET_VAR}" }, () => undefined),
    /environment variable CODEX_UNSET_VAR is not set/,
  );
});

Deno.test("compose: a YAML syntax error shows the file, line and column", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "config.yaml"), "seed: 1\nbackend: [wasm\n");
  await assert.rejects(() => compose("config", [], { configDir: dir }), /config.yaml line \d+, column \d+/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("configs/model options agree with the model registry's presets", async () => {
  const { modelPresets } = await import("../models/mod.ts");
  const presets = modelPresets();
  for await (const e of Deno.readDir(join(configDir, "model"))) {
    const option = e.name.replace(/\.yaml$/, "");
    const { name, ...keys } = (await compose("config", [`model=${option}`], { configDir })).model;
    assert.equal(name, option);
    assert.deepEqual(keys, presets[option], `configs/model/${e.name} matches the registry`);
  }
});
