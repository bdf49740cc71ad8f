/**
 * `scanCode`: the code findings of a source tree: parse errors, stubs,
 * to-do markers, modules under `lib/` that no test covers, and exported
 * values without a JSDoc `@example`.
 *
 * @module
 */
import { join, relative, sep } from "node:path";
import type { FindingInput } from "./finding.ts";
import { scanSource, type SourceScan } from "./scan_source.ts";

/** The role of a file in the tree. */
export type FileRole = "module" | "test" | "bench" | "other";

/** Counts of what was scanned. */
export interface CodeCounts {
  /** Source files read. */
  files: number;
  /** Files under `lib/` that are neither tests nor benchmarks. */
  modules: number;
  /** Test files (`*_test.ts`, shared suites, `tests/`). */
  tests: number;
  /** Modules with runtime code that some test covers, and those checked. */
  tested: number;
  checked: number;
  /** Exported values under `lib/` (public files), and how many have an `@example`. */
  exports: number;
  documented: number;
}

/** What {@linkcode scanCode} returns. */
export interface CodeScan {
  findings: FindingInput[];
  counts: CodeCounts;
}

/** Options of {@linkcode scanCode}. */
export interface ScanCodeOptions {
  /** Folder names never entered (default `node_modules`, `artifacts`, `testdata`; hidden folders always). */
  skipDirs?: readonly string[];
}

const _SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

/**
 * The role of a path relative to the root: tests are `*_test.*`, `_testing.*`,
 * shared suites `*_suite.*` and anything under `tests/`; benchmarks
 * `*_bench.*`; modules the rest under `lib/`.
 *
 * @example
 * ```ts
 * import { fileRole } from "./scan_code.ts";
 * if (fileRole("lib/a/b_test.ts") !== "test" || fileRole("lib/a/b.ts") !== "module") throw new Error("roles");
 * ```
 */
export function fileRole(path: string): FileRole {
  const base = path.slice(path.lastIndexOf("/") + 1);
  if (/_test\.[^.]+$/.test(base) || /^_testing\./.test(base) || /_suite\.[^.]+$/.test(base)) return "test";
  if (path.startsWith("tests/")) return "test";
  if (/_bench\.[^.]+$/.test(base)) return "bench";
  return path.startsWith("lib/") ? "module" : "other";
}

async function _walk(root: string, skip: ReadonlySet<string>): Promise<string[]> {
  const out: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    const entries: Deno.DirEntry[] = [];
    for await (const e of Deno.readDir(dir)) entries.push(e);
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory && !e.name.startsWith(".") && !skip.has(e.name)) await visit(path);
      else if (e.isFile && _SOURCE.test(e.name) && !e.name.endsWith(".d.ts")) out.push(path);
    }
  };
  await visit(root);
  return out.map((p) => relative(root, p).split(sep).join("/")).sort();
}

const _stem = (path: string) => path.replace(/\.[^./]+$/, "");
const _isPrivate = (path: string) => path.slice(path.lastIndexOf("/") + 1).startsWith("_");

/**
 * Scans every source file under `root` (sorted by path), skipping hidden
 * folders and `skipDirs`. Reports, with paths relative to `root`:
 *
 * - `parse_error` for a file that does not parse (it is not scanned further);
 * - `stub` (`not_implemented`, `empty_body`) in every file but tests and benchmarks;
 * - `todo` (`todo`, `fixme`) for each marker in a comment, in every file;
 * - `untested` for a module under `lib/` with runtime code that no test covers: it has no
 *   `NAME_test.ts` beside it and no test file imports it (directly, or by name through modules
 *   that only re-export, like `mod.ts`); a private module (`_name.ts`) is covered when a
 *   covered module imports it;
 * - `no_example` for each exported function, class, variable or enum of a public module
 *   under `lib/` (not `_name.ts`; names starting with `_` excepted) without `@example`.
 *
 * @example
 * ```ts ignore
 * import { scanCode } from "./scan_code.ts";
 * const { findings, counts } = await scanCode(".");
 * console.log(counts.files, findings.filter((f) => f.kind === "stub"));
 * ```
 */
export async function scanCode(root: string, options: ScanCodeOptions = {}): Promise<CodeScan> {
  const skip = new Set(options.skipDirs ?? ["node_modules", "artifacts", "testdata"]);
  const paths = await _walk(root, skip);
  const scans = new Map<string, SourceScan>();
  for (const path of paths) scans.set(path, await scanSource(path, await Deno.readTextFile(join(root, path))));

  const findings: FindingInput[] = [];
  const counts: CodeCounts = {
    files: paths.length,
    modules: 0,
    tests: 0,
    tested: 0,
    checked: 0,
    exports: 0,
    documented: 0,
  };
  for (const [path, scan] of scans) {
    const role = fileRole(path);
    if (role === "module") counts.modules++;
    if (role === "test") counts.tests++;
    for (const m of scan.markers) {
      findings.push({
        kind: "todo",
        rule: m.rule,
        severity: m.rule === "fixme" ? "warning" : "info",
        path,
        line: m.line,
        message: m.text,
      });
    }
    if (scan.parseError) {
      const { line, message, count } = scan.parseError;
      findings.push({
        kind: "parse_error",
        rule: "syntax",
        severity: "error",
        path,
        line,
        message: `Cannot parse: ${message}${count > 1 ? ` (${count} parse errors in all)` : ""}`,
      });
      continue;
    }
    if (role === "test" || role === "bench") continue;
    for (const s of scan.stubs) {
      findings.push({
        kind: "stub",
        rule: s.rule,
        severity: "warning",
        path,
        line: s.line,
        symbol: s.symbol,
        message: s.rule === "not_implemented"
          ? `${s.symbol} only throws "not implemented"`
          : `${s.symbol} has an empty body`,
      });
    }
    if (role !== "module" || _isPrivate(path)) continue;
    for (const e of scan.exports) {
      if (e.name.startsWith("_")) continue;
      counts.exports++;
      if (e.hasExample) counts.documented++;
      else {
        findings.push({
          kind: "no_example",
          rule: "no_example",
          severity: "info",
          path,
          line: e.line,
          symbol: e.name,
          message: `exported ${e.kind} ${e.name} has no @example in its JSDoc`,
        });
      }
    }
  }

  // Coverage: beside tests and direct imports from tests, then private
  // modules through the covered modules that import them, until nothing changes.
  const modules = paths.filter((p) => fileRole(p) === "module" && scans.get(p)!.parseError === null);
  const stems = new Set(paths.map(_stem));
  // What a test imports, followed through modules that only re-export
  // (`mod.ts`): `import { sha256Hex } from "../io/mod.ts"` imports sha256.ts.
  const importedByTest = new Set<string>();
  const follow = (path: string, names: readonly string[], seen: Set<string>): void => {
    const scan = scans.get(path);
    if (scan === undefined || seen.has(path)) return;
    seen.add(path);
    if (scan.hasRuntimeCode || scan.parseError) {
      importedByTest.add(path);
      return;
    }
    const all = names.includes("*");
    for (const [target, exported] of Object.entries(scan.reexports)) {
      const t = scans.get(target);
      const star = exported.includes("*");
      const wanted = all ? ["*"] : names.filter((n) =>
        star
          ? t !== undefined &&
            (t.exportNames.includes(n) || Object.values(t.reexports).some((r) => r.includes(n) || r.includes("*")))
          : exported.includes(n)
      );
      if (wanted.length) follow(target, wanted, seen);
    }
  };
  for (const p of paths.filter((p) => fileRole(p) === "test")) {
    for (const [target, names] of Object.entries(scans.get(p)!.importedNames)) follow(target, names, new Set());
  }
  const covered = new Set(modules.filter((m) => stems.has(`${_stem(m)}_test`) || importedByTest.has(m)));
  for (let changed = true; changed;) {
    changed = false;
    for (const m of modules) {
      if (covered.has(m) || !_isPrivate(m)) continue;
      if (modules.some((i) => covered.has(i) && scans.get(i)!.imports.includes(m))) {
        covered.add(m);
        changed = true;
      }
    }
  }
  for (const m of modules) {
    if (!scans.get(m)!.hasRuntimeCode) continue;
    counts.checked++;
    if (covered.has(m)) {
      counts.tested++;
      continue;
    }
    const base = m.slice(m.lastIndexOf("/") + 1);
    findings.push({
      kind: "untested",
      rule: "no_test",
      severity: "warning",
      path: m,
      message: `no test covers this module (no ${_stem(base)}_test.ts beside it, and no test file imports it, ` +
        "directly or through a mod.ts)",
    });
  }
  return { findings, counts };
}
