import assert from "node:assert/strict";
import { join } from "node:path";
import { FilePoller, type FileStat } from "./_file_poller.ts";

Deno.test("FilePoller.check() waits for the poll loop's onChange in flight, then stats again", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "data.txt");
  await Deno.writeTextFile(path, "a");
  let started!: () => void;
  const loopStarted = new Promise<void>((r) => (started = r));
  const handed: number[] = [];
  const poller = new FilePoller(path, { interval: 5, debounce: 0 }, async (stat: FileStat) => {
    if (handed.length === 1) started(); // the poll loop's first change after the start
    await new Promise((r) => setTimeout(r, 50)); // a slow reader
    handed.push(stat?.size ?? -1);
  });
  try {
    await poller.first;
    assert.deepEqual(handed, [1]);
    await Deno.writeTextFile(path, "ab");
    await loopStarted; // the loop has stored the new stat and is inside onChange
    await poller.check(); // the same stat: must not return before that onChange ends
    assert.deepEqual(handed, [1, 2]);
    await Deno.writeTextFile(path, "abc");
    await poller.check(); // a new stat: handed on by this check or the loop's, finished either way
    assert.deepEqual(handed.at(-1), 3);
  } finally {
    poller.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
