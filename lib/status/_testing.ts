// Fixtures shared by the status tests: copies of testdata/ in temporary
// folders, with what cannot sit in testdata/ itself added.
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CheckpointManager } from "../checkpoint/mod.ts";

const TESTDATA = fileURLToPath(new URL("./testdata", import.meta.url));

/** Run ids of the fixture store. */
export const A = "20260101-000000-aaaa", B = "20260101-000100-bbbb", C = "20260101-000200-cccc";

/**
 * The fixture tree, plus a test (the suite would run it from testdata/) and
 * a file that does not parse (fmt and lint would stop on it).
 */
export async function fixtureTree(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "codex-status-tree-" });
  await cp(join(TESTDATA, "tree"), dir, { recursive: true });
  await Deno.writeTextFile(
    join(dir, "lib/widgets/stubby_test.ts"),
    'import { spin } from "./stubby.ts";\nDeno.test("spin", () => {\n  // TODO: a real test\n  spin;\n});\n',
  );
  await Deno.writeTextFile(join(dir, "lib/widgets/broken.ts"), "export function oops( {\n  return 1;\n}\n");
  return dir;
}

function _checkpoint(step: number) {
  return {
    weights: new Map([["w", { shape: [2], data: new Float32Array([step, 1]) }]]),
    optimizer: new Map([["w.exp_avg", { shape: [2], data: new Float32Array([0, 0]) }]]),
    state: { val_loss: 2 - step / 100 },
    configYaml: "seed: 1\n",
  };
}

/**
 * The fixture store (NaN, spike, throughput drop, stuck run, overlapping
 * intervals), plus checkpoints written by CheckpointManager: two good ones
 * in run C, and in run A one whose weights have a flipped byte.
 */
export async function fixtureStore(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "codex-status-store-" });
  await cp(join(TESTDATA, "store"), dir, { recursive: true });
  const a = new CheckpointManager(join(dir, "runs", A, "checkpoints"));
  await a.save(10, _checkpoint(10));
  const weights = join(dir, "runs", A, "checkpoints", "step-000010", "weights.safetensors");
  const bytes = await Deno.readFile(weights);
  bytes[bytes.length - 2]! ^= 0x01;
  await Deno.writeFile(weights, bytes);
  const c = new CheckpointManager(join(dir, "runs", C, "checkpoints"));
  await c.save(10, _checkpoint(10));
  await c.save(20, _checkpoint(20));
  return dir;
}
