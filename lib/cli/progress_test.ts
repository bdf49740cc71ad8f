import assert from "node:assert/strict";
import { ProgressLine } from "./progress.ts";

/** Runs `f` with stderr captured and `isTerminal()` answering `tty`; returns what was written. */
function captureStderr(tty: boolean, f: () => void): string[] {
  const writes: string[] = [];
  const dec = new TextDecoder();
  const stderr = Deno.stderr as unknown as Record<string, unknown>;
  stderr.writeSync = (b: Uint8Array) => {
    writes.push(dec.decode(b));
    return b.length;
  };
  stderr.isTerminal = () => tty;
  try {
    f();
  } finally {
    delete stderr.writeSync;
    delete stderr.isTerminal;
  }
  return writes;
}

Deno.test("ProgressLine: off a terminal, prints every every-th update as a plain line, or when forced", () => {
  const out = captureStderr(false, () => {
    const p = new ProgressLine(3);
    for (let i = 1; i <= 7; i++) p.update(`step ${i}`);
    p.update("final", true);
    p.done();
  });
  assert.deepEqual(out, ["step 3\n", "step 6\n", "final\n"]);
});

Deno.test("ProgressLine: every below 1 counts as 1; log prints its own line", () => {
  const out = captureStderr(false, () => {
    const p = new ProgressLine(0);
    p.update("a");
    p.log("note");
    p.update("b");
    p.done();
  });
  assert.deepEqual(out, ["a\n", "note\n", "b\n"]);
});

Deno.test("ProgressLine: on a terminal, redraws in place and ends the line once on done or log", () => {
  const out = captureStderr(true, () => {
    const p = new ProgressLine(100);
    p.update("step 1");
    p.update("step 2");
    p.log("checkpoint saved");
    p.update("step 3");
    p.done();
    p.done();
  });
  assert.deepEqual(out, [
    "\r\x1b[2Kstep 1",
    "\r\x1b[2Kstep 2",
    "\n",
    "checkpoint saved\n",
    "\r\x1b[2Kstep 3",
    "\n",
  ]);
});

Deno.test("ProgressLine: done with nothing drawn writes nothing", () => {
  assert.deepEqual(captureStderr(true, () => new ProgressLine().done()), []);
});
