#!/usr/bin/env bash
# Builds clustr as it was at COMMIT (default: the last commit of the previous round) in DIR,
# outside this checkout, and prints the path to give the bench:
#   BENCH_PREV_RUNTIME=$(bash bench/scripts/prev-runtime.sh) BENCH_PREV_NAME="clustr 0.1" \
#     npx -y pnpm@12.4.2 bench --only throughput
set -euo pipefail
commit=${1:-d2cd9e7}
dir=${2:-${TMPDIR:-/tmp}/clustr-prev-$commit}
cd "$(dirname "$0")/../.."
if [ ! -f "$dir/packages/runtime/dist/index.js" ]; then
  rm -rf "$dir"
  mkdir -p "$dir"
  git archive "$commit" | tar -x -C "$dir"
  (cd "$dir" && npx -y pnpm@12.4.2 install --frozen-lockfile >&2 && npx -y pnpm@12.4.2 --filter @clustr/protocol --filter @clustr/runtime run build >&2)
fi
echo "$dir/packages/runtime"
