import { Master } from '@clustr/runtime';
import { messages, say } from './messages';

const master = Master.create({ messages, reloadDelay: 50 });
const me = `master ${master.pid}`;

// Two web workers, one jobs worker (which spawns its own helper). `cluster-*` args reach every descendant.
master.spawn([{ file: 'web.js', args: { port: 3000 } }, { file: 'web.js', args: { port: 3001 } }, { file: 'jobs.js', args: { 'cluster-color': 'blue' } }]);

master.onPrivate(({ meta, data }) => say(me, `private from ${meta.group} ${meta.pid}: "${data.text}"`));

master.onClusterStarted(() => {
  const info = master.clusterInfo;
  say(me, `cluster started: ${JSON.stringify(info)}`);
  const workers = Object.entries(info).filter(([group]) => group !== 'master').flatMap(([, pids]) => pids).length;

  // Step 1: a public message; every worker confirms it.
  master.onConfirmation(workers, 'public-received', (confirmations) => {
    say(me, `${confirmations.length} confirmations of public-received from ${confirmations.map((c) => `${c.meta.group}:${c.meta.pid}`).join(', ')}`);

    // Step 2: a group message to the web workers only.
    master.onConfirmation(info['web']?.length ?? 0, 'group-received', () => {
      say(me, 'both web workers got the group message');

      // Step 3: a private round trip with the jobs worker.
      const jobs = info['jobs']?.[0];
      if (jobs === undefined) throw new Error('no jobs worker registered');
      master.onConfirmation(1, 'private-answered', async () => {
        const fetched = await master.fetchClusterInfo();
        say(me, `cluster info over Redis: ${JSON.stringify(fetched)}`);
        say(me, `stats: ${JSON.stringify(master.stats)}`);
        say(me, 'stopping the cluster');
        await master.close(0);
      });
      void master.emitPrivate(jobs, { text: 'ping', replyTo: master.pid });
    });
    void master.emitGroup('web', { text: 'hello, web group' });
  });
  void master.emitPublic({ text: 'hello, everyone' });
});
