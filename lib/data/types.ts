/**
 * The shapes datasets share: records, cards, and the loaded dataset.
 *
 * @module
 */

/** One example. */
export interface DataRecord {
  /** Stable id, unique within the dataset (a file name, a line number, a key field). */
  id: string;
  /** The example's text. */
  text: string;
  /** Class label, for classification data. */
  label?: string;
  /** Anything else the source has (year, president, group, the other columns of a file, ...). */
  meta?: Record<string, unknown>;
}

/** What a dataset is for. */
export type DatasetTask = "language-modeling" | "classification";

/** What a dataset is, where it comes from, what it may be used for, and how big it is. */
export interface DatasetCard {
  /** The registry name (or the file path of a local dataset). */
  name: string;
  /** One line on what the data is. */
  description: string;
  /** Where the data comes from (npm package and version, or the file). */
  source: string;
  /** The licence of the data and of the package that ships it. */
  license: string;
  /** What the dataset is for. */
  task: DatasetTask;
  /** The record fields filled in (`meta.<name>` for metadata). */
  fields: string[];
  /** Records and characters (UTF-16 code units of the texts). */
  size?: { records: number; characters: number };
  /** U+FFFD characters that decoding introduced (odd encodings in mail and web text). */
  replaced_characters?: number;
  /** Labels and their counts, for labelled data. */
  labels?: Record<string, number>;
  /** SHA-256 over every record's id, text and label (`datasetContentHash`). */
  content_sha256?: string;
}

/** A loaded dataset. */
export interface Dataset {
  /** The registry name, or the file path. */
  name: string;
  /** The card, with size, labels, replaced characters and content hash measured on these records. */
  card: DatasetCard;
  /** Every record, in the source's order. */
  records: DataRecord[];
  /** The records one at a time. */
  stream(): AsyncIterable<DataRecord>;
}
