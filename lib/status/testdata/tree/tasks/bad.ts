// A task whose --help fails.
console.error("error: no help here");
Deno.exit(2);
