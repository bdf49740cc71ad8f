/**
 * TensorBoard event files: TFRecord framing around `Event` protobufs, as
 * TensorFlow's `tf.summary` and PyTorch's `SummaryWriter` write them, so
 * `tensorboard --logdir artifacts/runs` reads a codex run.
 *
 * A file is a sequence of records, each
 * `uint64 length | uint32 masked CRC-32C of length | data | uint32 masked CRC-32C of data`
 * (little-endian), where `data` is one `tensorflow.Event`. The first event
 * holds `file_version: "brain.Event:2"`; the others hold a `Summary` with
 * one value: a scalar (`simple_value`, a float32) or a text (a string
 * tensor with plugin `text`, which TensorBoard renders as Markdown).
 *
 * The messages are encoded with `@bufbuild/protobuf`'s `BinaryWriter` and
 * the field numbers of TensorFlow's `event.proto`, `summary.proto`,
 * `tensor.proto` and `tensor_shape.proto` (listed in `FIELD` below): five
 * small messages, for which hand-written descriptors and the reflection API
 * would be more code than the encoding itself.
 *
 * @module
 */
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { join } from "node:path";
import { maskedCrc32c } from "./crc32c.ts";
import type { EvalRecord, MetricRecord, SampleRecord, SystemRecord } from "./records.ts";

/** Field numbers of the TensorFlow messages written here. */
export const FIELD = {
  /** `tensorflow.Event` (event.proto). */
  event: { wall_time: 1, step: 2, file_version: 3, summary: 5 },
  /** `tensorflow.Summary` (summary.proto). */
  summary: { value: 1 },
  /** `tensorflow.Summary.Value`. */
  value: { tag: 1, simple_value: 2, tensor: 8, metadata: 9 },
  /** `tensorflow.SummaryMetadata`. */
  metadata: { plugin_data: 1 },
  /** `tensorflow.SummaryMetadata.PluginData`. */
  pluginData: { plugin_name: 1, content: 2 },
  /** `tensorflow.TensorProto` (tensor.proto); `tensor_shape` left empty is a scalar. */
  tensor: { dtype: 1, tensor_shape: 2, string_val: 8 },
} as const;

/** `tensorflow.DataType.DT_STRING`. */
export const DT_STRING = 7;

/** The `file_version` of the first event of every file. */
export const FILE_VERSION = "brain.Event:2";

/** Scalars of a system record written as `system/<field>`. */
const SYSTEM_FIELDS = [
  "cpu_percent",
  "rss_bytes",
  "heap_used_bytes",
  "load_avg_1m",
  "gpu_util_percent",
  "gpu_mem_used_bytes",
] as const;

const LEN = WireType.LengthDelimited;

function _event(wallTime: number, step: number, body: (w: BinaryWriter) => void): Uint8Array {
  const w = new BinaryWriter();
  w.tag(FIELD.event.wall_time, WireType.Bit64).double(wallTime);
  if (step !== 0) w.tag(FIELD.event.step, WireType.Varint).int64(step);
  body(w);
  return w.finish();
}

function _summaryValue(w: BinaryWriter, tag: string, value: (w: BinaryWriter) => void): void {
  w.tag(FIELD.event.summary, LEN).fork(); // Summary
  w.tag(FIELD.summary.value, LEN).fork(); // Summary.Value
  w.tag(FIELD.value.tag, LEN).string(tag);
  value(w);
  w.join().join();
}

/**
 * Frames one record as TFRecord: length, masked CRC of the length, data,
 * masked CRC of the data.
 *
 * @example
 * ```ts
 * import { frameTfRecord } from "./tensorboard_writer.ts";
 * const framed = frameTfRecord(new Uint8Array([1, 2, 3]));
 * if (framed.length !== 8 + 4 + 3 + 4 || framed[0] !== 3) throw new Error("bad frame");
 * ```
 */
export function frameTfRecord(data: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(16 + data.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** The `file_version` event that opens a file, framed. */
export function fileVersionRecord(wallTime: number): Uint8Array<ArrayBuffer> {
  return frameTfRecord(_event(wallTime, 0, (w) => w.tag(FIELD.event.file_version, LEN).string(FILE_VERSION)));
}

/**
 * A scalar summary event (`simple_value`, stored as a float32), framed.
 *
 * @example
 * ```ts
 * import { scalarRecord } from "./tensorboard_writer.ts";
 * const r = scalarRecord("train/loss", 2.5, 10, 1_700_000_000);
 * if (r.length < 16) throw new Error("too short");
 * ```
 */
export function scalarRecord(tag: string, value: number, step: number, wallTime: number): Uint8Array<ArrayBuffer> {
  return frameTfRecord(_event(wallTime, step, (w) =>
    _summaryValue(w, tag, (v) => {
      v.tag(FIELD.value.simple_value, WireType.Bit32).float(value);
    })));
}

/**
 * A text summary event as TensorBoard's text plugin reads it: a scalar
 * `DT_STRING` tensor with `plugin_data { plugin_name: "text" }`, framed.
 * TensorBoard renders the text as Markdown.
 */
export function textRecord(tag: string, text: string, step: number, wallTime: number): Uint8Array<ArrayBuffer> {
  return frameTfRecord(_event(wallTime, step, (w) =>
    _summaryValue(w, tag, (v) => {
      v.tag(FIELD.value.metadata, LEN).fork(); // SummaryMetadata
      v.tag(FIELD.metadata.plugin_data, LEN).fork(); // PluginData (content: TextPluginData v0, empty)
      v.tag(FIELD.pluginData.plugin_name, LEN).string("text");
      v.join().join();
      v.tag(FIELD.value.tensor, LEN).fork(); // TensorProto
      v.tag(FIELD.tensor.dtype, WireType.Varint).int32(DT_STRING);
      v.tag(FIELD.tensor.tensor_shape, LEN).fork().join(); // no dims: a scalar
      v.tag(FIELD.tensor.string_val, LEN).bytes(new TextEncoder().encode(text));
      v.join();
    })));
}

/** Text as a Markdown code block (every line indented four spaces), so TensorBoard keeps it verbatim. */
export function markdownCode(text: string): string {
  return text.split("\n").map((l) => "    " + l).join("\n");
}

/** Seconds since the epoch of an ISO 8601 timestamp (`ts` of a record). */
export function wallTimeOf(ts: string): number {
  const ms = Date.parse(ts);
  return Number.isFinite(ms) ? ms / 1000 : Date.now() / 1000;
}

/** A sample as the Markdown of its text summary: its settings, then the text verbatim. */
export function sampleMarkdown(r: Pick<SampleRecord, "prompt" | "text" | "seed" | "temperature" | "top_k">): string {
  return `prompt \`${JSON.stringify(r.prompt)}\`, seed ${r.seed}, temperature ${r.temperature}, top_k ${r.top_k}\n\n` +
    markdownCode(r.text);
}

/**
 * The framed events of codex records: metrics as `<split>/<metric>`, system
 * samples as `system/<field>` (absent GPU fields left out), a sample as text
 * `samples`, evaluation results as `eval/<dataset>/<split>/<metric>`, and the
 * config as text `config` at step 0. A null value (a NaN in NDJSON) is NaN.
 */
export const tensorboardRecords = {
  metric: (r: MetricRecord): Uint8Array<ArrayBuffer>[] => [
    scalarRecord(`${r.split}/${r.metric}`, r.value ?? NaN, r.step, wallTimeOf(r.ts)),
  ],
  system: (r: SystemRecord): Uint8Array<ArrayBuffer>[] =>
    SYSTEM_FIELDS.flatMap((k) => {
      const v = r[k];
      return typeof v === "number" ? [scalarRecord(`system/${k}`, v, r.step, wallTimeOf(r.ts))] : [];
    }),
  sample: (r: SampleRecord): Uint8Array<ArrayBuffer>[] => [
    textRecord("samples", sampleMarkdown(r), r.step, wallTimeOf(r.ts)),
  ],
  eval: (r: EvalRecord): Uint8Array<ArrayBuffer>[] => [
    scalarRecord(`eval/${r.dataset}/${r.split}/${r.metric}`, r.value ?? NaN, r.step, wallTimeOf(r.ts)),
  ],
  config: (yaml: string, wallTime: number): Uint8Array<ArrayBuffer>[] => [
    textRecord("config", markdownCode(yaml.trimEnd()), 0, wallTime),
  ],
};

/** This machine's name for event file names (`localhost` without `--allow-sys=hostname`). */
export function eventFileHost(): string {
  try {
    return Deno.hostname().replace(/[^\w.-]/g, "_") || "localhost";
  } catch {
    return "localhost";
  }
}

/**
 * The name TensorFlow gives an event file: `events.out.tfevents.<seconds>.<host>`.
 *
 * @example
 * ```ts
 * import { eventFileName } from "./tensorboard_writer.ts";
 * if (eventFileName(1700000000.9, "box") !== "events.out.tfevents.1700000000.box") throw new Error("bad name");
 * ```
 */
export function eventFileName(wallTime: number, host: string = eventFileHost()): string {
  return `events.out.tfevents.${Math.floor(wallTime)}.${host}`;
}

/** Options of a {@linkcode TensorboardWriter}. */
export interface TensorboardWriterOptions {
  /** Time of the `file_version` event, in seconds since the epoch (default: now). */
  wallTime?: number;
  /** Write when this many bytes are buffered (default 64 KiB). */
  maxBufferBytes?: number;
  /** Write when this long has passed since the last write, in ms (default 1000). */
  maxDelayMs?: number;
}

/**
 * Appends events to a TensorBoard event file. Events are encoded and framed
 * whole into a buffer, and the buffer is written in one call when it passes
 * 64 KiB or a second has passed since the last write, and on `flush()` (at
 * every checkpoint) and `close()`, like the NDJSON writers. A new (empty)
 * file starts with the `file_version` event; an existing one is continued.
 * If a write fails, the file is cut back to its last whole record before
 * the error is thrown, so the writer never leaves a partial record behind.
 *
 * @example
 * ```ts
 * import { TensorboardWriter } from "./tensorboard_writer.ts";
 * const dir = await Deno.makeTempDir();
 * const w = TensorboardWriter.create(`${dir}/tb`, { wallTime: 1_700_000_000 });
 * w.scalar("train/loss", 2.5, 1, 1_700_000_001);
 * w.text("config", "    seed: 1", 0, 1_700_000_000);
 * w.close();
 * const bytes = await Deno.readFile(w.path);
 * await Deno.remove(dir, { recursive: true });
 * if (!w.path.includes("/tb/events.out.tfevents.1700000000.")) throw new Error(w.path);
 * if (bytes.length === 0) throw new Error("nothing written");
 * ```
 */
export class TensorboardWriter {
  readonly path: string;
  #file: Deno.FsFile | null;
  #chunks: Uint8Array[] = [];
  #bytes = 0;
  #size: number;
  #lastFlush = performance.now();
  #maxBytes: number;
  #maxMs: number;

  /** Opens (or creates) the event file at `path` for appending. */
  constructor(path: string, options: TensorboardWriterOptions = {}) {
    this.path = path;
    this.#maxBytes = options.maxBufferBytes ?? 64 * 1024;
    this.#maxMs = options.maxDelayMs ?? 1000;
    this.#file = Deno.openSync(path, { append: true, create: true });
    this.#size = this.#file.statSync().size;
    if (this.#size === 0) {
      this.#chunks.push(fileVersionRecord(options.wallTime ?? Date.now() / 1000));
      this.flush();
    }
  }

  /** Creates `dir` if needed and a new event file in it named after `wallTime` and this host. */
  static create(dir: string, options: TensorboardWriterOptions = {}): TensorboardWriter {
    Deno.mkdirSync(dir, { recursive: true });
    const wallTime = options.wallTime ?? Date.now() / 1000;
    return new TensorboardWriter(join(dir, eventFileName(wallTime)), { ...options, wallTime });
  }

  /** Buffers framed records (flushing when the buffer is full or old). */
  write(records: Uint8Array[]): void {
    if (!this.#file) throw new Error(`Cannot write ${this.path}: the writer is closed`);
    for (const r of records) {
      this.#chunks.push(r);
      this.#bytes += r.length;
    }
    if (this.#bytes >= this.#maxBytes || performance.now() - this.#lastFlush >= this.#maxMs) this.flush();
  }

  /** Buffers a scalar (time in seconds since the epoch, default now). */
  scalar(tag: string, value: number, step: number, wallTime: number = Date.now() / 1000): void {
    this.write([scalarRecord(tag, value, step, wallTime)]);
  }

  /** Buffers a text (Markdown). */
  text(tag: string, text: string, step: number, wallTime: number = Date.now() / 1000): void {
    this.write([textRecord(tag, text, step, wallTime)]);
  }

  /** Writes every buffered record to the file. */
  flush(): void {
    this.#lastFlush = performance.now();
    if (!this.#file || this.#chunks.length === 0) return;
    const bytes = new Uint8Array(this.#chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of this.#chunks) {
      bytes.set(c, at);
      at += c.length;
    }
    this.#chunks = [];
    this.#bytes = 0;
    try {
      let off = 0;
      while (off < bytes.length) off += this.#file.writeSync(bytes.subarray(off));
    } catch (err) {
      try {
        this.#file.truncateSync(this.#size);
      } catch {
        // the file cannot be cut back either: the reader skips a torn last record
      }
      throw err;
    }
    this.#size += bytes.length;
  }

  /** Flushes and closes the file. */
  close(): void {
    if (!this.#file) return;
    try {
      this.flush();
    } finally {
      this.#file.close();
      this.#file = null;
    }
  }
}
