import { killTracked } from './harness';
import { expectAllGone, is, pidsOf, startMaster, stopCluster } from './sup-helpers';

afterEach(async () => {
  await killTracked();
});

describe('shared socket: who gets it', () => {
  it('a grandchild is not told about a socket it was not given: serveHttp fails with CLUSTR_NO_SHARED_SOCKET', async () => {
    const fx = startMaster({ listen: { port: 0 }, batches: [[{ file: 'sup-parent.js', respawn: false, env: { SUP_CHILD: 'sup-serve.js' } }]] });
    await fx.waitFor(is('started'), 'cluster started');
    const parent = (await fx.waitFor(is('ready', { file: 'sup-parent.js' }), 'parent ready')).pid;
    const outcome = await fx.waitFor((e) => (e.ev === 'serve-ok' || e.ev === 'serve-failed') && e.pid !== parent, 'grandchild tried serveHttp');
    expect(outcome).toMatchObject({ ev: 'serve-failed', listenFd: null, code: 'CLUSTR_NO_SHARED_SOCKET' });

    await stopCluster(fx);
    await expectAllGone(pidsOf(fx));
  });
});
