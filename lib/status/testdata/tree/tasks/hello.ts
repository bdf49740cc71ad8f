// A task whose --help works.
if (Deno.args.includes("--help")) console.log("Usage: hello");
else console.log("hello");
