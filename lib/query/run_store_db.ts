/**
 * The run store as a database: an in-process DuckDB (`@duckdb/node-api`,
 * native; needs `--allow-ffi`) with views over the NDJSON and JSON files of
 * every run. Every view declares its column types, so DuckDB never guesses;
 * a view over files that do not exist yet is still valid and empty; a
 * malformed or torn line is skipped (`doctor` counts them).
 *
 * @module
 */
import { join } from "node:path";

type Column = [name: string, type: string];

/** A view: where its files are, how to read them, and its columns. */
interface ViewSpec {
  glob: string;
  format: "newline_delimited" | "auto";
  columns: Column[];
  /** Extra select expressions (from the file name). */
  derived?: string;
}

const METRIC: Column[] = [
  ["schema_version", "INTEGER"],
  ["run_id", "VARCHAR"],
  ["step", "BIGINT"],
  ["epoch", "DOUBLE"],
  ["split", "VARCHAR"],
  ["metric", "VARCHAR"],
  ["value", "DOUBLE"],
  ["ts", "TIMESTAMP"],
  ["tokens_seen", "BIGINT"],
];

/** The views and their columns (see docs/telemetry.md for the record layouts). */
export const VIEWS: Record<string, ViewSpec> = {
  runs: {
    glob: "runs/*/run.json",
    format: "auto",
    columns: [
      ["schema_version", "INTEGER"],
      ["run_id", "VARCHAR"],
      ["name", "VARCHAR"],
      ["status", "VARCHAR"],
      ["created_at", "TIMESTAMP"],
      ["ended_at", "TIMESTAMP"],
      ["config_hash", "VARCHAR"],
      ["seed", "BIGINT"],
      ["backend", "VARCHAR"],
      ["versions", "JSON"],
      ["parent", "VARCHAR"],
      ["sweep_id", "VARCHAR"],
      ["error", "VARCHAR"],
    ],
  },
  metrics: { glob: "runs/*/metrics.ndjson", format: "newline_delimited", columns: METRIC },
  system: {
    glob: "runs/*/system.ndjson",
    format: "newline_delimited",
    columns: [
      ["schema_version", "INTEGER"],
      ["run_id", "VARCHAR"],
      ["ts", "TIMESTAMP"],
      ["step", "BIGINT"],
      ["cpu_percent", "DOUBLE"],
      ["rss_bytes", "BIGINT"],
      ["heap_used_bytes", "BIGINT"],
      ["load_avg_1m", "DOUBLE"],
    ],
  },
  events: {
    glob: "runs/*/events.ndjson",
    format: "newline_delimited",
    columns: [
      ["schema_version", "INTEGER"],
      ["run_id", "VARCHAR"],
      ["ts", "TIMESTAMP"],
      ["kind", "VARCHAR"],
      ["step", "BIGINT"],
      ["message", "VARCHAR"],
      ["data", "JSON"],
    ],
  },
  evals: {
    glob: "runs/*/eval/metrics.ndjson",
    format: "newline_delimited",
    columns: [
      ["schema_version", "INTEGER"],
      ["run_id", "VARCHAR"],
      ["dataset", "VARCHAR"],
      ["split", "VARCHAR"],
      ["metric", "VARCHAR"],
      ["value", "DOUBLE"],
      ["n", "BIGINT"],
      ["ci_low", "DOUBLE"],
      ["ci_high", "DOUBLE"],
      ["step", "BIGINT"],
      ["ts", "TIMESTAMP"],
    ],
  },
  samples: {
    glob: "runs/*/samples.ndjson",
    format: "newline_delimited",
    columns: [
      ["schema_version", "INTEGER"],
      ["run_id", "VARCHAR"],
      ["step", "BIGINT"],
      ["prompt", "VARCHAR"],
      ["text", "VARCHAR"],
      ["seed", "BIGINT"],
      ["temperature", "DOUBLE"],
      ["top_k", "BIGINT"],
      ["ts", "TIMESTAMP"],
    ],
  },
  // One row per checkpoint folder, from its state.json; run and name come from the path.
  checkpoints: {
    glob: "runs/*/checkpoints/step-*/state.json",
    format: "auto",
    columns: [
      ["step", "BIGINT"],
      ["epoch", "DOUBLE"],
      ["tokens_seen", "BIGINT"],
      ["val_loss", "DOUBLE"],
      ["best_val_loss", "DOUBLE"],
      ["config_hash", "VARCHAR"],
    ],
    derived: "regexp_extract(filename, 'runs/([^/]+)/checkpoints', 1) AS run_id, " +
      "regexp_extract(filename, 'checkpoints/([^/]+)/state.json', 1) AS name",
  },
  safety_events: {
    glob: "safety/events.ndjson",
    format: "newline_delimited",
    columns: [
      ["schema_version", "INTEGER"],
      ["ts", "TIMESTAMP"],
      ["run_id", "VARCHAR"],
      ["rule_id", "VARCHAR"],
      ["action", "VARCHAR"],
      ["severity", "VARCHAR"],
      ["stage", "VARCHAR"],
      ["hash", "VARCHAR"],
      ["excerpt", "VARCHAR"],
      ["bypassed", "BOOLEAN"],
    ],
  },
  status_findings: {
    glob: "status/findings.ndjson",
    format: "newline_delimited",
    columns: [
      ["schema_version", "INTEGER"],
      ["ts", "TIMESTAMP"],
      ["kind", "VARCHAR"],
      ["severity", "VARCHAR"],
      ["file", "VARCHAR"],
      ["line", "BIGINT"],
      ["message", "VARCHAR"],
    ],
  },
};

function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** Paths under `dir` that match a simple glob of `*` segments. */
export async function matchGlob(dir: string, glob: string): Promise<string[]> {
  let paths = [dir];
  for (const part of glob.split("/")) {
    const next: string[] = [];
    const re = new RegExp(`^${part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`);
    for (const p of paths) {
      if (!part.includes("*")) {
        next.push(join(p, part));
        continue;
      }
      try {
        for await (const e of Deno.readDir(p)) if (re.test(e.name)) next.push(join(p, e.name));
      } catch {
        // not a folder
      }
    }
    paths = next;
  }
  const out: string[] = [];
  for (const p of paths) {
    try {
      if ((await Deno.stat(p)).isFile) out.push(p);
    } catch {
      // missing
    }
  }
  return out.sort();
}

/** The SQL defining view `name` over the store in `dir` (empty when no file matches). */
export async function viewSql(dir: string, name: string): Promise<string> {
  const v = VIEWS[name]!;
  const cols = v.columns.map(([c, t]) => `${c}: '${t}'`).join(", ");
  const files = await matchGlob(dir, v.glob);
  if (files.length === 0) {
    const derived = v.derived ? ", NULL::VARCHAR AS run_id, NULL::VARCHAR AS name" : "";
    return `CREATE OR REPLACE VIEW ${name} AS SELECT ${
      v.columns.map(([c, t]) => `NULL::${t} AS ${c}`).join(", ")
    }${derived} WHERE false`;
  }
  const source = `read_json(${sqlString(join(dir, v.glob))}, format = '${v.format}', columns = {${cols}}, ` +
    `ignore_errors = true${v.derived ? ", filename = true" : ""})`;
  const select = v.derived ? `${v.columns.map(([c]) => c).join(", ")}, ${v.derived}` : "*";
  return `CREATE OR REPLACE VIEW ${name} AS SELECT ${select} FROM ${source}`;
}
