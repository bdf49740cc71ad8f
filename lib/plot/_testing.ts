/**
 * Test helpers for the charts: SVG snapshots in `testdata/` (rewritten with
 * `UPDATE_SNAPSHOTS=1`), seeded fixtures, and counting marks in the markup.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Rng } from "../random/mod.ts";
import type { MetricRow } from "./_common.ts";

const TESTDATA = new URL("./testdata/", import.meta.url);

/**
 * Compares `svg` with `testdata/NAME.svg`. With `UPDATE_SNAPSHOTS=1` it
 * writes the file instead; a missing snapshot is a failure that says so.
 */
export async function assertSnapshot(name: string, svg: string): Promise<void> {
  const url = new URL(`${name}.svg`, TESTDATA);
  if (Deno.env.get("UPDATE_SNAPSHOTS") === "1") {
    await Deno.writeTextFile(url, svg + "\n");
    return;
  }
  let expected: string;
  try {
    expected = await Deno.readTextFile(url);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      assert.fail(`no snapshot ${url.pathname}: run the test with UPDATE_SNAPSHOTS=1 and look at the result`);
    }
    throw err;
  }
  if (expected !== svg + "\n") {
    const a = expected.trimEnd(), b = svg;
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    assert.fail(
      `${name}.svg differs from its snapshot at character ${i}:\n  snapshot: ${
        a.slice(Math.max(0, i - 40), i + 60)
      }\n` +
        `  now:      ${b.slice(Math.max(0, i - 40), i + 60)}\n(UPDATE_SNAPSHOTS=1 rewrites the snapshots)`,
    );
  }
}

/** How many times `pattern` occurs in `svg`. */
export function count(svg: string, pattern: RegExp): number {
  return [
    ...svg.matchAll(new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : pattern.flags + "g")),
  ]
    .length;
}

/** The number of SVG elements `tag` inside the group of Plot mark `label` (`aria-label="line"`). */
export function marks(svg: string, label: string, tag: string): number {
  let n = 0;
  for (const m of svg.matchAll(new RegExp(`<g[^>]*aria-label="${label}"[^>]*>([\\s\\S]*?)</g>`, "g"))) {
    n += count(m[1]!, new RegExp(`<${tag}[\\s>/]`));
  }
  return n;
}

/** Seeded training metrics of one run: a noisy decaying train loss every step, val every 20 steps, lr. */
export function seededMetrics(seed = 1, steps = 100, runId = "run-a"): MetricRow[] {
  const rng = new Rng(seed);
  const rows: MetricRow[] = [];
  for (let step = 1; step <= steps; step++) {
    const base = 1.5 + 3 * Math.exp(-step / 25);
    rows.push({ run_id: runId, step, split: "train", metric: "loss", value: base + 0.15 * rng.normal() });
    const lr = step <= 10 ? 1e-3 * step / 10 : 1e-4 + 0.5 * 9e-4 * (1 + Math.cos(Math.PI * (step - 10) / (steps - 10)));
    rows.push({ run_id: runId, step, split: "train", metric: "lr", value: lr });
    if (step % 20 === 0) rows.push({ run_id: runId, step, split: "val", metric: "loss", value: base + 0.1 });
  }
  return rows;
}

/** Seeded classifier predictions: `{label, prediction, correct, confidence}` over three classes. */
export function seededPredictions(
  seed = 2,
  n = 200,
): { label: string; prediction: string; correct: boolean; confidence: number }[] {
  const rng = new Rng(seed);
  const labels = ["ham", "spam", "phish"];
  return Array.from({ length: n }, () => {
    const label = labels[rng.int(3)]!;
    const confidence = 0.34 + 0.66 * rng.next();
    const correct = rng.next() < confidence * 0.9;
    const prediction = correct ? label : labels[(labels.indexOf(label) + 1 + rng.int(2)) % 3]!;
    return { label, prediction, correct, confidence };
  });
}
