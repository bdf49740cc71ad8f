import assert from "node:assert/strict";
import { scanSource } from "./scan_source.ts";

Deno.test("scanSource: stubs of every shape, but not callbacks or commented empty bodies", async () => {
  const scan = await scanSource(
    "lib/a/b.ts",
    [
      "export class Store {",
      "  open(): void {",
      '    throw new Error("Not implemented yet");',
      "  }",
      "  close(): void {}",
      "  get size(): number {",
      "    throw new NotImplementedError();",
      "  }",
      "  flush(): void {",
      "    // nothing to flush",
      "  }",
      "}",
      "const driver = { init() {} };",
      "export const later = () => {",
      "  throw new TypeError(`not implemented: ${1}`);",
      "};",
      "[1].forEach(() => {});",
      "function fine(): number {",
      '  throw new Error("not found");',
      "}",
      "class NotImplementedError extends Error {}",
      "export { driver, fine };",
    ].join("\n"),
  );
  assert.deepEqual(scan.stubs, [
    { rule: "not_implemented", symbol: "Store.open", line: 2 },
    { rule: "empty_body", symbol: "Store.close", line: 5 },
    { rule: "not_implemented", symbol: "Store.size", line: 6 },
    { rule: "empty_body", symbol: "driver.init", line: 13 },
    { rule: "not_implemented", symbol: "later", line: 14 },
  ]);
  assert.equal(scan.parseError, null);
  assert.equal(scan.hasRuntimeCode, true);
});

Deno.test("scanSource: a comment anywhere inside empty braces, on their line too, makes the body intentional", async () => {
  const scan = await scanSource(
    "lib/a/b.ts",
    [
      "function f() { /* intentionally empty */ }",
      "function g() { // on the brace's line",
      "}",
      "class K {",
      "  m(): void {",
      "    /** below */",
      "  }",
      "  n(): void {} // after the braces: not inside",
      "  o(): void {",
      "  }",
      "}",
      "export { f, g, K };",
    ].join("\n"),
  );
  assert.deepEqual(scan.stubs, [
    { rule: "empty_body", symbol: "K.n", line: 8 },
    { rule: "empty_body", symbol: "K.o", line: 9 },
  ]);
});

Deno.test("scanSource: markers only in comments, JSDoc examples, imports and type-only files", async () => {
  const scan = await scanSource(
    "lib/a/b.ts",
    [
      'import type { T } from "./types.ts";',
      'import { x } from "../c/x.ts";',
      'export * from "./re.ts";',
      'const s = "// TODO: inside a string";',
      "const t = `/* FIXME inside a template ${s} */`;",
      "/**",
      " * Documented.",
      " *",
      " * @example",
      " * ```ts",
      " * one();",
      " * ```",
      " */",
      "export function one(): T | string { return x + t; } // TODO(ana): trailing",
      "/** Overloaded; the first declaration has no example. */",
      "export function two(a: string): string;",
      "/** @example two(1) */",
      "export function two(a: number): number;",
      "export function two(a: unknown): unknown { return a; }",
      "/** A constant. */",
      "export const THREE = 3, _hidden = 4;",
      "export default function () {}",
      "/* a todo in lower case is prose",
      "   FIXME: but this one counts */",
      'const lazy = () => import("./lazy.ts");',
      "lazy;",
    ].join("\n"),
  );
  assert.deepEqual(scan.markers, [
    { rule: "todo", line: 14, text: "TODO(ana): trailing" },
    { rule: "fixme", line: 24, text: "FIXME: but this one counts" },
  ]);
  assert.deepEqual(scan.exports, [
    { name: "one", kind: "function", line: 14, hasExample: true },
    { name: "two", kind: "function", line: 16, hasExample: true },
    { name: "THREE", kind: "variable", line: 21, hasExample: false },
    { name: "_hidden", kind: "variable", line: 21, hasExample: false },
  ]);
  assert.deepEqual(scan.imports, ["lib/a/lazy.ts", "lib/a/re.ts", "lib/c/x.ts"]);

  const types = await scanSource(
    "lib/a/types.ts",
    'export interface T { a: number }\nexport type U = T;\nexport * from "./x.ts";\n',
  );
  assert.equal(types.hasRuntimeCode, false);
});

Deno.test("scanSource: a file that does not parse gives its first error, its count, and nothing else", async () => {
  const scan = await scanSource("lib/a/broken.ts", "// TODO: fix the syntax\nexport const x = ;\n");
  assert.deepEqual(scan.parseError, { line: 2, message: "Expression expected.", count: 1 });
  assert.deepEqual(scan.stubs, []);
  assert.deepEqual(scan.exports, []);
  assert.equal(scan.markers.length, 1);
  const jsx = await scanSource("lib/a/view.tsx", "export const V = () => <div>{/* TODO: style */}</div>;\n");
  assert.equal(jsx.parseError, null);
  assert.deepEqual(jsx.markers.map((m) => m.text), ["TODO: style"]);
});
