import assert from "node:assert/strict";
import { join } from "node:path";
import { applyKeyOverride, compose, initialize, parseHydraOverride, resolveInterpolations } from "./compose.ts";
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
  await bad(["+train.lr=1"], /could not append to config, an item is already at "train.lr"/);
  await bad(["~train.nothing"], /could not delete from config, "train.nothing" does not exist/);
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

Deno.test("compose (Hydra's compose cases): dicts merge, +node merges, ~list.N leaves no hole, ++group is refused", async () => {
  const base = (o: string[]) => compose("config", o, { configDir });
  // The run config schema refuses unknown keys, so these go through train.tags (a free list) and model (free keys).
  const merged = await base(["model={n_layer:2}"]);
  assert.equal(merged.model.n_layer, 2);
  assert.equal(merged.model.name, "gpt-micro", "node={a:1} merges into the node instead of replacing it");
  const added = await base(["+model={n_layer:3}"]);
  assert.equal(added.model.n_layer, 3, "+node={x:1} on an existing node merges");
  assert.equal(added.model.n_embd, 128);
  const tags = await base(["+train.tags=[a,b,c]", "~train.tags.0"]);
  assert.deepEqual(tags.train.tags, ["b", "c"], "~key.0 removes the element");
  const set = await base(["+train.tags=[a,b,c]", "train.tags.1=x"]);
  assert.deepEqual(set.train.tags, ["a", "x", "c"]);
  const replaced = await base(["+train.tags=[a,b]", "train.tags=[c]"]);
  assert.deepEqual(replaced.train.tags, ["c"], "a list replaces a list");
  await assert.rejects(
    () => base(["++model=gpt-nano"]),
    /force-add of config groups is not supported: '\+\+model=gpt-nano'/,
  );
  await assert.rejects(
    () => base(["+seed=1"]),
    /an item is already at "seed" \(remove the \+ to set it: seed=1; or add a second \+ to add or set it: \+\+seed=1\)/,
  );
});

Deno.test("compose: sweeps without -m are refused in Hydra's words", async () => {
  await assert.rejects(
    () => compose("config", ["train.lr=1e-3,3e-3"], { configDir }),
    (err: Error) =>
      err.message.startsWith("Ambiguous value for argument 'train.lr=1e-3,3e-3'\n") &&
      err.message.includes("1. To use it as a list, use train.lr=[value1,value2]") &&
      err.message.includes("2. To use it as string, quote the value: train.lr='value1,value2'") &&
      err.message.includes("3. To sweep over it, add --multirun to your command line"),
  );
  await assert.rejects(() => compose("config", ["model=gpt-nano,gpt-mini"], { configDir }), /Ambiguous value/);
  await assert.rejects(
    () => compose("config", ["seed=range(1,3)"], { configDir }),
    /Sweep parameters 'seed=range\(1,3\)' requires --multirun/,
  );
});

Deno.test("compose: Hydra primitives, escapes and quoted paths reach the config as written", async () => {
  const c = (o: string[]) => compose("config", o, { configDir });
  assert.equal((await c(["train.max_steps=1_000"])).train.max_steps, 1000);
  assert.equal((await c(["safety.enabled=FALSE"])).safety.enabled, false);
  assert.equal((await c(["sample.prompt=a\\,b"])).sample.prompt, "a,b");
  assert.equal((await c(['sample.prompt="C:\\new\\table"'])).sample.prompt, "C:\\new\\table");
  assert.equal((await c(["sample.prompt='foo \\'bar'"])).sample.prompt, "foo 'bar");
  assert.equal((await c(["sample.prompt=10.0"])).sample.prompt, "10.0", "a string key keeps the text as written");
  assert.equal((await c(["sample.prompt=  spaced out\t"])).sample.prompt, "spaced out");
  await assert.rejects(() => c(["+train.x={a=1}"]), /mismatched input '='/);
});

Deno.test("applyKeyOverride (Hydra's config-override cases): append, override, delete and their errors", () => {
  const run = (cfg: Record<string, unknown>, overrides: string[]) => {
    for (const o of overrides) applyKeyOverride(cfg, parseHydraOverride(o));
    return cfg;
  };
  const ok: [Record<string, unknown>, string[], Record<string, unknown>][] = [
    [{}, ["+x=10"], { x: 10 }],
    [{ x: 20 }, ["x=10"], { x: 10 }],
    [{ x: 20 }, ["x=null"], { x: null }],
    [{ x: 20 }, ["~x"], {}],
    [{ x: 20 }, ["~x=20"], {}],
    [{ x: { y: 10 } }, ["~x"], {}],
    [{ x: { y: 10 } }, ["~x.y"], { x: {} }],
    [{ x: { y: 10 } }, ["~x.y=10"], { x: {} }],
    [{ x: 20 }, ["++x=10"], { x: 10 }],
    [{}, ["++x=10"], { x: 10 }],
    [{}, ["+x.y.z=1"], { x: { y: { z: 1 } } }],
    [{ x: { a: 1 } }, ["x={b:2}"], { x: { a: 1, b: 2 } }],
    [{ x: { a: 1 } }, ["+x={b:2}"], { x: { a: 1, b: 2 } }],
    [{ x: { a: { b: 1, c: 2 } } }, ["x={a:{b:3}}"], { x: { a: { b: 3, c: 2 } } }],
    [{ x: [1, 2, 3] }, ["x=[4]"], { x: [4] }],
    [{ x: [1, 2, 3] }, ["~x.1"], { x: [1, 3] }],
    [{ x: [1, 2, 3] }, ["~x.0=1"], { x: [2, 3] }],
    [{ x: [1, 2, 3] }, ["x.2=9"], { x: [1, 2, 9] }],
    [{ x: "a" }, ["x=10.0"], { x: "10.0" }],
  ];
  for (const [cfg, overrides, expected] of ok) assert.deepEqual(run(cfg, overrides), expected, overrides.join(" "));
  const bad: [Record<string, unknown>, string, RegExp][] = [
    [{}, "x=10", /unknown key "x"; to append to your config use \+x=10/],
    [{ x: 20 }, "+x=10", /could not append to config, an item is already at "x"/],
    [{ x: 20 }, "~z", /could not delete from config, "z" does not exist/],
    [{ x: 20 }, "~x=10", /could not delete from config, the value of "x" is 20 and not 10/],
    [{ x: 20 }, "x=1,2", /Ambiguous value for argument 'x=1,2'/],
    [{ x: 20 }, "x=choice(1,2)", /Sweep parameters 'x=choice\(1,2\)' requires --multirun$/],
  ];
  for (const [cfg, o, re] of bad) assert.throws(() => run(cfg, [o]), re, o);
});
