/**
 * A dataset built from records in memory: checks the records and measures
 * the card (size, labels, replaced characters, content hash).
 *
 * @module
 */
import { _hashRecords } from "./dataset_content_hash.ts";
import type { DataRecord, Dataset, DatasetCard } from "./types.ts";

/**
 * Makes a {@linkcode Dataset} of `records`, with the card's size, label
 * counts, replaced-character count and content hash measured on them (the
 * card's own values for those are replaced). Ids must be unique strings and
 * texts strings; labels, when present, strings.
 *
 * @example
 * ```ts
 * import { datasetFromRecords } from "./dataset_from_records.ts";
 * const ds = datasetFromRecords(
 *   { name: "toy", description: "two mails", source: "inline", license: "CC0-1.0", task: "classification", fields: ["id", "text", "label"] },
 *   [{ id: "a", text: "win money", label: "spam" }, { id: "b", text: "lunch?", label: "ham" }],
 * );
 * if (ds.card.size?.characters !== 15 || ds.card.labels?.spam !== 1) throw new Error("card not measured");
 * ```
 */
export function datasetFromRecords(
  card: DatasetCard,
  records: DataRecord[],
  options: { replaced?: number } = {},
): Dataset {
  const labels: Record<string, number> = {};
  const seen = new Map<string, number>();
  let characters = 0;
  records.forEach((r, i) => {
    if (typeof r?.id !== "string" || typeof r.text !== "string") {
      throw new TypeError(
        `Cannot load dataset: ${card.name} record ${i + 1} needs a string id and text (got id ${typeof r
          ?.id}, text ${typeof r
          ?.text})`,
      );
    }
    if (r.label !== undefined && typeof r.label !== "string") {
      throw new TypeError(
        `Cannot load dataset: ${card.name} record ${r.id} has a ${typeof r.label} label (expected a string)`,
      );
    }
    const first = seen.get(r.id);
    if (first !== undefined) {
      throw new TypeError(
        `Cannot load dataset: ${card.name} record ${i + 1} repeats id "${r.id}" (first used by record ${first})`,
      );
    }
    seen.set(r.id, i + 1);
    characters += r.text.length;
    if (r.label !== undefined) labels[r.label] = (labels[r.label] ?? 0) + 1;
  });
  const { size: _s, labels: _l, replaced_characters: _r, content_sha256: _h, ...rest } = card;
  const measured: DatasetCard = {
    ...rest,
    size: { records: records.length, characters },
    replaced_characters: options.replaced ?? 0,
    ...(Object.keys(labels).length ? { labels } : {}),
    content_sha256: _hashRecords(records).hash,
  };
  return {
    name: card.name,
    card: measured,
    records,
    stream: async function* () {
      yield* records;
    },
  };
}
