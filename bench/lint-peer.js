// Peer side of bench/lint: dockerfile-utils validates every file in one node process.
// usage: node bench/lint-peer.js NODE_MODULES_DIR RUNS FILE...
// Prints one JSON line. Timed inside the process with process.hrtime: `first_ms` is the first
// pass over the preloaded texts (cold JIT), `best_ms` the best of RUNS passes (warm); neither
// includes node start-up, module loading or reading the files. `load_ms` is what the module load
// took. Run with RUNS=1 and timed from outside, this is the peer's whole-process figure.
const t0 = process.hrtime.bigint();
const path = require('path');
const fs = require('fs');
const { validate } = require(path.join(process.argv[2], 'dockerfile-utils'));
const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
const runs = Math.max(1, parseInt(process.argv[3], 10) || 1);
const files = process.argv.slice(4);
const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
let bytes = 0;
for (const t of texts) bytes += Buffer.byteLength(t);
let best = Infinity;
let first = 0;
let diags = 0;
for (let r = 0; r < runs; r++) {
  const s = process.hrtime.bigint();
  diags = 0;
  for (const t of texts) diags += validate(t, {}).length;
  const ms = Number(process.hrtime.bigint() - s) / 1e6;
  if (r === 0) first = ms;
  best = Math.min(best, ms);
}
const rss = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ files: files.length, bytes, runs, load_ms: loadMs, first_ms: first,
  best_ms: best, diagnostics: diags, peak_rss_mb: rss }));
