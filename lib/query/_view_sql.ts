// The SQL behind the views: where each view's files are, how DuckDB reads
// them, and which rows are skipped. Private to lib/query.
import { join } from "node:path";
import { RUN_STORE_VIEWS, type RunStoreViewName } from "./run_store_views.ts";

type _Columns = readonly (readonly [name: string, type: string, notNull?: true])[];

/** A set of files read the same way: NDJSON (a row per line) or JSON (a row per file). */
export interface Source {
  view: RunStoreViewName;
  glob: string;
  format: "ndjson" | "json";
  columns: _Columns;
}

const _simple = (view: Exclude<RunStoreViewName, "runs" | "checkpoints">): Source => ({
  view,
  glob: RUN_STORE_VIEWS[view].source,
  format: "ndjson",
  columns: RUN_STORE_VIEWS[view].columns,
});

/** Every source, by a short name. */
export const SOURCES: Record<string, Source> = {
  runs: { view: "runs", glob: "runs/*/run.json", format: "json", columns: RUN_STORE_VIEWS.runs.columns },
  metrics: _simple("metrics"),
  system: _simple("system"),
  events: _simple("events"),
  evals: _simple("evals"),
  samples: _simple("samples"),
  ckpt_state: {
    view: "checkpoints",
    glob: "runs/*/checkpoints/step-*/state.json",
    format: "json",
    columns: [
      ["step", "BIGINT", true],
      ["epoch", "DOUBLE"],
      ["tokens_seen", "BIGINT"],
      ["val_loss", "DOUBLE"],
      ["best_val_loss", "DOUBLE"],
      ["config_hash", "VARCHAR"],
    ],
  },
  ckpt_checksums: {
    view: "checkpoints",
    glob: "runs/*/checkpoints/step-*/checksums.json",
    format: "json",
    columns: [["files", "MAP(VARCHAR, STRUCT(sha256 VARCHAR, size BIGINT))", true]],
  },
  ckpt_latest: {
    view: "checkpoints",
    glob: "runs/*/checkpoints/latest.json",
    format: "json",
    columns: [["name", "VARCHAR", true]],
  },
  ckpt_best: {
    view: "checkpoints",
    glob: "runs/*/checkpoints/best.json",
    format: "json",
    columns: [["name", "VARCHAR", true]],
  },
  safety_events: _simple("safety_events"),
  status_findings: _simple("status_findings"),
};

/** A SQL string literal. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** The path glob of a source under `dir`, as DuckDB reads it. */
export function sourcePath(dir: string, source: Source): string {
  return join(dir, source.glob);
}

/** SQL for a list of paths, for `read_json`, `read_text` and `read_parquet`. */
function _sqlList(paths: readonly string[]): string {
  return `[${paths.map(sqlString).join(", ")}]`;
}

/**
 * Every line (NDJSON) or file (JSON) of a source, with its declared columns,
 * `filename`, and `_ok`: false for a line or file that queries skip (not
 * JSON, torn, or a never-null column missing or of the wrong type). `paths`
 * is a SQL glob string or list; null when there are no files.
 */
export function sourceRows(source: Source, paths: string | null): string {
  const cols = source.columns;
  const ok = (ref: (column: string) => string) =>
    cols.filter((c) => c[2]).map(([c]) => `${ref(c)} IS NOT NULL`).join(" AND ") || "true";
  if (paths === null) {
    return `SELECT ${cols.map(([c, t]) => `NULL::${t} AS "${c}"`).join(", ")}, NULL::VARCHAR AS filename, ` +
      `NULL::BOOLEAN AS _ok WHERE false`;
  }
  if (source.format === "ndjson") {
    const spec = cols.map(([c, t]) => `"${c}": '${t}'`).join(", ");
    return `SELECT ${cols.map(([c]) => `"${c}"`).join(", ")}, filename, ${ok((c) => `"${c}"`)} AS _ok ` +
      `FROM read_json(${paths}, format = 'newline_delimited', columns = {${spec}}, ignore_errors = true, ` +
      `filename = true)`;
  }
  // One JSON document per file: a file that is not a JSON object is skipped
  // (read_json would fail the whole query on it).
  const spec = sqlString(JSON.stringify(Object.fromEntries(cols.map(([c, t]) => [c, t]))));
  const isObject = "json_valid(content) AND starts_with(ltrim(content), '{')";
  const field = (c: string) => `struct_extract(r, '${c}')`;
  return `SELECT ${cols.map(([c]) => `${field(c)} AS "${c}"`).join(", ")}, filename, (doc AND ${ok(field)}) AS _ok ` +
    `FROM (SELECT filename, ${isObject} AS doc, CASE WHEN ${isObject} THEN json_transform(content, ${spec}) END AS r ` +
    `FROM read_text(${paths}))`;
}

/** The files of one source: read as they are, or (NDJSON only) from their Parquet copies. */
export interface SourceFiles {
  direct: string[];
  parquet: string[];
}

const _fromPath = (what: string) => `regexp_extract(filename, ${sqlString(what)}, 1)`;

/**
 * `CREATE OR REPLACE VIEW` statements for every view, given each source's
 * files. NDJSON sources read the listed files; JSON sources (one document
 * per file, like checkpoint state that training prunes while it runs) read
 * their glob, so a file deleted since it was listed is no error.
 */
export function viewStatements(dir: string, files: Record<string, SourceFiles>): string[] {
  const rows = (name: string) => {
    const source = SOURCES[name]!, f = files[name] ?? { direct: [], parquet: [] };
    const paths = !f.direct.length
      ? null
      : source.format === "json"
      ? sqlString(sourcePath(dir, source))
      : _sqlList(f.direct);
    return `(${sourceRows(source, paths)}) WHERE _ok`;
  };
  const out: string[] = [];
  for (const [view, info] of Object.entries(RUN_STORE_VIEWS)) {
    if (view === "checkpoints") continue;
    const cols = info.columns.map(([c]) => `"${c}"`).join(", ");
    const parquet = files[view]?.parquet ?? [];
    const cached = parquet.length
      ? ` UNION ALL SELECT ${info.columns.map(([c, t]) => `"${c}"::${t} AS "${c}"`).join(", ")} ` +
        `FROM read_parquet(${_sqlList(parquet)})`
      : "";
    out.push(`CREATE OR REPLACE VIEW ${view} AS SELECT ${cols} FROM ${rows(view)}${cached}`);
  }
  // Checkpoints: the folders on disk (state.json), their size (checksums.json)
  // and the run's latest.json and best.json pointers.
  const runOfStep = _fromPath("([^/]+)/checkpoints/[^/]+/[^/]+$");
  const nameOfStep = _fromPath("([^/]+)/[^/]+$");
  const runOfPointer = _fromPath("([^/]+)/checkpoints/[^/]+$");
  out.push(`CREATE OR REPLACE VIEW checkpoints AS
    WITH s AS (SELECT *, ${runOfStep} AS run_id, ${nameOfStep} AS name, regexp_replace(filename, '/[^/]+$', '') AS path
               FROM ${rows("ckpt_state")}),
         c AS (SELECT ${runOfStep} AS run_id, ${nameOfStep} AS name,
                      list_sum([f.size FOR f IN map_values(files)])::BIGINT AS size_bytes FROM ${
    rows("ckpt_checksums")
  }),
         l AS (SELECT ${runOfPointer} AS run_id, name FROM ${rows("ckpt_latest")}),
         b AS (SELECT ${runOfPointer} AS run_id, name FROM ${rows("ckpt_best")})
    SELECT s.run_id::VARCHAR AS run_id, s.name::VARCHAR AS name, s.step, s.epoch, s.tokens_seen, s.val_loss,
           s.best_val_loss, s.config_hash, c.size_bytes, coalesce(l.name = s.name, false) AS is_latest,
           coalesce(b.name = s.name, false) AS is_best, s.path::VARCHAR AS path
    FROM s LEFT JOIN c ON c.run_id = s.run_id AND c.name = s.name
           LEFT JOIN l ON l.run_id = s.run_id LEFT JOIN b ON b.run_id = s.run_id`);
  return out;
}

/** One query listing every file of every source: columns `source` and `file`. */
export function listQuery(dir: string): string {
  return Object.entries(SOURCES)
    .map(([name, s]) => `SELECT ${sqlString(name)} AS source, file FROM glob(${sqlString(sourcePath(dir, s))})`)
    .join(" UNION ALL ") + " ORDER BY source, file";
}
