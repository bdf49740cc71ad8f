import assert from "node:assert/strict";
import { join } from "node:path";
import { Chart, lossCurves } from "./mod.ts";
import { seededMetrics } from "./_testing.ts";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

Deno.test("Chart.toPNG: a PNG of the chart's size times the scale, drawn on white, with text", async () => {
  const chart = lossCurves(seededMetrics());
  const png = await chart.toPNG();
  assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE);
  const view = new DataView(png.buffer, png.byteOffset);
  assert.equal(view.getUint32(16), 1280, "IHDR width: 640 at scale 2");
  assert.equal(view.getUint32(20), chart.height * 2, "IHDR height");

  const { width, height, pixels } = await chart.toPixels();
  assert.equal(width, 640);
  assert.equal(height, chart.height);
  const dark = (x0: number, y0: number, x1: number, y1: number) => {
    let n = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const i = (y * width + x) * 4;
        if (pixels[i]! < 200 || pixels[i + 1]! < 200 || pixels[i + 2]! < 200) n++;
      }
    }
    return n;
  };
  assert.equal(dark(0, 0, 8, 8), 0, "the background is white, not transparent or black");
  assert.ok(dark(12, 4, 120, 24) > 50, "the title is drawn (the font loaded)");
  assert.ok(dark(60, 90, 620, height - 40) > 500, "lines in the plot area");
});

Deno.test("Chart.save: .svg and .png by extension, anything else refused; Jupyter display bundle", async () => {
  const dir = await Deno.makeTempDir();
  const chart = lossCurves(seededMetrics(), { smoothing: 0 });
  await chart.save(join(dir, "a.svg"));
  assert.equal(await Deno.readTextFile(join(dir, "a.svg")), chart.svg);
  await chart.save(join(dir, "a.png"), { scale: 1 });
  assert.deepEqual([...(await Deno.readFile(join(dir, "a.png"))).subarray(0, 8)], PNG_SIGNATURE);
  await assert.rejects(() => chart.save(join(dir, "a.jpg")), {
    name: "RangeError",
    message: /must end in \.svg or \.png/,
  });
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["a.png", "a.svg"], "no temporary files left");
  await Deno.remove(dir, { recursive: true });

  const display = (chart as unknown as Record<symbol, () => Record<string, string>>)[Symbol.for("Jupyter.display")]!;
  const bundle = display.call(chart);
  assert.deepEqual(Object.keys(bundle), ["image/svg+xml"]);
  assert.equal(bundle["image/svg+xml"], chart.toSVG());
  assert.equal(String(chart), chart.svg);
  assert.ok(chart instanceof Chart && chart.kind === "lossCurves" && chart.title === "Loss curves");
});

Deno.test("Chart.save: creates the folder when it is missing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const chart = lossCurves(seededMetrics(), { smoothing: 0 });
    const svgPath = join(dir, "no", "such", "dir", "a.svg");
    assert.equal(await chart.save(svgPath), svgPath);
    assert.equal(await Deno.readTextFile(svgPath), chart.svg);
    const pngPath = join(dir, "other", "a.png");
    await chart.save(pngPath, { scale: 1 });
    assert.deepEqual([...(await Deno.readFile(pngPath)).subarray(0, 8)], PNG_SIGNATURE);
    // A refused extension creates nothing.
    await assert.rejects(() => chart.save(join(dir, "bad", "a.jpg")), RangeError);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["no", "other"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
