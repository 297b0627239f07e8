/** The memory baseline: a bare Node process holding two ioredis connections (one subscribed), doing nothing. */
import { exitWithParent, fail, params, rawChannels, redis, send } from './common';

const p = params<{ ns: string }>();
exitWithParent();
const publisher = redis();
const subscriber = redis();
Promise.all([subscriber.subscribe(rawChannels.public(p.ns)), publisher.ping()]).then(() => send({ ev: 'ready', pid: process.pid }), fail);
