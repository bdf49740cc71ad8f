/**
 * `deno task tokenize train|encode|decode|inspect|export`: train, use,
 * inspect and convert tokenizers from the shell (see `--help`).
 *
 * @module
 */
import { runTask } from "../lib/cli/mod.ts";
import { tokenizeCli } from "../lib/tokenizers/tokenize_cli.ts";

await runTask(() => tokenizeCli(Deno.args));
