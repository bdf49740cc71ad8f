/**
 * `deno task data list|show|split|verify|prepare`: the dataset registry,
 * deterministic splits and token caches from the shell.
 *
 * @module
 */
import {
  CharTokenizer,
  listDatasets,
  loadDataset,
  loadText,
  parseTaskArgs,
  runTask,
  splitDataset,
  tokenCache,
  verifySplit,
} from "../mod.ts";

const HELP = `Usage: deno task data <command> [options]

Commands:
  list                         the registered datasets and their cards
  show NAME|FILE               a dataset's card (size, labels, replaced characters) and its first records
  split NAME|FILE --out DIR [--train 0.8 --val 0.1 --test 0.1 --seed 0 --method shuffle|hash --stratify]
                               a deterministic split: DIR/split_manifest.json, DIR/{train,val,test}_ids.txt
  verify DIR/split_manifest.json
                               recompute a split: records added, removed or changed; corrupted ids files
  prepare NAME [--out DIR]     encode a corpus with its character tokenizer into a token cache (artifacts/cache)

Local files: .txt (a record per line), .jsonl/.ndjson, .csv, .parquet (through DuckDB), with
--text-field, --label-field and --id-field.

Examples:
  deno task data list
  deno task data show spam-assassin
  deno task data split spam-assassin --out artifacts/splits/spam --stratify --seed 1
  deno task data verify artifacts/splits/spam/split_manifest.json`;

async function main(): Promise<number> {
  const args = parseTaskArgs(Deno.args, {
    help: { type: "boolean", short: "h" },
    out: { type: "string" },
    train: { type: "string" },
    val: { type: "string" },
    test: { type: "string" },
    seed: { type: "string" },
    method: { type: "string" },
    stratify: { type: "boolean" },
    "text-field": { type: "string" },
    "label-field": { type: "string" },
    "id-field": { type: "string" },
  }, { allowPositionals: true });
  const [cmd, ...positional] = args.positionals;
  if (!cmd || args.flags.help) {
    console.log(HELP);
    return args.flags.help ? 0 : 2;
  }
  const local = {
    ...(args.flags["text-field"] ? { text_field: String(args.flags["text-field"]) } : {}),
    ...(args.flags["label-field"] ? { label_field: String(args.flags["label-field"]) } : {}),
    ...(args.flags["id-field"] ? { id_field: String(args.flags["id-field"]) } : {}),
  };
  const num = (k: string, d: number) => {
    const raw = args.flags[k];
    if (raw === undefined) return d;
    const v = Number(raw);
    if (!Number.isFinite(v)) throw new TypeError(`Cannot ${cmd}: --${k} must be a number (got "${raw}")`);
    return v;
  };
  const need = (what: string) => {
    const v = positional[0];
    if (!v) throw new SyntaxError(`Cannot ${cmd}: give ${what} (see deno task data --help)`);
    return v;
  };
  switch (cmd) {
    case "list":
      for (const c of listDatasets()) console.log(`${c.name.padEnd(14)} ${c.task.padEnd(18)} ${c.description}`);
      return 0;
    case "show": {
      const ds = await loadDataset(need("a dataset name or file"), local);
      console.log(JSON.stringify(ds.card, null, 2));
      for (const r of ds.records.slice(0, 3)) {
        const text = r.text.length > 160 ? r.text.slice(0, 160) + "..." : r.text;
        console.log(`- ${r.id}${r.label !== undefined ? ` [${r.label}]` : ""}: ${JSON.stringify(text)}`);
      }
      return 0;
    }
    case "split": {
      const out = args.flags.out;
      if (typeof out !== "string") throw new SyntaxError("Cannot split: --out DIR is required");
      const method = (args.flags.method ?? "shuffle") as "shuffle" | "hash";
      if (method !== "shuffle" && method !== "hash") {
        throw new RangeError(`Cannot split: --method must be shuffle or hash (got "${method}")`);
      }
      const m = await splitDataset(need("a dataset name or file"), {
        train: num("train", 0.8),
        val: num("val", 0.1),
        test: num("test", 0.1),
        seed: num("seed", 0),
        method,
        stratify: !!args.flags.stratify,
        outDir: out,
        ...(Object.keys(local).length ? { local } : {}),
      });
      for (const [name, s] of Object.entries(m.splits)) {
        console.log(`${name.padEnd(6)} ${String(s.size).padStart(7)}  ${s.labels ? JSON.stringify(s.labels) : ""}`);
      }
      console.log(`manifest: ${out}/split_manifest.json (dataset hash ${m.dataset_hash.slice(0, 16)})`);
      return 0;
    }
    case "verify": {
      const r = await verifySplit(need("a split_manifest.json path"));
      console.log(r.ok ? "ok: the split matches its data" : `drift: ${r.problems.join("; ")}`);
      for (const [k, v] of [["added", r.added], ["removed", r.removed], ["changed", r.changed]] as const) {
        if (v.length) console.log(`  ${k}: ${v.slice(0, 10).join(", ")}${v.length > 10 ? ", ..." : ""}`);
      }
      return r.ok ? 0 : 1;
    }
    case "prepare": {
      const name = need("a dataset name");
      const text = await loadText(name);
      const tok = CharTokenizer.train(text);
      const t0 = performance.now();
      const r = await tokenCache(
        text,
        { id: JSON.stringify(tok.toJSON()), encode: (t) => tok.encode(t) },
        String(args.flags.out ?? "artifacts/cache"),
      );
      console.log(
        `${r.hit ? "reused" : "built"} ${r.path}: ${r.ids.length} tokens in ${
          ((performance.now() - t0) / 1000).toFixed(2)
        } s`,
      );
      return 0;
    }
    default:
      throw new RangeError(`Cannot run data: unknown command "${cmd}" (known: list, show, split, verify, prepare)`);
  }
}

await runTask(main);
