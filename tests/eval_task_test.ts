// `deno task eval` as users run it, with the task's own permissions.
import assert from "node:assert/strict";
import { join } from "node:path";
import { taskCommand } from "./_task.ts";

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
