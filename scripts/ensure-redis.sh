#!/usr/bin/env bash
# Makes sure a Redis answers on 127.0.0.1:6379: starts one (installing redis-server
# with apt-get when it is missing) if none does. Nothing is persisted.
set -euo pipefail

ping() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if command -v redis-cli >/dev/null 2>&1 && ping; then
  echo "redis: already answering on 127.0.0.1:6379"
  exit 0
fi

if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis: redis-server not found; installing it with apt-get"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
fi

redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
for _ in $(seq 1 50); do
  if ping; then
    echo "redis: started on 127.0.0.1:6379"
    exit 0
  fi
  sleep 0.1
done
echo "redis: did not answer on 127.0.0.1:6379 after starting" >&2
exit 1
