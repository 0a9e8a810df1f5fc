// Peer run for bench/lint: dockerfile-utils validates every file in one node process.
// usage: node bench/lint-peer.js NODE_MODULES_DIR FILE...
const path = require('path');
const fs = require('fs');
const { validate } = require(path.join(process.argv[2], 'dockerfile-utils'));
const files = process.argv.slice(3);
const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
let bytes = 0;
for (const t of texts) bytes += Buffer.byteLength(t);
const runs = 5;
let best = Infinity;
let diags = 0;
for (let r = 0; r < runs; r++) {
  const t0 = process.hrtime.bigint();
  diags = 0;
  for (const t of texts) diags += validate(t, {}).length;
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  best = Math.min(best, ms);
}
const rss = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ files: files.length, bytes, best_ms: best, diagnostics: diags, peak_rss_mb: rss }));
