#!/usr/bin/env bash
# The ACL and TLS tests (packages/runtime/test/integration/redis-access.test.ts) start a
# redis-server of their own with a TLS port, on certificates they make with openssl. Both
# programs must be here even when the Redis on 6379 is not a local one; installs them with
# apt-get when missing, and checks that this redis-server was built with TLS.
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "tls-redis: installing ${missing[*]} with apt-get"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Without TLS support the directive itself is refused; with it, the missing certificate is.
probe="$(redis-server --port 0 --tls-port 1 --tls-cert-file /nonexistent/cert.pem --tls-key-file /nonexistent/key.pem 2>&1 || true)"
if grep -q "Bad directive" <<<"$probe"; then
  echo "tls-redis: $(command -v redis-server) was built without TLS; install one built with BUILD_TLS=yes (Debian's redis-server package is)" >&2
  exit 1
fi
echo "tls-redis: $(redis-server --version | cut -d' ' -f1-3) with TLS, $(openssl version | cut -d' ' -f1-2)"
