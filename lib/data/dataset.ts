/**
 * The shapes datasets share: records, cards, and the loaded dataset.
 *
 * @module
 */

/** One example. */
export interface DataRecord {
  /** Stable id (a file name, a line number, a key field). */
  id: string;
  text: string;
  /** Class label, for classification data. */
  label?: string;
  /** Anything else the source has (year, president, group, ...). */
  meta?: Record<string, unknown>;
}

/** What a dataset is, where it comes from, and what it is for. */
export interface DatasetCard {
  name: string;
  description: string;
  source: string;
  license: string;
  task: "language-modeling" | "classification";
  /** Record fields filled in. */
  fields: string[];
  /** Size, once loaded. */
  size?: { records: number; characters: number };
  /** U+FFFD characters decoding introduced (odd encodings in mail and web text). */
  replaced_characters?: number;
  /** Labels and their counts, for classification data. */
  labels?: Record<string, number>;
}

/** A loaded dataset. */
export interface Dataset {
  name: string;
  card: DatasetCard;
  records: DataRecord[];
  /** The records one at a time. */
  stream(): AsyncIterable<DataRecord>;
}

/** Fills in a card's size and label counts from the records. */
export function describe(card: DatasetCard, records: DataRecord[], replaced = 0): Dataset {
  const labels: Record<string, number> = {};
  let characters = 0;
  for (const r of records) {
    characters += r.text.length;
    if (r.label !== undefined) labels[r.label] = (labels[r.label] ?? 0) + 1;
  }
  const full: DatasetCard = {
    ...card,
    size: { records: records.length, characters },
    replaced_characters: replaced,
    ...(Object.keys(labels).length ? { labels } : {}),
  };
  return {
    name: card.name,
    card: full,
    records,
    stream: async function* () {
      for (const r of records) yield r;
    },
  };
}
