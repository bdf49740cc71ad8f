/**
 * `deno task sql "<SQL>"`: queries the run store with DuckDB and prints an
 * aligned table (or CSV, JSON, NDJSON; Parquet to a file). With no query, an
 * interactive prompt with history.
 *
 * @module
 */
import { join } from "node:path";
import process from "node:process";
import { createInterface } from "node:readline";
import {
  formatRows,
  openRunStore,
  parseTaskArgs,
  type RowFormat,
  RUN_STORE_VIEWS,
  type RunStore,
  runTask,
} from "../mod.ts";

const FORMATS = ["table", "csv", "json", "ndjson", "parquet"] as const;
type Format = (typeof FORMATS)[number];

const VIEW_LIST = Object.entries(RUN_STORE_VIEWS)
  .map(([name, v]) => `  ${name.padEnd(16)} ${v.columns.map(([c]) => c).join(", ")}`)
  .join("\n");

const HELP = `Usage: deno task sql [--store DIR] [--format table|csv|json|ndjson|parquet] [--out FILE] ["<SQL>"]

Runs SQL against the run store in DIR (default artifacts/) through DuckDB. Views, with fixed column types:
${VIEW_LIST}
Lines that are not JSON, torn, or miss a required field are skipped (deno task runs doctor counts them).

--format    table (default: aligned, wide cells cut, row count and time), csv, json, ndjson,
            or parquet (needs --out)
--out FILE  write the result to FILE instead of the terminal

With no SQL it opens a prompt: a statement ends with ";"; .tables lists the views, .help, .quit.
Arrow keys recall earlier statements; history is kept in DIR/.sql_history.

Examples:
  deno task sql "SELECT run_id, name, status FROM runs ORDER BY created_at DESC LIMIT 5"
  deno task sql --format csv --out val.csv "SELECT run_id, step, value FROM metrics WHERE split = 'val'"
  deno task sql --format parquet --out metrics.parquet "SELECT * FROM metrics"`;

const HISTORY_SIZE = 1000;

async function runOne(store: RunStore, sql: string, format: Format, out: string | undefined): Promise<string> {
  const t0 = performance.now();
  if (format === "parquet") {
    if (!out) throw new SyntaxError("Cannot export: --format parquet needs --out FILE");
    const statement = sql.trim().replace(/;\s*$/, "");
    const [copied] = await store.query(`COPY (${statement}) TO '${out.replaceAll("'", "''")}' (FORMAT parquet)`);
    return `Wrote ${copied?.Count ?? 0} rows to ${out} (${(performance.now() - t0).toFixed(0)} ms)`;
  }
  const rows = await store.query(sql);
  const ms = performance.now() - t0;
  let text = formatRows(rows, format as RowFormat);
  if (format === "table") text += `(${rows.length} row${rows.length === 1 ? "" : "s"}, ${ms.toFixed(0)} ms)\n`;
  if (out) {
    await Deno.writeTextFile(out, text);
    return `Wrote ${rows.length} rows to ${out}`;
  }
  return text.trimEnd();
}

async function readHistory(path: string): Promise<string[]> {
  try {
    return (await Deno.readTextFile(path)).split("\n").filter((l) => l.trim()).slice(-HISTORY_SIZE).reverse();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
}

async function prompt(store: RunStore, format: Format): Promise<number> {
  const historyPath = join(store.dir, ".sql_history");
  const terminal = Deno.stdin.isTerminal();
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal,
    history: await readHistory(historyPath),
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
  });
  let buffer = "";
  let historyWarned = false;
  const ask = () => {
    if (!terminal) return;
    rl.setPrompt(buffer ? "...> " : "sql> ");
    rl.prompt();
  };
  rl.on("SIGINT", () => {
    // Ctrl-C drops the statement being typed; on an empty one, it leaves.
    if (!buffer) return rl.close();
    buffer = "";
    process.stdout.write("\n");
    ask();
  });
  const run = async (sql: string) => {
    try {
      await Deno.mkdir(store.dir, { recursive: true });
      // One line per statement, ending with ";" so that recalling it runs it.
      const line = sql.trim().replaceAll("\n", " ");
      await Deno.writeTextFile(historyPath, `${line}${line.endsWith(";") ? "" : ";"}\n`, { append: true });
    } catch (err) {
      if (!historyWarned) console.error(`warning: history not saved (${(err as Error).message})`);
      historyWarned = true;
    }
    try {
      console.log(await runOne(store, sql, format, undefined));
    } catch (err) {
      // DuckDB's whole message: it points at the position of the problem.
      console.error(`error: ${(err as Error).message}`);
    }
  };
  if (terminal) console.log(`codex sql on ${store.dir}: end statements with ";", .tables, .help, .quit`);
  ask();
  for await (const line of rl) {
    const t = line.trim();
    if (!buffer && (t === ".quit" || t === ".exit")) break;
    if (!buffer && t === ".tables") console.log(VIEW_LIST);
    else if (!buffer && t === ".help") console.log(HELP);
    else if (t) {
      buffer += (buffer ? "\n" : "") + line;
      if (t.endsWith(";")) {
        const sql = buffer;
        buffer = "";
        await run(sql);
      }
    }
    ask();
  }
  rl.close();
  // Piped input may end without a final ";".
  if (buffer.trim()) await run(buffer);
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
  const format = String(args.flags.format ?? "table") as Format;
  if (!FORMATS.includes(format)) {
    throw new RangeError(`Cannot run query: --format must be table, csv, json, ndjson or parquet (got "${format}")`);
  }
  const store = await openRunStore(String(args.flags.store ?? "artifacts"));
  try {
    // A query with "=" in it parses as an override: put the pieces back together.
    const sql = Deno.args.filter((a) => [...args.positionals, ...args.overrides].includes(a)).join(" ").trim();
    if (!sql) return await prompt(store, format);
    try {
      console.log(await runOne(store, sql, format, args.flags.out as string | undefined));
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
