#!/usr/bin/env node
// Fails fast, with the fix, when no Redis answers where clustr will look for one.
'use strict';
const net = require('node:net');

const url = new URL(process.env.CLUSTR_REDIS_URL || 'redis://127.0.0.1:6379');
const socket = net.connect({ host: url.hostname, port: Number(url.port || 6379) });
const fail = (why) => {
  process.stderr.write(`No Redis at ${url.host} (${why}). Start one with: bash scripts/ensure-redis.sh\n`);
  process.exit(1);
};
socket.setTimeout(2000, () => fail('timed out'));
socket.on('error', (error) => fail(error.code || error.message));
socket.on('connect', () => socket.write('PING\r\n'));
socket.on('data', (data) => {
  socket.destroy();
  if (!String(data).startsWith('+PONG')) fail(`answered ${JSON.stringify(String(data).trim())}`);
});
