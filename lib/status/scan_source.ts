/**
 * `scanSource`: what one TypeScript or JavaScript file holds, read with the
 * TypeScript compiler's parser (`npm:typescript`), never with regular
 * expressions over the source: parse errors, stubs (bodies that only throw
 * "not implemented", empty function and method bodies), to-do markers in
 * comments, top-level exports and whether their JSDoc has an `@example`, and
 * the relative modules it imports.
 *
 * @module
 */
import type TypeScript from "typescript";
import { dirname, join, normalize } from "node:path/posix";

// The compiler is loaded on first use, not when codex is imported: it is
// large, and reads TSC_* environment variables as it loads (every task
// imports mod.ts, and only the status task has that permission).
let ts: typeof TypeScript;
let _SCRIPT_KINDS: Record<string, TypeScript.ScriptKind>;

async function _loadTypeScript(): Promise<void> {
  if (ts) return;
  ts = (await import("typescript")).default;
  _SCRIPT_KINDS = {
    ts: ts.ScriptKind.TS,
    mts: ts.ScriptKind.TS,
    cts: ts.ScriptKind.TS,
    tsx: ts.ScriptKind.TSX,
    js: ts.ScriptKind.JS,
    mjs: ts.ScriptKind.JS,
    cjs: ts.ScriptKind.JS,
    jsx: ts.ScriptKind.JSX,
  };
}

/** A stub: a function or method whose body does nothing real yet. */
export interface SourceStub {
  /** `not_implemented`: the body only throws a "not implemented" error; `empty_body`: the body is empty. */
  rule: "not_implemented" | "empty_body";
  /** `name`, `Class.method`, `object.method`, or `(anonymous)`. */
  symbol: string;
  /** 1-based line of the function's start. */
  line: number;
}

/** A to-do or fix-me marker in a comment. */
export interface SourceMarker {
  rule: "todo" | "fixme";
  line: number;
  /** The comment line that holds the marker, without the comment syntax. */
  text: string;
}

/** A top-level exported value (function, class, variable, enum). */
export interface SourceExport {
  name: string;
  kind: "function" | "class" | "variable" | "enum";
  line: number;
  /** Its JSDoc has an `@example` tag. */
  hasExample: boolean;
}

/** What {@linkcode scanSource} finds in one file. */
export interface SourceScan {
  /** Parse errors: the first with its line, and how many there are. */
  parseError: { line: number; message: string; count: number } | null;
  stubs: SourceStub[];
  markers: SourceMarker[];
  exports: SourceExport[];
  /** Relative imports (not type-only), resolved against the file's folder: `lib/x/y.ts`. */
  imports: string[];
  /**
   * The names taken from each relative import or re-export (`*` for a
   * namespace, `export *` or a dynamic import), by resolved path: what
   * following an import through a `mod.ts` that only re-exports needs.
   */
  importedNames: Record<string, string[]>;
  /** Re-exports (`export ... from`), by resolved path: the names, or `*`. */
  reexports: Record<string, string[]>;
  /** Every name the file exports itself (types included). */
  exportNames: string[];
  /** The file has runtime statements (not only imports, re-exports, types and interfaces). */
  hasRuntimeCode: boolean;
}

const _MARKER = /\b(TODO|FIXME)\b/;

function _line(sf: TypeScript.SourceFile, pos: number): number {
  return sf.getLineAndCharacterOfPosition(pos).line + 1;
}

function _propertyName(name: TypeScript.PropertyName | TypeScript.BindingName | undefined): string {
  if (name === undefined) return "(anonymous)";
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) {
    return name.text;
  }
  return name.getText();
}

// The name of what holds a method: its class, or the variable an object literal is assigned to.
function _container(node: TypeScript.Node): string {
  const p = node.parent;
  if (p && (ts.isClassDeclaration(p) || ts.isClassExpression(p))) return p.name?.text ?? "(class)";
  if (p && ts.isObjectLiteralExpression(p)) {
    const holder = p.parent;
    if (holder && (ts.isVariableDeclaration(holder) || ts.isPropertyAssignment(holder))) {
      return _propertyName(holder.name);
    }
    return "(object)";
  }
  return "(anonymous)";
}

function _functionName(node: TypeScript.FunctionLikeDeclaration): string {
  if (ts.isFunctionDeclaration(node)) return node.name?.text ?? "default";
  if (ts.isConstructorDeclaration(node)) return `${_container(node)}.constructor`;
  if (ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node)) {
    return `${_container(node)}.${_propertyName(node.name)}`;
  }
  if (node.name) return _propertyName(node.name);
  const p = node.parent;
  if (p && (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p))) return _propertyName(p.name);
  if (p && ts.isPropertyDeclaration(p)) return `${_container(p)}.${_propertyName(p.name)}`;
  return "(anonymous)";
}

// `throw new Error("not implemented")`, `throw new NotImplementedError()`, `throw Error(`...not implemented`)`.
function _onlyThrowsNotImplemented(body: TypeScript.Block): boolean {
  const [only] = body.statements;
  if (body.statements.length !== 1 || only === undefined || !ts.isThrowStatement(only)) return false;
  const e = only.expression;
  if (!ts.isNewExpression(e) && !ts.isCallExpression(e)) return false;
  if (/NotImplemented/i.test(e.expression.getText())) return true;
  const arg = e.arguments?.[0];
  if (arg === undefined) return false;
  if (!ts.isStringLiteral(arg) && !ts.isNoSubstitutionTemplateLiteral(arg) && !ts.isTemplateExpression(arg)) {
    return false;
  }
  return /not\s+(yet\s+)?implemented/i.test(arg.getText());
}

function _isFunctionLike(node: TypeScript.Node): node is TypeScript.FunctionLikeDeclaration {
  return ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node) || ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node);
}

// Whether an empty block holds a comment: between its braces there is only
// trivia, whose comments are the trailing ranges after `{` (on its line,
// which leading ranges skip) and the leading ranges of the lines below.
function _hasComment(sf: TypeScript.SourceFile, body: TypeScript.Block): boolean {
  const inside = body.getStart(sf) + 1;
  return Boolean(
    ts.getTrailingCommentRanges(sf.text, inside)?.length || ts.getLeadingCommentRanges(sf.text, inside)?.length,
  );
}

function _stubs(sf: TypeScript.SourceFile): SourceStub[] {
  const out: SourceStub[] = [];
  const visit = (node: TypeScript.Node): void => {
    if (_isFunctionLike(node) && node.body && ts.isBlock(node.body)) {
      const body = node.body;
      const line = _line(sf, node.getStart(sf));
      if (_onlyThrowsNotImplemented(body)) out.push({ rule: "not_implemented", symbol: _functionName(node), line });
      else if (
        body.statements.length === 0 &&
        // Named functions and methods only: an empty arrow or function
        // expression is a callback that does nothing on purpose.
        (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) ||
          ts.isSetAccessorDeclaration(node)) &&
        // A comment inside says the body is empty on purpose.
        !_hasComment(sf, body)
      ) {
        out.push({ rule: "empty_body", symbol: _functionName(node), line });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

// Every comment of the file: the leading and trailing comment ranges of
// every token (JSDoc included), each once.
function _comments(sf: TypeScript.SourceFile): TypeScript.CommentRange[] {
  const seen = new Set<number>();
  const out: TypeScript.CommentRange[] = [];
  const add = (ranges: TypeScript.CommentRange[] | undefined) => {
    for (const r of ranges ?? []) {
      if (!seen.has(r.pos)) {
        seen.add(r.pos);
        out.push(r);
      }
    }
  };
  const visit = (node: TypeScript.Node): void => {
    add(ts.getLeadingCommentRanges(sf.text, node.getFullStart()));
    add(ts.getTrailingCommentRanges(sf.text, node.getEnd()));
    for (const child of node.getChildren(sf)) {
      if (child.kind >= ts.SyntaxKind.FirstJSDocNode && child.kind <= ts.SyntaxKind.LastJSDocNode) continue;
      visit(child);
    }
  };
  visit(sf);
  return out.sort((a, b) => a.pos - b.pos);
}

function _markers(sf: TypeScript.SourceFile): SourceMarker[] {
  const out: SourceMarker[] = [];
  for (const r of _comments(sf)) {
    const first = _line(sf, r.pos);
    sf.text.slice(r.pos, r.end).split("\n").forEach((raw, i) => {
      const m = _MARKER.exec(raw);
      if (!m) return;
      const text = raw.replace(/^\s*(\/\/+|\/\*+|\*+)?\s*/, "").replace(/\s*\*+\/\s*$/, "").trim();
      out.push({ rule: m[1] === "FIXME" ? "fixme" : "todo", line: first + i, text: text.slice(0, 160) });
    });
  }
  return out;
}

const _hasExport = (node: TypeScript.Node): boolean =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

const _hasDeclare = (node: TypeScript.Node): boolean =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.DeclareKeyword);

const _hasExample = (node: TypeScript.Node): boolean => ts.getJSDocTags(node).some((t) => t.tagName.text === "example");

function _exports(sf: TypeScript.SourceFile): SourceExport[] {
  const byName = new Map<string, SourceExport>();
  const add = (name: string, kind: SourceExport["kind"], node: TypeScript.Node) => {
    const seen = byName.get(name);
    // Overloads: one export, documented if any of its declarations is.
    if (seen) seen.hasExample ||= _hasExample(node);
    else byName.set(name, { name, kind, line: _line(sf, node.getStart(sf)), hasExample: _hasExample(node) });
  };
  for (const s of sf.statements) {
    if (!_hasExport(s) || _hasDeclare(s)) continue;
    if (ts.isFunctionDeclaration(s) && s.name) add(s.name.text, "function", s);
    else if (ts.isClassDeclaration(s) && s.name) add(s.name.text, "class", s);
    else if (ts.isEnumDeclaration(s)) add(s.name.text, "enum", s);
    else if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name)) add(d.name.text, "variable", s);
    }
  }
  return [...byName.values()].sort((a, b) => a.line - b.line);
}

function _imports(sf: TypeScript.SourceFile, path: string): {
  imports: string[];
  importedNames: Record<string, string[]>;
  reexports: Record<string, string[]>;
} {
  const names: Record<string, string[]> = {}, reexports: Record<string, string[]> = {};
  const add = (spec: TypeScript.Expression | undefined, taken: string[], into = names) => {
    if (spec && ts.isStringLiteralLike(spec) && spec.text.startsWith(".")) {
      const p = normalize(join(dirname(path), spec.text));
      into[p] = [...new Set([...(into[p] ?? []), ...taken])].sort();
    }
  };
  const visit = (node: TypeScript.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const c = node.importClause;
      if (!c?.isTypeOnly) {
        const b = c?.namedBindings;
        const taken = b === undefined
          ? (c?.name ? ["default"] : ["*"])
          : ts.isNamespaceImport(b)
          ? ["*"]
          : b.elements.filter((e) => !e.isTypeOnly).map((e) => (e.propertyName ?? e.name).text);
        add(node.moduleSpecifier, c?.name ? [...taken, "default"] : taken);
      }
    } else if (ts.isExportDeclaration(node)) {
      if (!node.isTypeOnly) {
        const c = node.exportClause;
        const taken = c === undefined || ts.isNamespaceExport(c)
          ? ["*"]
          : c.elements.filter((e) => !e.isTypeOnly).map((e) => (e.propertyName ?? e.name).text);
        add(node.moduleSpecifier, taken);
        add(
          node.moduleSpecifier,
          c === undefined ? ["*"] : ts.isNamespaceExport(c) ? [c.name.text] : c.elements
            .map((e) => e.name.text),
          reexports,
        );
      }
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], ["*"]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { imports: Object.keys(names).sort(), importedNames: names, reexports };
}

function _exportNames(sf: TypeScript.SourceFile): string[] {
  const out: string[] = [];
  for (const s of sf.statements) {
    if (!_hasExport(s)) continue;
    if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name)) out.push(d.name.text);
    } else if ("name" in s && s.name && ts.isIdentifier(s.name as TypeScript.Node)) {
      out.push((s.name as TypeScript.Identifier).text);
    }
  }
  return out.sort();
}

function _isRuntimeStatement(s: TypeScript.Statement): boolean {
  if (_hasDeclare(s)) return false;
  return !(ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s) || ts.isInterfaceDeclaration(s) ||
    ts.isTypeAliasDeclaration(s) || ts.isExportDeclaration(s) || ts.isEmptyStatement(s));
}

/**
 * Scans one file. `path` (POSIX, relative to the scanned root) names the
 * file in results and resolves its relative imports; its extension picks the
 * parser's language (`.ts`, `.tsx`, `.js`, ...). A file that does not parse
 * gives `parseError` and nothing else but its comments' markers.
 *
 * @example
 * ```ts
 * import { scanSource } from "./scan_source.ts";
 * const scan = await scanSource("lib/a/b.ts", [
 *   "/** Adds. *\/",
 *   "export function add(a: number, b: number): number {",
 *   '  throw new Error("not implemented");',
 *   "}",
 * ].join("\n"));
 * if (scan.stubs[0]?.rule !== "not_implemented" || scan.exports[0]?.hasExample !== false) throw new Error("missed");
 * ```
 */
export async function scanSource(path: string, text: string): Promise<SourceScan> {
  await _loadTypeScript();
  const ext = path.slice(path.lastIndexOf(".") + 1);
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, _SCRIPT_KINDS[ext] ?? ts.ScriptKind.TS);
  // The parser's own diagnostics: syntax errors only (no type checking).
  const diagnostics = (sf as unknown as { parseDiagnostics?: TypeScript.DiagnosticWithLocation[] }).parseDiagnostics ??
    [];
  const markers = _markers(sf);
  const first = diagnostics[0];
  if (first !== undefined) {
    return {
      parseError: {
        line: _line(sf, first.start),
        message: ts.flattenDiagnosticMessageText(first.messageText, " "),
        count: diagnostics.length,
      },
      stubs: [],
      markers,
      exports: [],
      imports: [],
      importedNames: {},
      reexports: {},
      exportNames: [],
      hasRuntimeCode: false,
    };
  }
  return {
    parseError: null,
    stubs: _stubs(sf),
    markers,
    exports: _exports(sf),
    ..._imports(sf, path),
    exportNames: _exportNames(sf),
    hasRuntimeCode: sf.statements.some(_isRuntimeStatement),
  };
}
