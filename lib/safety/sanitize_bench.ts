// deno bench --allow-read --allow-env lib/safety/sanitize_bench.ts
// 1 MB adversarial inputs (each must stay under a second) and throughput on a mixed corpus
// (Moby-Dick prose, code, JSON logs, config, a fake secret every ~50 KB), 20 MB by default;
// CODEX_SAFETY_BENCH_MB=100 for the 100 MB. MB/s = corpus MB / mean time.
import { findMatches, loadPolicy } from "./mod.ts";
import { adversarialInputs, mixedCorpus } from "./_corpus.ts";

const pack = await loadPolicy(new URL("../../configs/safety/policy.yaml", import.meta.url).pathname);
const MB = Number(Deno.env.get("CODEX_SAFETY_BENCH_MB") ?? 20);
const corpus = await mixedCorpus(MB * 1_000_000);
const ascii = corpus.replace(/[\u0080-\uffff]/g, "-");

for (const [name, input] of Object.entries(adversarialInputs())) {
  Deno.bench(`adversarial 1 MB: ${name}`, { group: "adversarial", n: 3, warmup: 1 }, () => {
    findMatches(input, pack, "data");
  });
}

Deno.bench(`mixed corpus, ${MB} MB`, { group: "throughput", baseline: true, n: 3, warmup: 1 }, () => {
  findMatches(corpus, pack, "data");
});
Deno.bench(`mixed corpus, ${MB} MB, ASCII only`, { group: "throughput", n: 3, warmup: 1 }, () => {
  findMatches(ascii, pack, "data");
});
