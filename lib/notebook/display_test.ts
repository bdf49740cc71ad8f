// The display outside Jupyter (where `deno test` runs): files and printed lines.
import assert from "node:assert/strict";
import { join } from "node:path";
import { lrSchedule } from "../plot/mod.ts";
import { display } from "./display.ts";
import { defaultTarget, fileTarget, safeFileName } from "./display_target.ts";
import { inJupyter } from "./in_jupyter.ts";
import { hasImage, toMediaBundle } from "./media_bundle.ts";

const SVG = (n: number) => `<svg xmlns="http://www.w3.org/2000/svg"><text>${n}</text></svg>`;

/** Runs `fn` with console.log captured. */
async function captureLog(fn: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  try {
    await fn();
  } finally {
    console.log = original;
  }
  return lines;
}

Deno.test("outside Jupyter the default target writes files", () => {
  assert.equal(inJupyter(), false);
  assert.equal(defaultTarget({ log: () => {} }).kind, "files");
});

Deno.test("fileTarget: images and HTML to files (folder created), text printed, updates rewrite in place", async () => {
  const dir = await Deno.makeTempDir();
  const outDir = join(dir, "a", "b"); // does not exist yet
  const lines: string[] = [];
  const target = fileTarget({ outDir, log: (l) => lines.push(l), logEvery: 60_000 });
  try {
    await target.show("loss chart", { "image/svg+xml": SVG(1), "text/plain": "ignored" }, { update: false });
    const svgPath = join(outDir, "loss_chart.svg");
    assert.equal(await Deno.readTextFile(svgPath), SVG(1));
    assert.deepEqual(lines, [`loss chart: ${svgPath}`]);

    // An update rewrites the file; within logEvery the path is not printed again.
    await target.show("loss chart", { "image/svg+xml": SVG(2) }, { update: true });
    assert.equal(await Deno.readTextFile(svgPath), SVG(2));
    assert.equal(lines.length, 1);

    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255]);
    await target.show("p", { "image/png": btoa(String.fromCharCode(...png)) }, { update: false });
    assert.deepEqual(await Deno.readFile(join(outDir, "p.png")), png);

    await target.show("note", { "text/plain": "hello", "text/html": "<b>hello</b>" }, { update: false });
    await target.show("page", { "text/html": "<b>hi</b>" }, { update: false });
    assert.equal(await Deno.readTextFile(join(outDir, "page.html")), "<b>hi</b>");
    await target.show("odd", { "application/json": { a: 1 } }, { update: false });
    assert.deepEqual(lines.slice(1), [
      `p: ${join(outDir, "p.png")}`,
      "note = hello",
      `page: ${join(outDir, "page.html")}`,
      `odd = { "application/json": { a: 1 } }`,
    ]);
    assert.deepEqual(
      [...Deno.readDirSync(outDir)].map((e) => e.name).sort(),
      ["loss_chart.svg", "p.png", "page.html"],
      "no temporary files left, no file for text",
    );

    // logEvery 0 prints every update.
    const every: string[] = [];
    const chatty = fileTarget({ outDir, log: (l) => every.push(l), logEvery: 0 });
    await chatty.show("c", { "image/svg+xml": SVG(1) }, { update: false });
    await chatty.show("c", { "image/svg+xml": SVG(2) }, { update: true });
    assert.deepEqual(every, [`c: ${join(outDir, "c.svg")}`, `c: updated ${join(outDir, "c.svg")}`]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("safeFileName: ids become file names", () => {
  assert.equal(safeFileName("loss chart/1"), "loss_chart_1");
  assert.equal(safeFileName("../etc"), "etc");
  assert.equal(safeFileName("..."), "output");
  assert.equal(safeFileName("a.b-c_d"), "a.b-c_d");
});

Deno.test("toMediaBundle: a chart's own bundle, a string as text, anything else inspected", async () => {
  const chart = lrSchedule([0.1, 0.2, 0.3]);
  const bundle = await toMediaBundle(chart);
  assert.deepEqual(bundle, { "image/svg+xml": chart.svg });
  assert.ok(hasImage(bundle));
  assert.deepEqual(await toMediaBundle("plain"), { "text/plain": "plain" });
  assert.ok(!hasImage({ "text/plain": "plain" }));
  assert.deepEqual(await toMediaBundle({ a: [1, 2] }), { "text/plain": "{ a: [ 1, 2 ] }" });
  assert.deepEqual(await toMediaBundle(undefined), { "text/plain": "undefined" });
  const asyncDisplay = { [Symbol.for("Jupyter.display")]: () => Promise.resolve({ "image/png": "iVBO" }) };
  assert.deepEqual(await toMediaBundle(asyncDisplay), { "image/png": "iVBO" });
  assert.ok(hasImage({ "image/png": "iVBO" }));
  await assert.rejects(toMediaBundle({ [Symbol.for("Jupyter.display")]: () => "svg" }), {
    name: "TypeError",
    message: "Cannot display value: its Jupyter.display method did not return a MIME bundle",
  });
});

Deno.test("display() outside Jupyter: a string is printed, a chart written to <outDir>/<id>.svg and its path printed", async () => {
  const outDir = await Deno.makeTempDir();
  try {
    const first = lrSchedule([0.1, 0.2, 0.3]);
    const second = lrSchedule([0.3, 0.2, 0.1]);
    const path = join(outDir, "lr.svg");
    const lines = await captureLog(async () => {
      await display("hello", { id: "greeting", outDir });
      await display(first, { id: "lr", outDir });
      assert.equal(await Deno.readTextFile(path), first.svg);
      await display(second, { id: "lr", update: true, outDir });
    });
    assert.equal(await Deno.readTextFile(path), second.svg);
    assert.deepEqual(lines, ["greeting = hello", `lr: ${path}`, `lr: updated ${path}`]);
    assert.deepEqual([...Deno.readDirSync(outDir)].map((e) => e.name), ["lr.svg"]);

    // Without an id: a fresh output-N each time; with a target: sent there.
    const shown: string[] = [];
    const target = { kind: "test", show: (id: string) => Promise.resolve(void shown.push(id)) };
    await display(1, { target });
    await display(2, { target });
    assert.equal(shown.length, 2);
    assert.match(shown[0]!, /^output-\d+$/);
    assert.notEqual(shown[0], shown[1]);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});
