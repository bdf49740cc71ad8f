#!/bin/sh
# Regenerates the Hugging Face fixtures of lib/tokenizers (run from the repository root):
#   sh lib/tokenizers/testdata/make_fixtures.sh
# Needs Node and npm (the reference is npm `tokenizers@0.23.2`, installed into a temporary folder).
set -eu
out=$(mktemp -d)
here=lib/tokenizers/testdata
deno run --no-prompt --allow-read --allow-write --allow-env "$here/export_for_hf.ts" "$out"
npm install --silent --prefix "$out/npm" tokenizers@0.23.2
NODE_PATH="$out/npm/node_modules" node "$here/make_fixtures.mjs" "$out"
rm -rf "$out"
deno fmt "$here"  # the repository formats JSON too
