/**
 * The value side of a Hydra 1.3 override, parsed the way Hydra's override
 * grammar reads it: primitives (`10_0`, `inf`, `TRUE`, `null`, `a\,b`,
 * quoted strings), lists, dicts, simple choice sweeps (`a,b`) and the sweep
 * functions `choice`, `range`, `interval`, `glob`, `tag`, `sort`, `shuffle`
 * and the casts `int`, `float`, `str`, `bool`.
 *
 * @module
 */

/** `choice(a,b)` or the simple form `a,b`. */
export interface ChoiceSweep {
  kind: "choice";
  list: unknown[];
  /** Written `a,b` rather than `choice(a,b)`. */
  simpleForm: boolean;
  tags: string[];
  shuffle: boolean;
  /** The elements' text as written, when untransformed (keeps `1e-3` as `1e-3` in trial overrides). */
  raw?: string[];
}

/** `range(start, stop[, step])`: Python's range, for ints or floats. */
export interface RangeSweep {
  kind: "range";
  start: number;
  stop: number;
  step: number;
  /** Values are floats (any argument was a float, or `float(...)` was applied). */
  float: boolean;
  tags: string[];
  shuffle: boolean;
}

/** `interval(start, end)`: a continuous range for samplers (the random sweeper). */
export interface IntervalSweep {
  kind: "interval";
  start: number;
  end: number;
  /** `int(interval(...))`: draws integers. */
  int: boolean;
  tags: string[];
}

/** `glob(include, exclude)`: the options of a config group matching the patterns. */
export interface GlobSweep {
  kind: "glob";
  include: string[];
  exclude: string[];
}

/** Any sweep an override can hold. */
export type Sweep = ChoiceSweep | RangeSweep | IntervalSweep | GlobSweep;

/** A parsed override value: a plain value, or a sweep. */
export type ParsedValue = { value: unknown; sweep?: undefined } | { value?: undefined; sweep: Sweep };

// Floats are boxed while evaluating so casts and str() can tell 10.0 from 10.
class PyFloat {
  constructor(readonly v: number) {}
}
class Quoted {
  constructor(readonly text: string) {}
}

const INT_RE = /^[+-]?(0|[1-9](_?\d)*)$/;
const DIGITS = String.raw`\d(_?\d)*`;
const INT_U = String.raw`(0|[1-9](_?\d)*)`;
const POINT = String.raw`(${INT_U}?\.${DIGITS}|${INT_U}\.)`;
const FLOAT_RE = new RegExp(
  String.raw`^[+-]?(${POINT}|(${INT_U}|${POINT})[eE][+-]?${DIGITS}|[iI][nN][fF]|[nN][aA][nN])$`,
);
const ID_RE = /^[A-Za-z_][\w-]*$/;
const ESCAPABLE = new Set(["\\", "(", ")", "[", "]", "{", "}", ":", "=", ",", " ", "\t"]);
const FUNCTIONS = ["bool", "choice", "float", "glob", "int", "interval", "range", "shuffle", "sort", "str", "tag"];

function isSweep(v: unknown): v is Sweep {
  return v !== null && typeof v === "object" && "kind" in v && !(v instanceof PyFloat) && !(v instanceof Quoted) &&
    !Array.isArray(v) && Object.getPrototypeOf(v) === SweepProto;
}
const SweepProto = {};
function sweep<T extends Sweep>(s: T): T {
  return Object.assign(Object.create(SweepProto), s);
}

// The arguments' text of a choice(...) as written, for sweep overrides that keep it (`1e-3` stays `1e-3`).
const choiceText = new WeakMap<object, string[]>();

/** The error of a sweep function, in Hydra's words: `ValueError while evaluating 'int(nan)': ...`. */
class EvalError extends Error {}

class Parser {
  pos = 0;
  constructor(readonly text: string, readonly arg: string, readonly offset: number) {}

  fail(what: string, at = this.pos): never {
    throw new SyntaxError(`Cannot parse override "${this.arg}": ${what} at column ${this.offset + at + 1}`);
  }
  peek(): string | undefined {
    return this.text[this.pos];
  }
  ws(): void {
    while (this.peek() === " " || this.peek() === "\t") this.pos++;
  }
  tokenAt(at = this.pos): string {
    const c = this.text[at];
    if (c === undefined) return "<EOF>";
    return /[\w.-]/.test(c) ? /^[\w.-]+/.exec(this.text.slice(at))![0] : c;
  }

  /** value: element (',' element)* EOF. */
  value(): { v: unknown; rawList?: string[] } {
    this.ws();
    if (this.pos === this.text.length) return { v: "" };
    const starts: number[] = [this.pos];
    const items = [this.element("top")];
    const ends: number[] = [this.pos];
    this.ws();
    while (this.peek() === ",") {
      this.pos++;
      this.ws();
      starts.push(this.pos);
      items.push(this.element("top"));
      ends.push(this.pos);
      this.ws();
    }
    if (this.pos < this.text.length) {
      const c = this.peek()!;
      if (c === "'" || c === '"') this.fail(`token recognition error at: '${c}' (an unclosed or misplaced quote)`);
      this.fail(`extraneous input '${this.tokenAt()}' expecting <EOF>`);
    }
    if (items.length === 1) {
      const v = items[0];
      const text = v !== null && typeof v === "object" ? choiceText.get(v) : undefined;
      return text ? { v, rawList: text } : { v };
    }
    const raw = starts.map((s, i) => this.text.slice(s, ends[i]).trim());
    return { v: sweep({ kind: "choice", list: items, simpleForm: true, tags: [], shuffle: false }), rawList: raw };
  }

  element(ctx: "top" | "list" | "dict" | "arg"): unknown {
    this.ws();
    const c = this.peek();
    if (c === "[") return this.list();
    if (c === "{") return this.dict();
    if (c === "'" || c === '"') return this.quoted();
    const start = this.pos;
    const prim = this.primitive(ctx);
    if (this.peek() === "(") {
      const name = this.text.slice(start, this.pos).trim();
      if (!ID_RE.test(name)) this.fail(`mismatched input '('`);
      return this.call(name, start);
    }
    if (prim === undefined) {
      const t = this.tokenAt();
      this.fail(t === "<EOF>" ? `missing a value at end of input` : `no viable alternative at input '${t}'`);
    }
    return prim;
  }

  quoted(): Quoted {
    const q = this.peek()!, start = this.pos;
    this.pos++;
    let out = "";
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail(`token recognition error at: '${q}' (the quote is not closed)`, start);
      if (c === "\\") {
        // A run of backslashes before a quote is halved, and an odd one escapes the quote;
        // other backslashes are literal (Windows paths stay as written).
        let n = 0;
        while (this.text[this.pos + n] === "\\") n++;
        const next = this.text[this.pos + n];
        if (next === q) {
          out += "\\".repeat(Math.floor(n / 2));
          this.pos += n;
          if (n % 2) {
            out += q;
            this.pos++;
          }
        } else {
          out += "\\".repeat(n);
          this.pos += n;
        }
        continue;
      }
      this.pos++;
      if (c === q) break;
      out += c;
    }
    this.ws();
    const n = this.peek();
    if (n !== undefined && !",])}".includes(n)) {
      if (n === "'" || n === '"') this.fail(`token recognition error at: '${n}'`);
      this.fail(`extraneous input '${this.tokenAt()}' after a quoted value`);
    }
    return new Quoted(out);
  }

  /** Unquoted text up to a delimiter; typed (int, float, bool, null) when it is one token. */
  primitive(ctx: "top" | "list" | "dict" | "arg" | "key"): unknown {
    let out = "", typed = true, end = 0;
    const start = this.pos;
    for (;;) {
      const c = this.peek();
      if (c === undefined || ",[]{}()'\"".includes(c)) break;
      if (c === "=") {
        if (ctx === "arg") break;
        this.fail(`mismatched input '=' (quote the value or escape it as \\=)`);
      }
      if (c === ":" && ctx === "key") break;
      if (c === "\\") {
        const n = this.text[this.pos + 1];
        if (n !== undefined && ESCAPABLE.has(n)) {
          out += n;
          this.pos += 2;
          typed = false;
          end = out.length;
          continue;
        }
      }
      if (c === "$" && this.text[this.pos + 1] === "{") {
        const close = this.text.indexOf("}", this.pos + 2);
        if (close < 0) this.fail(`token recognition error at: '\${' (the interpolation is not closed)`);
        out += this.text.slice(this.pos, close + 1);
        this.pos = close + 1;
        typed = false;
        end = out.length;
        continue;
      }
      out += c;
      this.pos++;
      if (c !== " " && c !== "\t") end = out.length;
    }
    if (this.pos === start) return undefined;
    const text = out.slice(0, end);
    if (!typed) return text;
    if (INT_RE.test(text)) return Number(text.replace(/_/g, ""));
    if (FLOAT_RE.test(text)) {
      const t = text.replace(/_/g, "").toLowerCase();
      return new PyFloat(
        t.endsWith("inf") ? (t.startsWith("-") ? -Infinity : Infinity) : t.endsWith("nan") ? NaN : Number(t),
      );
    }
    const lower = text.toLowerCase();
    if (lower === "true") return true;
    if (lower === "false") return false;
    if (lower === "null") return null;
    return text;
  }

  list(): unknown[] {
    this.pos++;
    this.ws();
    const out: unknown[] = [];
    if (this.peek() === undefined) this.fail(`no viable alternative at input '[' (the list is not closed)`);
    if (this.peek() === "]") {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.element("list"));
      this.ws();
      const c = this.peek();
      if (c === ",") this.pos++;
      else if (c === "]") {
        this.pos++;
        return out;
      } else if (c === undefined) this.fail(`missing ']' at '<EOF>'`);
      else this.fail(`mismatched input '${this.tokenAt()}' expecting ',' or ']'`);
    }
  }

  dict(): Record<string, unknown> {
    this.pos++;
    this.ws();
    const out: Record<string, unknown> = {};
    if (this.peek() === "}") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      const keyStart = this.pos;
      const k = this.primitive("key");
      if (k === undefined || k === "") this.fail(`missing a dict key`, keyStart);
      if (this.peek() !== ":") {
        this.fail(
          this.peek() === undefined
            ? `missing ':' at '<EOF>' (a dict is written {key:value})`
            : `mismatched input '${this.tokenAt()}' expecting ':' (a dict is written {key:value})`,
        );
      }
      this.pos++;
      out[this.text.slice(keyStart, this.pos - 1).trim().replace(/\\(.)/g, "$1")] = this.element("dict");
      this.ws();
      const c = this.peek();
      if (c === ",") this.pos++;
      else if (c === "}") {
        this.pos++;
        return out;
      } else if (c === undefined) this.fail(`missing '}' at '<EOF>'`);
      else this.fail(`mismatched input '${this.tokenAt()}' expecting ',' or '}'`);
    }
  }

  call(name: string, start: number): unknown {
    this.pos++; // (
    const args: unknown[] = [], named: Record<string, unknown> = {}, argText: string[] = [];
    this.ws();
    if (this.peek() === ")") this.pos++;
    else {
      for (;;) {
        this.ws();
        const m = /^([A-Za-z_][\w-]*)[ \t]*=(?!=)/.exec(this.text.slice(this.pos));
        if (m) {
          this.pos += m[0].length;
          named[m[1]!] = this.element("arg");
        } else {
          if (Object.keys(named).length) this.fail(`positional argument follows keyword argument`);
          const at = this.pos;
          args.push(this.element("arg"));
          argText.push(this.text.slice(at, this.pos).trim());
        }
        this.ws();
        const c = this.peek();
        if (c === ",") this.pos++;
        else if (c === ")") {
          this.pos++;
          break;
        } else if (c === undefined) this.fail(`missing ')' at '<EOF>'`);
        else this.fail(`mismatched input '${this.tokenAt()}' expecting ',' or ')'`);
      }
    }
    const source = this.text.slice(start, this.pos).trim();
    if (!FUNCTIONS.includes(name)) {
      throw new SyntaxError(
        `Cannot parse override "${this.arg}": unknown function '${name}' (available: ${FUNCTIONS.join(", ")})`,
      );
    }
    try {
      const out = evaluate(name, args, named);
      if (name === "choice" && out !== null && typeof out === "object") choiceText.set(out, argText);
      return out;
    } catch (err) {
      if (!(err instanceof EvalError)) throw err;
      throw new TypeError(`Cannot parse override "${this.arg}": ${err.message.replace("%s", source)}`);
    }
  }
}

// ---- evaluation of the functions ----

const err = (kind: string, msg: string) => new EvalError(`${kind} while evaluating '%s': ${msg}`);

function pyStr(v: unknown): string {
  if (v instanceof PyFloat) {
    const x = v.v;
    if (Number.isNaN(x)) return "nan";
    if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
    if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
    return String(x).replace(/e([+-])(\d)$/, "e$10$2");
  }
  if (v instanceof Quoted) return v.text;
  if (v === null) return "null";
  return String(v);
}

function castOne(kind: "int" | "float" | "str" | "bool", v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => castOne(kind, x));
  if (v !== null && typeof v === "object" && !(v instanceof PyFloat) && !(v instanceof Quoted)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, castOne(kind, x)]));
  }
  const isStr = typeof v === "string" || v instanceof Quoted;
  const s = isStr ? pyStr(v) : "";
  switch (kind) {
    case "str":
      return pyStr(v);
    case "int": {
      if (v instanceof PyFloat) {
        if (Number.isNaN(v.v)) throw err("ValueError", "cannot convert float NaN to integer");
        if (!Number.isFinite(v.v)) throw err("OverflowError", "cannot convert float infinity to integer");
        return Math.trunc(v.v);
      }
      if (typeof v === "boolean") return v ? 1 : 0;
      if (typeof v === "number") return v;
      if (isStr && INT_RE.test(s.trim())) return Number(s.trim().replace(/_/g, ""));
      throw err("ValueError", `invalid literal for int() with base 10: '${s}'`);
    }
    case "float": {
      if (v instanceof PyFloat) return v;
      if (typeof v === "number") return new PyFloat(v);
      if (typeof v === "boolean") return new PyFloat(v ? 1 : 0);
      const t = s.trim();
      if (isStr && (INT_RE.test(t) || FLOAT_RE.test(t) || /^[+-]?(infinity)$/i.test(t))) {
        const l = t.replace(/_/g, "").toLowerCase();
        return new PyFloat(
          l.includes("inf") ? (l.startsWith("-") ? -Infinity : Infinity) : l.endsWith("nan") ? NaN : Number(l),
        );
      }
      throw err("ValueError", `could not convert string to float: '${s}'`);
    }
    case "bool": {
      if (typeof v === "boolean") return v;
      if (typeof v === "number") return v !== 0;
      if (v instanceof PyFloat) return v.v !== 0;
      if (isStr && /^(true|false)$/i.test(s)) return s.toLowerCase() === "true";
      throw err("ValueError", `Cannot cast '${s}' to bool`);
    }
  }
}

function cast(kind: "int" | "float" | "str" | "bool", args: unknown[], named: Record<string, unknown>): unknown {
  const values = "value" in named ? [named.value] : args;
  if (values.length === 0) throw err("TypeError", "missing a required argument: 'value'");
  if (values.length > 1) {
    return sweep(
      {
        kind: "choice",
        list: values.map((v) => castOne(kind, v)),
        simpleForm: true,
        tags: [],
        shuffle: false,
      } satisfies ChoiceSweep,
    );
  }
  const v = values[0];
  if (isSweep(v)) {
    if (v.kind === "choice") return sweep({ ...v, list: v.list.map((x) => castOne(kind, x)) });
    if (v.kind === "range") {
      if (kind !== "int" && kind !== "float") throw err("ValueError", "Range can only be cast to int or float");
      const f = kind === "float";
      const c = (x: number) => (f ? x : Math.trunc(x));
      return sweep({ ...v, start: c(v.start), stop: c(v.stop), step: c(v.step), float: f });
    }
    if (v.kind === "interval") {
      if (kind !== "int" && kind !== "float") throw err("ValueError", `Intervals cannot be cast to ${kind}`);
      return sweep({ ...v, int: kind === "int" });
    }
    throw err("ValueError", "glob() cannot be cast");
  }
  return castOne(kind, v);
}

const num = (v: unknown): number | undefined => v instanceof PyFloat ? v.v : typeof v === "number" ? v : undefined;

function compare(a: unknown, b: unknown): number {
  const x = num(a) ?? (typeof a === "boolean" ? Number(a) : undefined);
  const y = num(b) ?? (typeof b === "boolean" ? Number(b) : undefined);
  if (x !== undefined && y !== undefined) return x - y;
  const sa = typeof a === "string" || a instanceof Quoted, sb = typeof b === "string" || b instanceof Quoted;
  if (sa && sb) return pyStr(a) < pyStr(b) ? -1 : pyStr(a) > pyStr(b) ? 1 : 0;
  const type = (v: unknown) =>
    v instanceof PyFloat
      ? "float"
      : typeof v === "number"
      ? "int"
      : v instanceof Quoted
      ? "str"
      : typeof v === "string"
      ? "str"
      : Array.isArray(v)
      ? "list"
      : v === null
      ? "NoneType"
      : typeof v === "boolean"
      ? "bool"
      : "dict";
  throw err("TypeError", `'<' not supported between instances of '${type(a)}' and '${type(b)}'`);
}

/** The values of a range, as Python's range (or Hydra's FloatRange for floats) gives them. */
export function rangeValues(r: RangeSweep): number[] {
  const out: number[] = [];
  if (r.step === 0) throw new RangeError(`Cannot sweep range(${r.start}, ${r.stop}, 0): the step must not be zero`);
  for (let i = 0;; i++) {
    const v = r.start + i * r.step;
    if (r.step > 0 ? v >= r.stop - (r.float ? 1e-12 : 0) : v <= r.stop + (r.float ? 1e-12 : 0)) break;
    out.push(r.float ? Math.round(v * 1e12) / 1e12 : v);
    if (out.length > 100_000) {
      throw new RangeError(`Cannot sweep range(${r.start}, ${r.stop}, ${r.step}): too many values`);
    }
  }
  return out;
}

function sortSweep(s: Sweep, reverse: boolean): Sweep {
  if (s.kind === "choice") {
    const list = [...s.list].sort(compare);
    return sweep({ ...s, list: reverse ? list.reverse() : list });
  }
  if (s.kind === "range") {
    const vals = rangeValues(s);
    if (!vals.length) return s;
    const step = Math.abs(s.step), lo = Math.min(...vals), hi = Math.max(...vals);
    return sweep(
      reverse ? { ...s, start: hi, stop: lo - step, step: -step } : { ...s, start: lo, stop: hi + step, step },
    );
  }
  throw err("TypeError", `${s.kind} cannot be sorted`);
}

function evaluate(name: string, args: unknown[], named: Record<string, unknown>): unknown {
  const allow = (names: string[]) => {
    for (const k of Object.keys(named)) {
      if (!names.includes(k)) throw err("TypeError", `got an unexpected keyword argument '${k}'`);
    }
  };
  switch (name) {
    case "int":
    case "float":
    case "str":
    case "bool":
      allow(["value"]);
      return cast(name, args, named);
    case "choice": {
      allow([]);
      if (!args.length) throw err("ValueError", "empty choice is not legal");
      if (args.some(isSweep)) throw err("ValueError", "nesting sweeps is not supported (choice of a sweep)");
      return sweep({ kind: "choice", list: args, simpleForm: false, tags: [], shuffle: false } satisfies ChoiceSweep);
    }
    case "range": {
      allow(["start", "stop", "step"]);
      const [start, stop, step] = [args[0] ?? named.start, args[1] ?? named.stop, args[2] ?? named.step ?? 1];
      if (args.length > 3) throw err("TypeError", "too many positional arguments");
      if (start === undefined) throw err("TypeError", "missing a required argument: 'start'");
      if (stop === undefined) throw err("TypeError", "missing a required argument: 'stop'");
      for (const [k, v] of [["start", start], ["stop", stop], ["step", step]] as const) {
        if (num(v) === undefined) {
          throw err(
            "TypeError",
            `mismatch type argument ${k}: ${typeof v === "boolean" ? "bool" : "str"} is incompatible with int or float`,
          );
        }
      }
      const float = [start, stop, step].some((v) => v instanceof PyFloat);
      return sweep(
        {
          kind: "range",
          start: num(start)!,
          stop: num(stop)!,
          step: num(step)!,
          float,
          tags: [],
          shuffle: false,
        } satisfies RangeSweep,
      );
    }
    case "interval": {
      allow(["start", "end"]);
      const [start, end] = [args[0] ?? named.start, args[1] ?? named.end];
      if (args.length > 2) throw err("TypeError", "too many positional arguments");
      if (num(start) === undefined || num(end) === undefined) {
        throw err("TypeError", "interval(start, end) needs two numbers");
      }
      return sweep(
        { kind: "interval", start: num(start)!, end: num(end)!, int: false, tags: [] } satisfies IntervalSweep,
      );
    }
    case "tag": {
      allow(["sweep"]);
      const all = [...args];
      const s = "sweep" in named ? named.sweep : all.pop();
      if (!isSweep(s) || s.kind === "glob") {
        throw err("TypeError", "tag() needs a sweep (choice, range or interval) as its last argument");
      }
      const tags = all.map(pyStr);
      return sweep({ ...s, tags: [...new Set([...s.tags, ...tags])].sort() });
    }
    case "sort": {
      allow(["sweep", "list", "reverse"]);
      const reverse = named.reverse === undefined ? false : castOne("bool", named.reverse) as boolean;
      if ("sweep" in named) return sortSweep(named.sweep as Sweep, reverse);
      if ("list" in named) {
        const l = [...(named.list as unknown[])].sort(compare);
        return reverse ? l.reverse() : l;
      }
      if (args.length === 1) {
        const a = args[0];
        if (isSweep(a)) return sortSweep(a, reverse);
        if (Array.isArray(a)) {
          const l = [...a].sort(compare);
          return reverse ? l.reverse() : l;
        }
        return a;
      }
      return sortSweep(
        sweep({ kind: "choice", list: args, simpleForm: true, tags: [], shuffle: false } satisfies ChoiceSweep),
        reverse,
      );
    }
    case "shuffle": {
      allow(["sweep", "list"]);
      const a = "sweep" in named ? named.sweep : "list" in named ? named.list : args.length === 1 ? args[0] : undefined;
      if (a === undefined) {
        return sweep({ kind: "choice", list: args, simpleForm: true, tags: [], shuffle: true } satisfies ChoiceSweep);
      }
      if (Array.isArray(a)) {
        const l = [...a];
        for (let i = l.length - 1; i > 0; i--) {
          const j = Math.floor(Math.random() * (i + 1));
          [l[i], l[j]] = [l[j], l[i]];
        }
        return l;
      }
      if (isSweep(a) && (a.kind === "choice" || a.kind === "range")) return sweep({ ...a, shuffle: true });
      throw err("TypeError", "shuffle() takes a list, choice or range");
    }
    case "glob": {
      allow(["include", "exclude"]);
      const inc = args[0] ?? named.include, exc = args[1] ?? named.exclude ?? [];
      if (inc === undefined) throw err("TypeError", "missing a required argument: 'include'");
      const strs = (v: unknown) => (Array.isArray(v) ? v : [v]).map(pyStr);
      return sweep({ kind: "glob", include: strs(inc), exclude: strs(exc) } satisfies GlobSweep);
    }
  }
  throw err("TypeError", `unknown function ${name}`);
}

function unbox(v: unknown): unknown {
  if (v instanceof PyFloat) return v.v;
  if (v instanceof Quoted) return v.text;
  if (Array.isArray(v)) return v.map(unbox);
  if (isSweep(v)) {
    const s = { ...v } as Sweep;
    if (s.kind === "choice") s.list = s.list.map(unbox);
    if (s.kind === "choice" && s.raw === undefined) delete s.raw;
    return s;
  }
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unbox(x)]));
  return v;
}

/**
 * Parses the text after `=` in an override. `arg` (the whole override) and
 * `offset` (where the value starts in it) only shape error messages.
 *
 * @example
 * ```ts
 * import { parseOverrideValue } from "./override_value.ts";
 * if (parseOverrideValue("10_0").value !== 100) throw new Error("underscores");
 * const s = parseOverrideValue("choice(1, 2)").sweep;
 * if (s?.kind !== "choice" || s.list.join() !== "1,2") throw new Error("choice");
 * ```
 */
export function parseOverrideValue(text: string, arg = text, offset = 0): ParsedValue {
  const p = new Parser(text, arg, offset);
  const { v, rawList } = p.value();
  const out = unbox(v);
  if (isSweep(v)) {
    const s = out as Sweep;
    if (s.kind === "choice" && rawList) s.raw = rawList;
    return { sweep: s };
  }
  return { value: out };
}

const SIMPLE_STRING = /^[A-Za-z_/\-+.$%*@?|0-9][\w/\-+.$%*@?|: ]*$/;

/**
 * Writes a value back in override grammar, so that parsing the text gives
 * the value again (strings that would read as something else are quoted).
 *
 * @example
 * ```ts
 * import { formatOverrideValue } from "./override_value.ts";
 * if (formatOverrideValue(["a", 1, "2"]) !== "[a,1,'2']") throw new Error(formatOverrideValue(["a", 1, "2"]));
 * ```
 */
export function formatOverrideValue(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "nan";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
    return String(v);
  }
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(formatOverrideValue).join(",")}]`;
  if (typeof v === "object") {
    return `{${
      Object.entries(v).map(([k, x]) => `${k.replace(/([\\:,{}[\]() =])/g, "\\$1")}:${formatOverrideValue(x)}`).join(
        ",",
      )
    }}`;
  }
  const s = String(v);
  if (s.trim() === s && SIMPLE_STRING.test(s)) {
    try {
      const back = parseOverrideValue(s);
      if (back.value === s) return s;
    } catch {
      // quote it
    }
  }
  if (/^\$\{[^}]*\}$/.test(s)) return s;
  return `'${s.replace(/(\\*)'/g, (_, b: string) => `${b}${b}\\'`).replace(/(\\+)$/, "$1$1")}'`;
}

/**
 * The names matching a glob's include patterns and none of its exclude ones
 * (`*` any text, `?` one character), in the order given.
 *
 * @example
 * ```ts
 * import { globFilter } from "./override_value.ts";
 * const g = { kind: "glob" as const, include: ["gpt-*"], exclude: ["gpt-mini"] };
 * if (globFilter(g, ["gpt-nano", "gpt-mini", "char-lstm"]).join() !== "gpt-nano") throw new Error("glob");
 * ```
 */
export function globFilter(g: GlobSweep, names: string[]): string[] {
  const re = (p: string) =>
    new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
  const inc = g.include.map(re), exc = g.exclude.map(re);
  return names.filter((n) => inc.some((r) => r.test(n)) && !exc.some((r) => r.test(n)));
}
