import assert from "node:assert/strict";
import { join } from "node:path";
import { appendJsonLine, writeFileAtomic, writeJsonAtomic } from "./atomic_write.ts";

async function names(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out.sort();
}

Deno.test("writeFileAtomic: writes text and bytes, replaces an old file, leaves no temp file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "run.json");
    await writeFileAtomic(path, "first version, longer than the second\n");
    await writeFileAtomic(path, "second\n");
    assert.equal(await Deno.readTextFile(path), "second\n");
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 31) % 256);
    await writeFileAtomic(join(dir, "w.bin"), bytes);
    assert.deepEqual(await Deno.readFile(join(dir, "w.bin")), bytes);
    await writeFileAtomic(join(dir, "empty"), "");
    assert.equal((await Deno.stat(join(dir, "empty"))).size, 0);
    assert.deepEqual(await names(dir), ["empty", "run.json", "w.bin"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeFileAtomic: a failed rename keeps the old target whole and removes the temp file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // The target is a non-empty folder: the temp file is written, then rename fails.
    const target = join(dir, "target");
    await Deno.mkdir(target);
    await Deno.writeTextFile(join(target, "inside.txt"), "keep me");
    await assert.rejects(writeFileAtomic(target, "new content"));
    assert.equal(await Deno.readTextFile(join(target, "inside.txt")), "keep me");
    assert.deepEqual(await names(dir), ["target"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeFileAtomic: a missing folder is NotFound and creates nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(writeFileAtomic(join(dir, "no", "such.json"), "x"), Deno.errors.NotFound);
    assert.deepEqual(await names(dir), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeJsonAtomic: pretty JSON with a trailing newline", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "v.json");
    await writeJsonAtomic(path, { a: 1, b: [true, null], c: "x" });
    assert.equal(await Deno.readTextFile(path), '{\n  "a": 1,\n  "b": [\n    true,\n    null\n  ],\n  "c": "x"\n}\n');
    assert.deepEqual(await names(dir), ["v.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("appendJsonLine: creates the file and its folders, appends whole lines in order", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "a", "b", "events.ndjson");
    await appendJsonLine(path, { step: 1, text: "line\nbreak" });
    await appendJsonLine(path, [1, 2]);
    await appendJsonLine(path, "s");
    assert.equal(await Deno.readTextFile(path), '{"step":1,"text":"line\\nbreak"}\n[1,2]\n"s"\n');
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("appendJsonLine: concurrent appends each land as one whole line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "m.ndjson");
    const pad = "x".repeat(2000);
    await Promise.all(Array.from({ length: 40 }, (_, i) => appendJsonLine(path, { i, pad })));
    const lines = (await Deno.readTextFile(path)).split("\n");
    assert.equal(lines.pop(), "");
    assert.equal(lines.length, 40);
    const seen = lines.map((l) => (JSON.parse(l) as { i: number; pad: string })).map((r) => {
      assert.equal(r.pad, pad);
      return r.i;
    });
    assert.deepEqual(seen.sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Bytes that cannot be written: a stand-in for a write that fails (a full disk). */
const failingBytes = {
  length: 3,
  subarray: () => {
    throw new Error("disk full");
  },
} as unknown as Uint8Array;

Deno.test("writeFileAtomic: a failed write leaves the old target untouched", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "run.json");
    await writeFileAtomic(path, "old\n");
    await assert.rejects(writeFileAtomic(path, failingBytes), /^Error: disk full$/);
    assert.equal(await Deno.readTextFile(path), "old\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "writeFileAtomic: a failed write removes its temp file and leaves no target",
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      await assert.rejects(writeFileAtomic(join(dir, "run.json"), failingBytes));
      assert.deepEqual(await names(dir), []);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "appendJsonLine: a bare file name creates no folder",
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const cwd = Deno.cwd();
    try {
      Deno.chdir(dir);
      await appendJsonLine("log.ndjson", { a: 1 });
      assert.deepEqual(await names("."), ["log.ndjson"]);
    } finally {
      Deno.chdir(cwd);
      await Deno.remove(dir, { recursive: true });
    }
  },
});
