#!/usr/bin/env bash
# The interpreter's micro-benchmarks, before and after: the same programs
# (crates/looplab-js/examples/microbench.rs) on the rebuilt engine and, as
# CommonJS modules, on the engine `looplab run` uses today. Wall-clock
# figures from one run on this machine; run both side by side, as noisy
# machines need.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release -p looplab-js --example microbench
cargo build -q --release --bin looplab
echo "== rebuilt engine (crates/looplab-js)"
target/release/examples/microbench
echo "== current engine (looplab run, whole process)"
tmp="$(mktemp -d)"
python3 - "$tmp" <<'PY'
import re, sys, pathlib
src = pathlib.Path("crates/looplab-js/examples/microbench.rs").read_text()
for name, n, program in re.findall(r'\(\s*"([^"]+)",\s*([0-9_]+),\s*"((?:[^"\\]|\\.)*)",?\s*\)', src):
    program = program.encode().decode("unicode_escape")
    path = pathlib.Path(sys.argv[1]) / (name.replace(" ", "_").replace("/", "_") + ".js")
    path.write_text(f"const N = {n.replace('_', '')};\n{program}\n")
PY
for file in "$tmp"/*.js; do
  start=$(date +%s%N)
  target/release/looplab run "$file" --no-trace >/dev/null 2>&1 || echo "  (failed: $(basename "$file"))"
  end=$(date +%s%N)
  printf '%-24s %10.1f ms\n' "$(basename "$file" .js)" "$(echo "($end - $start) / 1000000" | bc -l)"
done
rm -rf "$tmp"
