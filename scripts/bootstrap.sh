#!/usr/bin/env bash
# Everything a fresh machine with Node 20 needs: dependencies, a local Redis, the
# Python validator used by the schema tests, and a redis-server with TLS plus
# openssl for the ACL and TLS tests.
set -euo pipefail
cd "$(dirname "$0")/.."
npx -y pnpm@12.4.2 install --frozen-lockfile
bash scripts/ensure-redis.sh
bash scripts/ensure-python-jsonschema.sh
bash scripts/ensure-tls-redis.sh
