/**
 * `deno task sql "<SQL>"`: queries the run store with DuckDB and prints a
 * table (or CSV, JSON, NDJSON; Parquet to a file). With no query, an
 * interactive prompt with history.
 *
 * @module
 */
import { join } from "node:path";
import {
  formatCell as cell,
  formatTable,
  openRunStore,
  parseTaskArgs,
  type Row,
  type RunStore,
  runTask,
  VIEWS,
} from "../mod.ts";

const HELP = `Usage: deno task sql [--store DIR] [--format table|csv|json|ndjson|parquet] [--out FILE] ["<SQL>"]

Runs SQL against the run store (default artifacts/) through DuckDB. Views, with fixed column types:
${Object.entries(VIEWS).map(([n, v]) => `  ${n.padEnd(16)} ${v.columns.map(([c]) => c).join(", ")}`).join("\n")}
(checkpoints also has run_id and name). Malformed or torn lines are skipped.

With no SQL it opens a prompt: end a statement with ";", ".tables" lists the views, ".quit" leaves;
history is kept in DIR/.sql_history.

Examples:
  deno task sql "SELECT run_id, name, status FROM runs ORDER BY created_at DESC LIMIT 5"
  deno task sql --format csv --out val.csv "SELECT run_id, step, value FROM metrics WHERE split = 'val'"
  deno task sql --format parquet --out metrics.parquet "SELECT * FROM metrics"`;

function csv(rows: Row[]): string {
  if (rows.length === 0) return "";
  const cols = Object.keys(rows[0]!);
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  return [cols.join(","), ...rows.map((r) => cols.map((c) => q(cell(r[c]))).join(","))].join("\n") + "\n";
}

const json = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x));

async function run(store: RunStore, sql: string, format: string, out: string | undefined): Promise<string> {
  const t0 = performance.now();
  if (format === "parquet") {
    if (!out) throw new SyntaxError("Cannot export: --format parquet needs --out FILE");
    await store.query(`COPY (${sql.replace(/;\s*$/, "")}) TO '${out.replaceAll("'", "''")}' (FORMAT parquet)`);
    return `wrote ${out}`;
  }
  const rows = await store.query(sql);
  const ms = performance.now() - t0;
  const text = format === "csv"
    ? csv(rows)
    : format === "json"
    ? json(rows) + "\n"
    : format === "ndjson"
    ? rows.map(json).join("\n") + (rows.length ? "\n" : "")
    : `${formatTable(rows)}\n(${rows.length} row${rows.length === 1 ? "" : "s"}, ${ms.toFixed(0)} ms)\n`;
  if (out) {
    await Deno.writeTextFile(out, text);
    return `wrote ${rows.length} rows to ${out}`;
  }
  return text.trimEnd();
}

async function prompt(store: RunStore, format: string): Promise<number> {
  const historyPath = join(store.dir, ".sql_history");
  const enc = new TextEncoder();
  const interactive = Deno.stdin.isTerminal();
  const ask = (p: string) => interactive && Deno.stdout.writeSync(enc.encode(p));
  ask("codex sql: end statements with ';', .tables, .quit\nsql> ");
  let buffer = "";
  for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    for (const line of chunk.split("\n")) {
      const t = line.trim();
      if (!buffer && (t === ".quit" || t === ".exit")) return 0;
      if (!buffer && t === ".tables") {
        console.log(Object.keys(VIEWS).join("\n"));
        continue;
      }
      buffer += line + "\n";
      if (t.endsWith(";")) {
        const sql = buffer.trim();
        buffer = "";
        await Deno.writeTextFile(historyPath, sql.replaceAll("\n", " ") + "\n", { append: true }).catch(() => {});
        try {
          console.log(await run(store, sql, format, undefined));
        } catch (err) {
          console.error(`error: ${(err as Error).message}`);
        }
      }
    }
    ask(buffer ? "...> " : "sql> ");
  }
  return 0;
}

async function main(): Promise<number> {
  const args = parseTaskArgs(Deno.args, {
    help: { type: "boolean", short: "h" },
    store: { type: "string" },
    format: { type: "string" },
    out: { type: "string" },
  }, { allowPositionals: true });
  if (args.flags.help) {
    console.log(HELP);
    return 0;
  }
  const format = String(args.flags.format ?? "table");
  if (!["table", "csv", "json", "ndjson", "parquet"].includes(format)) {
    throw new RangeError(`Cannot run query: --format must be table, csv, json, ndjson or parquet (got "${format}")`);
  }
  const store = await openRunStore(String(args.flags.store ?? "artifacts"));
  try {
    const sql = [...args.positionals, ...args.overrides].join(" ").trim();
    if (!sql) return await prompt(store, format);
    try {
      console.log(await run(store, sql, format, args.flags.out as string | undefined));
    } catch (err) {
      // DuckDB's whole message: it points at the position of the problem.
      console.error(`error: ${(err as Error).message}`);
      return 1;
    }
    return 0;
  } finally {
    store.close();
  }
}

await runTask(main);
