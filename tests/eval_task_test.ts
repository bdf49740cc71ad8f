// `deno task eval` as users run it, with the task's own permissions.
import assert from "node:assert/strict";
import { join } from "node:path";
import { readEventDir } from "../lib/telemetry/testdata/read_tfevents.ts";
import { root, taskCommand, testRunsDir } from "./_task.ts";

const run = (args: string[]) => taskCommand("eval", args).output();

Deno.test("eval task: --help, bad keys and unknown runs get one-line answers", async () => {
  const help = await run(["--help"]);
  assert.equal(help.code, 0);
  assert.match(new TextDecoder().decode(help.stdout), /Usage: deno task eval run=RUN_ID/);
  for (
    const [args, msg] of [
      [["runn=x"], /^error: Cannot evaluate: unknown key "runn"/],
      [[], /^error: Cannot evaluate: give run=RUN_ID or predictions=FILE/],
      [
        ["run=nope", "out_dir=/nonexistent-codex"],
        /^error: Cannot find run "nope" in \/nonexistent-codex \(there are no runs\)$/,
      ],
    ] as const
  ) {
    const r = await run([...args]);
    assert.equal(r.code, 1);
    const lines = new TextDecoder().decode(r.stderr).trim().split("\n").filter((l) => !l.startsWith("codex eval"));
    assert.equal(lines.length, 1, lines.join(" | "));
    assert.match(lines[0]!, msg);
  }
});

Deno.test("eval task: a predictions file prints a table with intervals and writes metrics.csv", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "p.jsonl");
  await Deno.writeTextFile(
    path,
    [["spam", "spam"], ["ham", "spam"], ["ham", "ham"], ["spam", "ham"], ["spam", "spam"], ["ham", "ham"]]
      .map(([label, prediction]) => JSON.stringify({ label, prediction })).join("\n") + "\n",
  );
  const r = await run([`predictions=${path}`, "metrics=[accuracy,f1]", "average=macro", "bootstrap=200"]);
  const text = new TextDecoder().decode(r.stdout);
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  assert.match(text, /accuracy\s+0\.6667\s+\[\d\.\d{4}, \d\.\d{4}\]\s+6/);
  assert.match(text, /95% percentile intervals, 200 resamples/);
  assert.ok((await Deno.stat(join(dir, "p.eval", "metrics.csv"))).isFile);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("train and eval tasks: a classifier on a local JSONL file with its own text and label fields", async () => {
  const dir = await testRunsDir();
  const words = { pos: ["great", "love", "best"], neg: ["awful", "hate", "worst"] } as const;
  const lines: string[] = [];
  for (let i = 0; i < 200; i++) {
    const label = i % 2 ? "pos" : "neg";
    lines.push(
      JSON.stringify({ review: `the film was ${words[label][i % 3]} and ${words[label][(i + 1) % 3]}`, y: label }),
    );
  }
  const file = join(dir, "reviews.jsonl");
  await Deno.writeTextFile(join(root, file), lines.join("\n") + "\n");
  const train = await taskCommand("train", [
    "model=bow-linear",
    "tokenizer=word",
    "train=classify",
    "train.max_steps=60",
    `data.name=${file}`,
    "+data.text_field=review",
    "+data.label_field=y",
    `out_dir=${dir}`,
  ]).output();
  const out = new TextDecoder().decode(train.stdout);
  assert.equal(train.code, 0, new TextDecoder().decode(train.stderr));
  assert.match(out, /test +loss \d\.\d+, accuracy 1\.0000/);
  const [run] = [...Deno.readDirSync(join(root, dir))].filter((e) => e.isDirectory).map((e) => e.name);
  const ev = await taskCommand("eval", [`run=${run}`, `out_dir=${dir}`]).output();
  assert.equal(ev.code, 0, new TextDecoder().decode(ev.stderr));
  assert.match(new TextDecoder().decode(ev.stdout), /accuracy +1\.0000/);
  // The banner names the trackers; the run's TensorBoard file gains the results.
  const tbDir = join(root, dir, run!, "tb");
  assert.ok(
    new TextDecoder().decode(ev.stderr).includes(
      `trackers ndjson ${join(dir, run!, "eval")}, tensorboard ${join(dir, run!, "tb")}`,
    ),
  );
  const tags = new Set((await readEventDir(tbDir)).events.map((e) => e.kind === "version" ? "" : e.tag));
  for (const t of ["config", "train/loss", "val/loss", `eval/${file}/test/accuracy`]) assert.ok(tags.has(t), t);

  // Without the field names the file's records have no "text": one line naming the file, the record and its fields.
  const bad = await taskCommand("train", [
    "model=bow-linear",
    "tokenizer=word",
    "train=classify",
    `data.name=${file}`,
    `out_dir=${dir}`,
  ])
    .output();
  const err = new TextDecoder().decode(bad.stderr).trim().split("\n");
  assert.equal(bad.code, 1);
  assert.equal(err.length, 1, err.join(" | "));
  assert.match(err[0]!, /reviews\.jsonl record 1 has no field "text" \(fields: review, y\)/);
  await Deno.remove(join(root, dir), { recursive: true });
});
