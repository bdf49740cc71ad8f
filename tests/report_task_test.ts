// `deno task report` as users run it: train a tiny run, check the report before and after `deno task eval`.
import assert from "node:assert/strict";
import { join } from "node:path";
import { root, taskCommand, testRunsDir, TINY_TRAIN } from "./_task.ts";

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

/** Resource references that would need the network: src/href/url()/@import to http(s). xmlns is a name, not a fetch. */
function networkReferences(html: string): string[] {
  return [
    ...html.matchAll(
      /(?:src|href|xlink:href|action)\s*=\s*["']?\s*(?:https?:)?\/\/[^"'\s>]*|url\(\s*["']?(?:https?:)?\/\/[^)]*\)|@import[^;]*/gi,
    ),
  ]
    .map((m) => m[0]);
}

Deno.test("report task: a self-contained HTML report of a tiny run, before and after eval", async () => {
  const dir = await testRunsDir();
  const train = await taskCommand("train", [
    ...TINY_TRAIN,
    "train.max_steps=20",
    "train.eval_interval=10",
    "sample.max_new_tokens=10",
    `out_dir=${dir}`,
  ]).output();
  assert.equal(train.code, 0, decode(train.stderr));
  const [run] = [...Deno.readDirSync(join(root, dir))].map((e) => e.name);
  const reportPath = join(root, dir, run!, "report.html");

  // Before eval: the Evaluation section says so, the rest is there.
  const before = await taskCommand("report", [`run=${run}`, `out_dir=${dir}`]).output();
  assert.equal(before.code, 0, decode(before.stderr));
  assert.match(decode(before.stdout), /report\.html \(\d+ KiB, \d+\.\d s\)/);
  let html = await Deno.readTextFile(reportPath);
  assert.match(html, /<section id="evaluation"><h2>Evaluation<\/h2>\s*<p class="missing">not evaluated yet/);
  assert.ok(!html.includes('class="error"'), "no chart failed");

  const evaluated = await taskCommand("eval", [
    `run=${run}`,
    `out_dir=${dir}`,
    "bootstrap=100",
    "samples=2",
    "max_new_tokens=10",
  ]).output();
  assert.equal(evaluated.code, 0, decode(evaluated.stderr));
  const after = await taskCommand("report", [`run=${run}`, `out_dir=${dir}`]).output();
  assert.equal(after.code, 0, decode(after.stderr));
  html = await Deno.readTextFile(reportPath);

  assert.ok(html.startsWith("<!doctype html>"));
  // Loss, lr, grad norm and eval charts; a system chart once the run lasted two samples (2 s apart).
  assert.ok((html.match(/<svg /g) ?? []).length >= 4, "inline charts");
  for (const title of ["Loss curves", "Learning-rate schedule", "Evaluation with bootstrap intervals"]) {
    assert.ok(html.includes(`>${title}<`), title);
  }
  assert.ok(html.includes(">System usage<") || html.includes("one system sample: the run was shorter"), "system");
  assert.match(
    html,
    /<table class="eval">.*<td>cross_entropy<\/td><td class="num">\d\.\d{4}<\/td><td class="num">\[\d\.\d{4}, \d\.\d{4}\]<\/td>/s,
  );
  assert.ok(html.includes("<td>perplexity</td>") && html.includes("<td>token_accuracy</td>"));
  assert.ok(html.includes('<section id="samples">') && html.includes('class="sample"'), "samples");
  assert.ok(html.includes("model:") || html.includes("model.") || html.includes("gpt-nano"), "the config");
  assert.ok(!html.includes('class="error"'), "no chart failed");
  assert.deepEqual(networkReferences(html), []);
  assert.ok(!/<script/i.test(html), "no scripts");
  const urls = [...html.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0]);
  assert.deepEqual([...new Set(urls)], ["http://www.w3.org/2000/svg"], "only the SVG namespace");
  // ids stay unique when several charts share the page
  const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length);

  // --out under artifacts/
  const out = join(dir, "r.html");
  const custom = await taskCommand("report", [`run=${run}`, `out_dir=${dir}`, `--out=${out}`]).output();
  assert.equal(custom.code, 0, decode(custom.stderr));
  assert.ok((await Deno.stat(join(root, out))).isFile);
  // out= in a folder that does not exist yet (as artifacts/reports/x.html in --help); samples=0 shows none
  const nested = join(dir, "reports", "x.html");
  const made = await taskCommand("report", [`run=${run}`, `out_dir=${dir}`, `out=${nested}`, "samples=0"]).output();
  assert.equal(made.code, 0, decode(made.stderr));
  html = await Deno.readTextFile(join(root, nested));
  assert.match(html, /<section id="samples"><h2>Samples<\/h2>\n<p class="missing">\d+ samples not shown/);
  assert.ok(!html.includes('class="sample"'), "samples=0 shows no sample");
  await Deno.remove(join(root, dir), { recursive: true });
});

Deno.test("report task: --help, and one-line errors for a missing or unknown run", async () => {
  const help = await taskCommand("report", ["--help"]).output();
  assert.equal(help.code, 0);
  assert.match(decode(help.stdout), /^Usage: deno task report run=RUN_ID/);
  for (
    const [args, msg] of [
      [[], /^error: Cannot write report: give run=RUN_ID/],
      [["runn=x"], /^error: Cannot write report: unknown key "runn"/],
      [
        ["run=nope", "out_dir=artifacts/no-such-runs"],
        /^error: Cannot find run "nope" in artifacts\/no-such-runs \(there are no runs\)$/,
      ],
      [
        ["run=nope", "samples=-1"],
        /^error: Cannot write report: samples must be a non-negative integer \(got -1\)$/,
      ],
      [
        ["run=nope", "samples=2.5"],
        /^error: Cannot write report: samples must be a non-negative integer \(got 2\.5\)$/,
      ],
      [["run=nope", "samples=many"], /^error: Cannot write report: samples must be a number \(got "many"\)$/],
    ] as const
  ) {
    const r = await taskCommand("report", [...args]).output();
    assert.equal(r.code, 1);
    const lines = decode(r.stderr).trim().split("\n");
    assert.equal(lines.length, 1, lines.join(" | "));
    assert.match(lines[0]!, msg);
  }
});
