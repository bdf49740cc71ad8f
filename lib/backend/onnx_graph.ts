/**
 * A small builder for ONNX graphs and their protobuf encoding (ModelProto),
 * enough for the graphs codex writes by hand: typed inputs and outputs,
 * initializers, nodes with int, float, string and tensor attributes, and
 * opset imports for the default and `com.microsoft` domains.
 *
 * The encoder writes the protobuf wire format directly (field numbers from
 * `onnx.proto`); nothing here parses ONNX.
 *
 * @module
 */

/** Element types of ONNX tensors that codex uses (TensorProto.DataType). */
export const OnnxType = { float: 1, int32: 6, int64: 7, bool: 9 } as const;
/** An element type name. */
export type OnnxTypeName = keyof typeof OnnxType;

/** A float attribute (a plain number is an int). */
export class FloatAttr {
  constructor(readonly value: number) {}
}
/** Marks a number as a float attribute: `{ alpha: f(0.5) }`. */
export function f(value: number): FloatAttr {
  return new FloatAttr(value);
}
/** A constant tensor. */
export interface ConstTensor {
  type: OnnxTypeName;
  dims: number[];
  data: ArrayLike<number> | ArrayLike<bigint>;
}
/** What a node attribute may be. */
export type AttrValue = number | FloatAttr | string | number[] | FloatAttr[] | ConstTensor;

/** One dimension: a size or a symbolic name. */
export type Dim = number | string;

class Writer {
  #parts: Uint8Array[] = [];
  #small: number[] = [];
  #flush(): void {
    if (this.#small.length) this.#parts.push(Uint8Array.from(this.#small));
    this.#small = [];
  }
  varint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.#small.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.#small.push(Number(x));
  }
  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }
  int(field: number, v: number | bigint): void {
    this.tag(field, 0);
    this.varint(v);
  }
  bytes(field: number, b: Uint8Array): void {
    this.tag(field, 2);
    this.varint(b.length);
    this.#flush();
    this.#parts.push(b);
  }
  string(field: number, s: string): void {
    this.bytes(field, new TextEncoder().encode(s));
  }
  message(field: number, build: (w: Writer) => void): void {
    const inner = new Writer();
    build(inner);
    this.bytes(field, inner.finish());
  }
  float(field: number, v: number): void {
    this.tag(field, 5);
    this.#small.push(...new Uint8Array(new Float32Array([v]).buffer));
  }
  finish(): Uint8Array {
    this.#flush();
    const out = new Uint8Array(this.#parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of this.#parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

function rawBytes(t: ConstTensor): Uint8Array {
  const n = t.data.length;
  if (t.type === "float") return new Uint8Array(Float32Array.from(t.data as ArrayLike<number>).buffer);
  if (t.type === "int32") return new Uint8Array(Int32Array.from(t.data as ArrayLike<number>).buffer);
  if (t.type === "bool") return Uint8Array.from(t.data as ArrayLike<number>, (v) => (v ? 1 : 0));
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) out[i] = BigInt(t.data[i] as number | bigint);
  return new Uint8Array(out.buffer);
}

function writeTensor(w: Writer, t: ConstTensor, name?: string): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, OnnxType[t.type]);
  if (name) w.string(8, name);
  w.bytes(9, rawBytes(t));
}

function writeAttr(w: Writer, name: string, v: AttrValue): void {
  w.string(1, name);
  if (v instanceof FloatAttr) {
    w.float(2, v.value);
    w.int(20, 1);
  } else if (typeof v === "number") {
    if (!Number.isInteger(v)) throw new TypeError(`Cannot encode attribute ${name}: ${v} is not an int (use f())`);
    w.int(3, v);
    w.int(20, 2);
  } else if (typeof v === "string") {
    w.string(4, v);
    w.int(20, 3);
  } else if (Array.isArray(v)) {
    if (v.length > 0 && v[0] instanceof FloatAttr) {
      for (const x of v as FloatAttr[]) w.float(7, x.value);
      w.int(20, 6);
    } else {
      for (const x of v as number[]) w.int(8, x);
      w.int(20, 7);
    }
  } else {
    w.message(5, (t) => writeTensor(t, v));
    w.int(20, 4);
  }
}

interface NodeDef {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
  domain: string;
}
interface ValueDef {
  name: string;
  type: OnnxTypeName;
  dims: Dim[];
}

/**
 * Builds an ONNX graph node by node; {@linkcode OnnxGraph.encode} writes the
 * ModelProto bytes an ONNX Runtime session loads.
 *
 * @example
 * ```ts
 * import { OnnxGraph } from "./onnx_graph.ts";
 * const g = new OnnxGraph("double");
 * const x = g.input("x", "float", ["n"]);
 * g.output(g.op("Add", [x, x]), "y", "float", ["n"]);
 * if (g.encode().length < 20) throw new Error("too short");
 * ```
 */
export class OnnxGraph {
  readonly name: string;
  #nodes: NodeDef[] = [];
  #inputs: ValueDef[] = [];
  #outputs: ValueDef[] = [];
  #inits: { name: string; t: ConstTensor }[] = [];
  #consts = new Map<string, string>();
  #count = 0;

  constructor(name: string) {
    this.name = name;
  }

  /** Declares a graph input and returns its name. */
  input(name: string, type: OnnxTypeName, dims: Dim[]): string {
    this.#inputs.push({ name, type, dims });
    return name;
  }

  /** Makes `value` a graph output called `name` (an Identity when the names differ). */
  output(value: string, name: string, type: OnnxTypeName, dims: Dim[]): void {
    if (value !== name) this.#nodes.push({ op: "Identity", inputs: [value], outputs: [name], attrs: {}, domain: "" });
    this.#outputs.push({ name, type, dims });
  }

  /** A constant (stored as an initializer, shared between equal constants). */
  constant(t: ConstTensor): string {
    const key = `${t.type}|${t.dims.join(",")}|${Array.from(t.data as ArrayLike<number>).join(",")}`;
    const small = t.data.length <= 64;
    const known = small ? this.#consts.get(key) : undefined;
    if (known) return known;
    const name = `const_${this.#count++}`;
    this.#inits.push({ name, t });
    if (small) this.#consts.set(key, name);
    return name;
  }

  /**
   * A named initializer: a tensor stored in the model under `name` (such as
   * a weight embedded in an exported model), never shared with other
   * constants. Returns `name`.
   */
  initializer(name: string, t: ConstTensor): string {
    this.#inits.push({ name, t });
    return name;
  }

  /** A float scalar constant. */
  scalar(v: number): string {
    return this.constant({ type: "float", dims: [], data: [v] });
  }

  /** An int64 vector constant (shapes, axes). */
  ints(v: number[]): string {
    return this.constant({ type: "int64", dims: [v.length], data: v });
  }

  /** Adds a node with one output and returns the output's name. */
  op(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, domain = ""): string {
    return this.opN(op, inputs, 1, attrs, domain)[0]!;
  }

  /** Adds a node with `n` outputs and returns their names. */
  opN(op: string, inputs: string[], n: number, attrs: Record<string, AttrValue> = {}, domain = ""): string[] {
    const outputs = Array.from({ length: n }, (_, i) => `${op.toLowerCase()}_${this.#count}_${i}`);
    this.#count++;
    this.#nodes.push({ op, inputs, outputs, attrs, domain });
    return outputs;
  }

  /** Number of nodes so far. */
  get nodeCount(): number {
    return this.#nodes.length;
  }

  /** The ModelProto bytes (IR version 8, opset 17 and com.microsoft 1). */
  encode(): Uint8Array {
    const w = new Writer();
    w.int(1, 8); // ir_version
    w.string(2, "codex");
    w.message(8, (o) => {
      o.string(1, "");
      o.int(2, 17);
    });
    w.message(8, (o) => {
      o.string(1, "com.microsoft");
      o.int(2, 1);
    });
    w.message(7, (g) => this.#writeGraph(g));
    return w.finish();
  }

  #writeGraph(g: Writer): void {
    for (const n of this.#nodes) {
      g.message(1, (m) => {
        for (const i of n.inputs) m.string(1, i);
        for (const o of n.outputs) m.string(2, o);
        m.string(3, n.outputs[0]!); // the node's name, so errors say which node failed
        m.string(4, n.op);
        for (const [k, v] of Object.entries(n.attrs)) m.message(5, (a) => writeAttr(a, k, v));
        if (n.domain) m.string(7, n.domain);
      });
    }
    g.string(2, this.name);
    for (const { name, t } of this.#inits) g.message(5, (m) => writeTensor(m, t, name));
    const valueInfo = (field: number, v: ValueDef) =>
      g.message(field, (m) => {
        m.string(1, v.name);
        m.message(2, (tp) =>
          tp.message(1, (tt) => {
            tt.int(1, OnnxType[v.type]);
            tt.message(2, (sh) => {
              for (const d of v.dims) sh.message(1, (dm) => (typeof d === "number" ? dm.int(1, d) : dm.string(2, d)));
            });
          }));
      });
    for (const v of this.#inputs) valueInfo(11, v);
    for (const v of this.#outputs) valueInfo(12, v);
  }
}
