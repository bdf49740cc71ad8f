import assert from "node:assert/strict";
import { join } from "node:path";
import type { DisplayTarget } from "./display_target.ts";
import type { MediaBundle } from "./media_bundle.ts";
import { notebook } from "./notebook.ts";

/** A display target that records what it was asked to show. */
function recorder(): DisplayTarget & { shown: { id: string; bundle: MediaBundle; update: boolean }[] } {
  const shown: { id: string; bundle: MediaBundle; update: boolean }[] = [];
  return {
    kind: "test",
    shown,
    show(id, bundle, { update }) {
      shown.push({ id, bundle, update });
      return Promise.resolve();
    },
  };
}

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error("Timed out waiting for a condition");
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test("redefining a cell recomputes only the cells that depend on it", async () => {
  const nb = notebook({ target: recorder() });
  await nb.cell("a", () => 1);
  await nb.cell("b", () => 10);
  await nb.cell("sum", ["a", "b"], (a: number, b: number) => a + b);
  await nb.cell("double_b", ["b"], (b: number) => b * 2);
  assert.equal(nb.state("sum").value, 11);
  const before = Object.fromEntries(nb.names.map((n) => [n, nb.state(n).runs]));
  assert.deepEqual(before, { a: 1, b: 1, sum: 1, double_b: 1 });

  await nb.redefine("a", () => 5);
  assert.equal(nb.state("a").value, 5);
  assert.equal(await nb.value("sum"), 15);
  const after = Object.fromEntries(nb.names.map((n) => [n, nb.state(n).runs]));
  assert.deepEqual(after, { a: 2, b: 1, sum: 2, double_b: 1 });
  nb.dispose();
});

Deno.test("a cell that throws shows its error; dependents wait; other cells keep working", async () => {
  const target = recorder();
  const nb = notebook({ target });
  await nb.cell("good", () => "fine");
  await nb.cell("bad", () => {
    throw new Error("no data");
  });
  assert.equal(nb.state("bad").status, "rejected");
  await nb.cell("child", ["bad"], (x: unknown) => x);
  const child = nb.state("child");
  assert.equal(child.status, "waiting");
  assert.equal(child.waitingFor, "bad");
  await nb.cell("other", ["good"], (g: string) => g.toUpperCase());
  assert.equal(nb.state("other").value, "FINE");

  const badOut = target.shown.find((s) => s.id === "bad");
  assert.match(String(badOut?.bundle["text/plain"]), /bad: no data/);
  const childOut = target.shown.find((s) => s.id === "child");
  assert.match(String(childOut?.bundle["text/plain"]), /waiting for bad, which failed: no data/);

  // Fixing the cell heals its dependents; their outputs update in place.
  await nb.redefine("bad", () => 42);
  assert.equal(nb.state("child").status, "fulfilled");
  assert.equal(nb.state("child").value, 42);
  const childUpdate = target.shown.filter((s) => s.id === "child").at(-1);
  assert.equal(childUpdate?.update, true);
  assert.equal(childUpdate?.bundle["text/plain"], "42");
  await assert.rejects(nb.cell("x", () => 1).then(() => nb.value("nope")), /not defined/);
  nb.dispose();
});

Deno.test("a cell whose input is not defined yet waits, then computes once it is", async () => {
  const nb = notebook({ target: recorder() });
  await nb.cell("early", ["later"], (x: number) => x + 1);
  const early = nb.state("early");
  assert.equal(early.status, "waiting");
  assert.equal(early.runs, 0);
  await nb.cell("later", () => 1);
  assert.equal(nb.state("early").value, 2);
  nb.dispose();
});

Deno.test("an async cell settles before cell() resolves", async () => {
  const nb = notebook({ target: recorder() });
  await nb.cell("slow", async () => {
    await new Promise((r) => setTimeout(r, 50));
    return "done";
  });
  const s = nb.state("slow");
  assert.equal(s.status, "fulfilled");
  assert.equal(s.value, "done");
  nb.dispose();
});

Deno.test("a file cell recomputes its dependents when the file appears, changes and grows", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "sub", "config.txt");
  const nb = notebook({ target: recorder() });
  try {
    await nb.file("config", path, (t) => t.trim(), { interval: 20, debounce: 10 });
    assert.equal(nb.state("config").status, "fulfilled");
    assert.equal(nb.state("config").value, undefined); // not there yet: no error
    await nb.cell("shout", ["config"], (c: string | undefined) => (c ?? "(none)").toUpperCase());
    await nb.cell("unrelated", () => 1);
    assert.equal(nb.state("shout").value, "(NONE)");

    await Deno.mkdir(join(dir, "sub"));
    await Deno.writeTextFile(path, "hello\n");
    await waitFor(() => nb.state("shout").value === "HELLO");
    await Deno.writeTextFile(path, "bye\n");
    await waitFor(() => nb.state("shout").value === "BYE");
    assert.equal(nb.state("unrelated").runs, 1);
  } finally {
    nb.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an NDJSON cell reads appended lines and waits for a torn last line", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "metrics.ndjson");
  const nb = notebook({ target: recorder() });
  try {
    await nb.ndjson<{ step: number }>("metrics", path, { interval: 20, debounce: 10 });
    await nb.cell("count", ["metrics"], (m: unknown[]) => m.length);
    assert.equal(nb.state("count").value, 0);
    await Deno.writeTextFile(path, '{"step":1}\n{"step":2}\n{"st');
    await waitFor(() => nb.state("count").value === 2);
    await Deno.writeTextFile(path, 'ep":3}\n', { append: true });
    await waitFor(() => nb.state("count").value === 3);
    assert.deepEqual((nb.state<{ step: number }[]>("metrics").value ?? []).map((r) => r.step), [1, 2, 3]);
    // Replaced by a shorter file: read from the start.
    await Deno.writeTextFile(path, '{"step":9}\n');
    await waitFor(() => nb.state("count").value === 1);
  } finally {
    nb.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a file cell whose parse throws shows the error until the file is fixed", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "c.json");
  await Deno.writeTextFile(path, "{bad");
  const nb = notebook({ target: recorder() });
  try {
    await nb.file("c", path, (t) => JSON.parse(t), { interval: 20, debounce: 10 });
    assert.equal(nb.state("c").status, "rejected");
    await Deno.writeTextFile(path, '{"ok":true}');
    await waitFor(() => nb.state("c").status === "fulfilled");
    assert.deepEqual(nb.state("c").value, { ok: true });
  } finally {
    nb.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("until() resolves when a cell's value matches", async () => {
  const nb = notebook({ target: recorder() });
  await nb.set("n", 1);
  const reached = nb.until<number>("n", (n) => n >= 3, { timeout: 2000 });
  await nb.set("n", 2);
  await nb.set("n", 3);
  assert.equal(await reached, 3);
  await assert.rejects(nb.until("n", () => false, { timeout: 30 }), /no matching value/);
  nb.dispose();
});

Deno.test("outside Jupyter a chart cell is written to a file and its path printed; updates rewrite it", async () => {
  const outDir = await Deno.makeTempDir();
  const lines: string[] = [];
  const nb = notebook({ outDir, log: (l) => lines.push(l) });
  assert.equal(nb.target, "files");
  const chart = (n: number) => ({
    [Symbol.for("Jupyter.display")]: () => ({
      "image/svg+xml": `<svg xmlns="http://www.w3.org/2000/svg"><text>${n}</text></svg>`,
    }),
  });
  await nb.set("n", 1, { display: false });
  await nb.cell("loss chart", ["n"], (n: number) => chart(n));
  await nb.cell("note", () => "plain text");
  const file = join(outDir, "loss_chart.svg");
  assert.match(await Deno.readTextFile(file), /<text>1<\/text>/);
  assert.ok(lines.includes(`loss chart: ${file}`), lines.join("\n"));
  assert.ok(lines.includes("note = plain text"), lines.join("\n"));
  await nb.set("n", 2);
  assert.match(await Deno.readTextFile(file), /<text>2<\/text>/);
  nb.dispose();
  await Deno.remove(outDir, { recursive: true });
});

Deno.test("refresh() shows every appended line even while the poll loop is reading the file", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "metrics.ndjson");
  await Deno.writeTextFile(path, "");
  // Polling every millisecond with no debounce: the poll loop often sees the append first and is still
  // reading it when refresh() checks; refresh() must wait for that read, not return on the same stat.
  const nb = notebook({ target: recorder() });
  try {
    await nb.ndjson<{ step: number }>("metrics", path, { interval: 1, debounce: 0 });
    const stale: number[] = [];
    for (let step = 1; step <= 300; step++) {
      await Deno.writeTextFile(path, `${JSON.stringify({ step })}\n`, { append: true });
      await nb.refresh();
      const rows = nb.state<{ step: number }[]>("metrics").value ?? [];
      if (rows.length !== step || rows.at(-1)?.step !== step) stale.push(step);
    }
    assert.deepEqual(stale, [], `refresh() returned before these appends were read: ${stale.join(", ")}`);
  } finally {
    nb.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});
