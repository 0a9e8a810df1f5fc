// Peer side of bench/lint: dockerfile-utils validates every file in one node process.
// usage: node bench/lint-peer.js NODE_MODULES_DIR RUNS FILE...
//        node bench/lint-peer.js NODE_MODULES_DIR --blocks FILE...
// Prints one JSON line. Timed inside the process with process.hrtime: `first_ms` is the first
// pass over the preloaded texts (cold JIT), `best_ms` the best of RUNS passes (warm); neither
// includes node start-up, module loading or reading the files. `load_ms` is what the module load
// took. Run with RUNS=1 and timed from outside, this is the peer's whole-process figure.
// With --blocks the process stays up and runs as many passes as each line of standard input asks
// for ("PASSES [WARM]": WARM untimed passes first), printing one JSON line per block, and the summary line at the end of input (bench/lint
// alternates these blocks with ballast's: ballast_lint_bench --blocks).
const t0 = process.hrtime.bigint();
const path = require('path');
const fs = require('fs');
const { validate } = require(path.join(process.argv[2], 'dockerfile-utils'));
const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
const blocks = process.argv[3] === '--blocks';
let runs = blocks ? 0 : Math.max(1, parseInt(process.argv[3], 10) || 1);
const files = process.argv.slice(4);
const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
let bytes = 0;
for (const t of texts) bytes += Buffer.byteLength(t);
let best = Infinity;
let first = 0;
let diags = 0;
// N passes over the texts; returns [first, best] of them (ms).
function passes(n) {
  let b = Infinity;
  let f = 0;
  for (let r = 0; r < n; r++) {
    const s = process.hrtime.bigint();
    diags = 0;
    for (const t of texts) diags += validate(t, {}).length;
    const ms = Number(process.hrtime.bigint() - s) / 1e6;
    if (r === 0) f = ms;
    b = Math.min(b, ms);
  }
  return [f, b];
}
if (blocks) {
  // Lines of standard input, read synchronously: a block runs only when it is asked for.
  const buf = Buffer.alloc(256);
  let pending = '';
  let cold = true;
  // Loaded and read: the other side's blocks may run now without this start-up beside them.
  console.log(JSON.stringify({ ready: true }));
  for (;;) {
    let n = 0;
    try {
      n = fs.readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      if (e.code === 'EAGAIN') continue;
      throw e;
    }
    if (n === 0) break;
    pending += buf.toString('utf8', 0, n);
    let nl;
    while ((nl = pending.indexOf('\n')) >= 0) {
      // "PASSES [WARM]": WARM untimed passes, then PASSES timed ones.
      const [count, warm] = pending.slice(0, nl).trim().split(/\s+/).map((x) => parseInt(x, 10));
      pending = pending.slice(nl + 1);
      if (!(count > 0)) throw new Error('lint-peer.js: a block count must be positive');
      if (warm > 0) passes(warm);
      const [f, b] = passes(count);
      if (cold) first = f;
      runs += count;
      best = Math.min(best, b);
      console.log(JSON.stringify({ runs: count, first_ms: f, best_ms: b, cold }));
      cold = false;
    }
  }
} else {
  [first, best] = passes(runs);
}
const rss = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ files: files.length, bytes, runs, load_ms: loadMs, first_ms: first,
  best_ms: best, diagnostics: diags, peak_rss_mb: rss }));
