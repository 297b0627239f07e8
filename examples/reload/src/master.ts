// Four HTTP workers on one port. `clustr reload` (or SIGHUP) replaces them one after
// another; the port never stops answering. `clustr stop` (or Ctrl-C) stops them all.
import { Master } from '@clustr/runtime';

const port = Number(process.env['PORT'] ?? 3000);
const workers = Number(process.env['WORKERS'] ?? 4);

const master = Master.create({ reloadDelay: 200 });
const bound = master.listen({ port, host: '127.0.0.1' });
master.spawn(Array.from({ length: workers }, () => ({ file: 'web.js' })));

master.onClusterStarted(() => {
  console.log(`master ${master.pid}: ${workers} workers serve http://${bound.host}:${bound.port}/ (namespace "${master.namespace}")`);
  console.log(`  reload them: npx clustr reload${master.namespace === 'clustr' ? '' : ` --namespace ${master.namespace}`}`);
});
master.onClusterReloaded(({ replaced }) => console.log(`master ${master.pid}: reloaded, ${replaced.map(({ from, to }) => `${from} -> ${to}`).join(', ')}`));
master.onReloadFailed(({ failure }) => console.log(`master ${master.pid}: reload failed (${failure?.reason ?? 'unknown'}); the old workers keep serving`));
