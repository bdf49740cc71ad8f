/**
 * `deno task data list|show|split|verify|prepare`: the dataset registry,
 * deterministic splits, drift checks and token caches from the shell.
 *
 * @module
 */
import {
  CharTokenizer,
  formatTable,
  listDatasets,
  loadDataset,
  loadText,
  loadTokenizer,
  parseTaskArgs,
  runTask,
  splitDataset,
  stableStringify,
  tokenCache,
  verifySplit,
} from "../mod.ts";

const HELP = `Usage: deno task data <command> [options]

Commands:
  list [--json]                the registered datasets: task, size, labels, licence
  show NAME|FILE [--records N] [--json]
                               a dataset's card, measured now (size, labels, replaced characters, content
                               hash), and its first N records (default 3)
  split NAME|FILE --out DIR [--train 0.8 --val 0.1 --test 0.1] [--seed 0] [--stratify]
        [--method shuffle|hash] [--key id|text|label|meta.NAME]
                               a deterministic split: DIR/split_manifest.json, DIR/{train,val,test}_ids.txt,
                               DIR/records.tsv; --key places records by a hash of that field (method hash)
  verify DIR/split_manifest.json
                               recheck a split: corrupted files, records added, removed or changed, records
                               that would move; exit 1 on any
  prepare NAME [--tokenizer gpt2|FILE] [--out DIR]
                               encode a corpus once into a token cache (default DIR artifacts/cache) with
                               the char tokenizer deno task train builds, gpt2, or a saved tokenizer
                               (tokenizer.json of any kind, .tiktoken, or a run folder)

Local files: .txt (a record per non-empty line), .jsonl/.ndjson, .json (an array), .csv/.tsv and
.parquet (through DuckDB), with --text-field (default text), --label-field and --id-field.

Examples:
  deno task data list
  deno task data show spam-assassin
  deno task data show mail.csv --text-field body --label-field class
  deno task data split spam-assassin --out artifacts/splits/spam --stratify --seed 1
  deno task data split sotu --out artifacts/splits/sotu --key meta.president
  deno task data verify artifacts/splits/spam/split_manifest.json
  deno task data prepare moby-dick`;

const cut = (s: string, n: number) => (s.length > n ? s.slice(0, n - 3) + "..." : s);

async function main(): Promise<number> {
  const args = parseTaskArgs(Deno.args, {
    help: { type: "boolean", short: "h" },
    json: { type: "boolean" },
    records: { type: "string" },
    out: { type: "string" },
    train: { type: "string" },
    val: { type: "string" },
    test: { type: "string" },
    seed: { type: "string" },
    method: { type: "string" },
    key: { type: "string" },
    stratify: { type: "boolean" },
    tokenizer: { type: "string" },
    "text-field": { type: "string" },
    "label-field": { type: "string" },
    "id-field": { type: "string" },
  }, { allowPositionals: true });
  const [cmd, ...positional] = args.positionals;
  if (!cmd || args.flags.help) {
    console.log(HELP);
    return args.flags.help ? 0 : 2;
  }
  const flag = (k: string) => (typeof args.flags[k] === "string" ? args.flags[k] as string : undefined);
  const local = {
    ...(flag("text-field") ? { text_field: flag("text-field")! } : {}),
    ...(flag("label-field") ? { label_field: flag("label-field")! } : {}),
    ...(flag("id-field") ? { id_field: flag("id-field")! } : {}),
  };
  const num = (k: string, d: number) => {
    const raw = flag(k);
    if (raw === undefined) return d;
    const v = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(v)) {
      throw new TypeError(`Cannot ${cmd}: --${k} must be a number (got "${raw}")`);
    }
    return v;
  };
  const need = (what: string) => {
    const v = positional[0];
    if (!v) throw new SyntaxError(`Cannot ${cmd}: give ${what} (see deno task data --help)`);
    return v;
  };
  switch (cmd) {
    case "list": {
      const cards = listDatasets();
      if (args.flags.json) {
        console.log(JSON.stringify(cards, null, 2));
        return 0;
      }
      console.log(formatTable(cards.map((c) => ({
        name: c.name,
        task: c.task,
        records: c.size?.records ?? null,
        characters: c.size?.characters ?? null,
        labels: c.labels ? Object.entries(c.labels).map(([l, n]) => `${l} ${n}`).join(", ") : "",
        license: cut(c.license, 40),
      }))));
      return 0;
    }
    case "show": {
      const t0 = performance.now();
      const ds = await loadDataset(need("a dataset name or file"), local);
      const seconds = (performance.now() - t0) / 1000;
      const n = num("records", 3);
      if (args.flags.json) {
        console.log(JSON.stringify({ card: ds.card, records: ds.records.slice(0, n) }, null, 2));
        return 0;
      }
      console.log(JSON.stringify(ds.card, null, 2));
      console.log(`loaded in ${seconds.toFixed(2)} s; first ${Math.min(n, ds.records.length)} record(s):`);
      for (const r of ds.records.slice(0, n)) {
        console.log(`- ${r.id}${r.label !== undefined ? ` [${r.label}]` : ""}: ${JSON.stringify(cut(r.text, 160))}`);
      }
      return 0;
    }
    case "split": {
      const out = flag("out");
      if (out === undefined) throw new SyntaxError("Cannot split: --out DIR is required");
      const method = flag("method");
      if (method !== undefined && method !== "shuffle" && method !== "hash") {
        throw new RangeError(`Cannot split: --method must be shuffle or hash (got "${method}")`);
      }
      const key = flag("key");
      const m = await splitDataset(need("a dataset name or file"), {
        train: num("train", 0.8),
        val: num("val", 0.1),
        test: num("test", 0.1),
        seed: num("seed", 0),
        ...(method ? { method } : {}),
        ...(key ? { key } : {}),
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
      const lists = [["added", r.added], ["removed", r.removed], ["changed", r.changed], ["moved", r.moved], [
        "corrupted",
        r.corrupted,
      ]] as const;
      for (const [k, v] of lists) {
        if (v.length) console.log(`  ${k}: ${v.slice(0, 10).join(", ")}${v.length > 10 ? `, ... (${v.length})` : ""}`);
      }
      return r.ok ? 0 : 1;
    }
    case "prepare": {
      const name = need("a dataset name");
      const path = flag("tokenizer");
      const text = await loadText(name);
      // Any tokenizer codex loads: gpt2, a tokenizer.json (codex char/word, Hugging Face BPE/WordPiece), a .tiktoken file.
      const tok = path === undefined ? CharTokenizer.train(text).asTokenizer() : await loadTokenizer(path);
      console.log(
        `encoding ${text.length} characters of ${name} (${tok.type} tokenizer, ${tok.vocabSize} ids)`,
      );
      const t0 = performance.now();
      const r = await tokenCache(
        text,
        { id: stableStringify(tok.toJSON()), encode: (t) => tok.encodeIds(t) },
        flag("out") ?? "artifacts/cache",
      );
      const seconds = ((performance.now() - t0) / 1000).toFixed(2);
      console.log(
        `${r.hit ? "reused" : "built"} ${r.path}: ${r.ids.length} tokens (${r.ids.constructor.name}) in ${seconds} s`,
      );
      return 0;
    }
    default:
      throw new RangeError(`Cannot run data: unknown command "${cmd}" (known: list, show, split, verify, prepare)`);
  }
}

await runTask(main);
