#!/usr/bin/env bash
# A worker written in bash. The master started it with the cluster's identity in its
# environment, so the clustr command talks to this cluster without any flag.
set -euo pipefail
trap 'echo "bash $$: stopping"; exit 0' TERM INT

echo "bash $$: up in namespace ${CLUSTR_NAMESPACE}, child of ${CLUSTR_PARENT_PID}"
clustr ls
clustr publish group node "{\"text\":\"hello from bash $$\"}"

# Idle until the cluster stops (SIGTERM); `wait` lets the trap run at once.
while true; do
  sleep 1 &
  wait $!
done
