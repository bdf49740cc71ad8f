import assert from "node:assert/strict";
import { join } from "node:path";
import { crc32c, maskedCrc32c } from "./crc32c.ts";
import { exportRunToTensorboard } from "./export_run_to_tensorboard.ts";
import { readNdjson } from "./ndjson_writer.ts";
import type { MetricRecord, SampleRecord, SystemRecord } from "./records.ts";
import { Run } from "./run_store.ts";
import { markdownCode, sampleMarkdown, TensorboardWriter } from "./tensorboard_writer.ts";
import { crcBitwise, type Decoded, mask, readEventDir, readFrames } from "./testdata/read_tfevents.ts";

// ---- Tests ----

Deno.test("crc32c: known vectors (RFC 3720 and the check value), and the masked form", () => {
  const enc = new TextEncoder();
  assert.equal(crc32c(enc.encode("123456789")), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(0)), 0);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa); // 32 bytes of zeros
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43); // 32 bytes of ones
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e); // incrementing
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c); // decrementing
  // Continuing from the CRC of a prefix gives the CRC of the whole.
  const all = enc.encode("The quick brown fox jumps over the lazy dog");
  assert.equal(crc32c(all.subarray(10), crc32c(all.subarray(0, 10))), crc32c(all));
  assert.equal(crc32c(all), crcBitwise(all));
  assert.equal(maskedCrc32c(all), mask(crcBitwise(all)));
});

Deno.test("TensorboardWriter: file_version first, scalars and texts read back with every CRC", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const w = TensorboardWriter.create(join(dir, "tb"), { wallTime: 1_700_000_000.25 });
    w.scalar("train/loss", 2.5, 1, 1_700_000_001.5);
    w.scalar("train/lr", 3e-4, 2, 1_700_000_002);
    w.scalar("val/loss", NaN, 3_000_000_000, 1_700_000_003); // a step past 2^31, a NaN value
    w.text("samples", "héllo — 鲸\n  two", 4, 1_700_000_004);
    w.close();
    const { name, events } = await readEventDir(join(dir, "tb"));
    assert.ok(name.startsWith("events.out.tfevents.1700000000."));
    assert.deepEqual(events[0], { kind: "version", wallTime: 1_700_000_000.25, step: 0, version: "brain.Event:2" });
    assert.deepEqual(events.slice(1, 3), [
      { kind: "scalar", wallTime: 1_700_000_001.5, step: 1, tag: "train/loss", value: 2.5 },
      { kind: "scalar", wallTime: 1_700_000_002, step: 2, tag: "train/lr", value: Math.fround(3e-4) },
    ]);
    const nan = events[3] as Extract<Decoded, { kind: "scalar" }>;
    assert.equal(nan.step, 3_000_000_000);
    assert.ok(Number.isNaN(nan.value));
    assert.deepEqual(events[4], {
      kind: "text",
      wallTime: 1_700_000_004,
      step: 4,
      tag: "samples",
      text: "héllo — 鲸\n  two",
    });
    assert.equal(events.length, 5);

    // Reopening continues the file without a second file_version.
    const again = new TensorboardWriter(join(dir, "tb", name));
    again.scalar("train/loss", 1.25, 5, 1_700_000_005);
    again.close();
    const more = (await readEventDir(join(dir, "tb"))).events;
    assert.equal(more.filter((e) => e.kind === "version").length, 1);
    assert.deepEqual(more.at(-1), { kind: "scalar", wallTime: 1_700_000_005, step: 5, tag: "train/loss", value: 1.25 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("TensorboardWriter: buffers whole records and writes them on flush", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const w = TensorboardWriter.create(dir, { wallTime: 1_700_000_000, maxDelayMs: 60_000 });
    const size = async () => (await Deno.stat(w.path)).size;
    const header = await size(); // the file_version event is written at once
    w.scalar("a", 1, 1);
    assert.equal(await size(), header, "buffered");
    w.flush();
    const afterFlush = await size();
    assert.ok(afterFlush > header);
    assert.equal(readFrames(await Deno.readFile(w.path)).length, 2);
    w.close();
    assert.throws(() => w.scalar("a", 1, 2), /writer is closed/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const CONFIG = "seed: 1\ntrain:\n  max_steps: 3\n";

async function writeDemoRun(outDir: string, tensorboard: boolean): Promise<Run> {
  const run = await Run.create({
    outDir,
    name: "demo",
    configHash: "0123456789abcdef",
    configYaml: CONFIG,
    seed: 1,
    backend: "cpu",
    versions: { deno: Deno.version.deno },
    tensorboard,
  });
  for (let step = 1; step <= 3; step++) {
    const row = { step, epoch: step / 10, tokens_seen: 64 * step, split: "train" };
    run.metric({ ...row, metric: "loss", value: 3 - step / 3 });
    run.metric({ ...row, metric: "lr", value: 1e-3 * step });
  }
  run.metric({ step: 3, epoch: 0.3, tokens_seen: 192, split: "val", metric: "loss", value: 2.125 });
  run.system({
    schema_version: 1,
    run_id: run.id,
    ts: new Date().toISOString(),
    step: 2,
    cpu_percent: 50,
    rss_bytes: 1e8,
    heap_used_bytes: 5e7,
    load_avg_1m: 0.5,
    gpu_util_percent: null,
    gpu_mem_used_bytes: null,
  });
  run.flush();
  run.sample({ step: 3, prompt: "\n", text: "Call me\nIshmael.", seed: 1, temperature: 0.8, top_k: 0 });
  await run.end("finished");
  return run;
}

/** The events a run's NDJSON files say its event file must hold, in the order the run wrote them. */
async function expectedEvents(runDir: string): Promise<Decoded[]> {
  const info = JSON.parse(await Deno.readTextFile(join(runDir, "run.json")));
  const t = (ts: string) => Date.parse(ts) / 1000;
  const out: Decoded[] = [
    { kind: "version", wallTime: t(info.created_at), step: 0, version: "brain.Event:2" },
    {
      kind: "text",
      wallTime: t(info.created_at),
      step: 0,
      tag: "config",
      text: CONFIG.trimEnd().split("\n").map((l) => "    " + l).join("\n"),
    },
  ];
  for (const m of await readNdjson<MetricRecord>(join(runDir, "metrics.ndjson"))) {
    out.push({
      kind: "scalar",
      wallTime: t(m.ts),
      step: m.step,
      tag: `${m.split}/${m.metric}`,
      value: Math.fround(m.value),
    });
  }
  for (const s of await readNdjson<SystemRecord>(join(runDir, "system.ndjson"))) {
    for (const k of ["cpu_percent", "rss_bytes", "heap_used_bytes", "load_avg_1m"] as const) {
      out.push({ kind: "scalar", wallTime: t(s.ts), step: s.step, tag: `system/${k}`, value: Math.fround(s[k]) });
    }
  }
  for (const s of await readNdjson<SampleRecord>(join(runDir, "samples.ndjson"))) {
    const text = `prompt \`"\\n"\`, seed 1, temperature 0.8, top_k 0\n\n    Call me\n    Ishmael.`;
    assert.equal(sampleMarkdown(s), text);
    out.push({ kind: "text", wallTime: t(s.ts), step: s.step, tag: "samples", text });
  }
  return out;
}

const byTag = (events: Decoded[]) => {
  const out: Record<string, Decoded[]> = {};
  for (const e of events) (out[e.kind === "version" ? "" : e.tag] ??= []).push(e);
  return out;
};

Deno.test("Run with tensorboard: tb/ holds the config, every metric, system sample and sample, as the NDJSON files", async () => {
  const outDir = await Deno.makeTempDir();
  try {
    const run = await writeDemoRun(outDir, true);
    assert.deepEqual(run.trackers, [
      { name: "ndjson", where: run.dir, error: null },
      { name: "tensorboard", where: join(run.dir, "tb"), error: null },
    ]);
    const { name, events } = await readEventDir(join(run.dir, "tb"));
    assert.ok(name.startsWith(`events.out.tfevents.${Math.floor(Date.parse(run.info.created_at) / 1000)}.`));
    const expected = await expectedEvents(run.dir);
    // The live file interleaves kinds as they came; each tag's sequence is exact.
    assert.equal(events.length, expected.length);
    assert.deepEqual(events.slice(0, 2), expected.slice(0, 2));
    assert.deepEqual(byTag(events), byTag(expected));

    // Exported from the NDJSON files: the same file name, in the export's order exactly.
    const r = await exportRunToTensorboard(run.dir);
    assert.equal(r.path, join(run.dir, "tb", name));
    assert.deepEqual({ scalars: r.scalars, texts: r.texts, skipped: r.skippedLines }, {
      scalars: 7 + 4,
      texts: 2,
      skipped: 0,
    });
    assert.deepEqual((await readEventDir(join(run.dir, "tb"))).events, expected);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("exportRunToTensorboard: a run without tb/, into --out, refused for a running run's own folder", async () => {
  const outDir = await Deno.makeTempDir();
  try {
    const run = await writeDemoRun(outDir, false);
    assert.deepEqual(run.trackers.map((t) => t.name), ["ndjson"]);
    await assert.rejects(Deno.stat(join(run.dir, "tb")), Deno.errors.NotFound);
    // Evaluation results go in too; a torn line is counted and left out.
    const evalRow = {
      schema_version: 1,
      run_id: run.id,
      dataset: "moby-dick",
      split: "val",
      metric: "perplexity",
      value: 7.5,
      n: 10,
      ci_low: null,
      ci_high: null,
      step: 3,
      ts: "2026-01-01T00:00:00.000Z",
    };
    await Deno.mkdir(join(run.dir, "eval"));
    await Deno.writeTextFile(join(run.dir, "eval", "metrics.ndjson"), JSON.stringify(evalRow) + '\n{"torn');
    const elsewhere = join(outDir, "tb-out");
    const r = await exportRunToTensorboard(run.dir, { outDir: elsewhere, host: "box" });
    assert.equal(r.skippedLines, 1);
    const { name, events } = await readEventDir(elsewhere);
    assert.ok(name.endsWith(".box"));
    assert.deepEqual(events, [
      ...await expectedEvents(run.dir),
      {
        kind: "scalar",
        wallTime: Date.parse(evalRow.ts) / 1000,
        step: 3,
        tag: "eval/moby-dick/val/perplexity",
        value: 7.5,
      },
    ]);
    // A second export replaces the first file.
    const again = await exportRunToTensorboard(run.dir, { outDir: elsewhere, host: "other" });
    assert.deepEqual(again.replaced, [name]);

    const info = JSON.parse(await Deno.readTextFile(join(run.dir, "run.json")));
    await Deno.writeTextFile(join(run.dir, "run.json"), JSON.stringify({ ...info, status: "running" }));
    await assert.rejects(exportRunToTensorboard(run.dir), /it is still running and writes .*tb itself/);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("Run.resume with tensorboard: the event file is rebuilt to the checkpoint's step, then continued", async () => {
  const outDir = await Deno.makeTempDir();
  try {
    const first = await writeDemoRun(outDir, true);
    const { name } = await readEventDir(join(first.dir, "tb"));
    const { run, dropped } = await Run.resume(first.dir, 2, { configYaml: CONFIG, configHash: "x", tensorboard: true });
    assert.equal(dropped["metrics.ndjson"], 3); // step 3: train loss, lr, val loss
    run.metric({ step: 3, epoch: 0.3, tokens_seen: 192, split: "train", metric: "loss", value: 1.5 });
    await run.end("finished");
    const after = await readEventDir(join(run.dir, "tb"));
    assert.equal(after.name, name, "the same file, continued");
    const expected = await expectedEvents(run.dir);
    assert.deepEqual(byTag(after.events), byTag(expected));
    assert.equal(after.events.length, expected.length);
    assert.deepEqual(
      after.events.filter((e) => e.kind === "scalar" && e.tag === "train/loss").map((
        e,
      ) => [e.step, (e as { value: number }).value]),
      [[1, Math.fround(3 - 1 / 3)], [2, Math.fround(3 - 2 / 3)], [3, 1.5]],
    );
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("Run: a TensorBoard writer that cannot start says why, and the run goes on", async () => {
  const outDir = await Deno.makeTempDir();
  try {
    const first = await writeDemoRun(outDir, false);
    await Deno.writeTextFile(join(first.dir, "tb"), "a file where the folder would go");
    const { run } = await Run.resume(first.dir, 3, { configYaml: CONFIG, configHash: "x", tensorboard: true });
    const tb = run.trackers[1]!;
    assert.equal(tb.name, "tensorboard");
    assert.match(tb.error ?? "", /^cannot start: /);
    run.metric({ step: 4, epoch: 0.4, tokens_seen: 256, split: "train", metric: "loss", value: 1 });
    await run.end("finished");
    assert.equal((await readNdjson(join(run.dir, "metrics.ndjson"))).length, 8);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("markdownCode: every line indented, so TensorBoard shows the text verbatim", () => {
  assert.equal(markdownCode("a\n\n  b"), "    a\n    \n      b");
});
