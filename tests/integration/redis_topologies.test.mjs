// The Redis session store on the topologies large deployments run: a master with a replica watched by three
// sentinels (the master dies; Gatehouse follows the failover and loses no session), and a three-master
// cluster (sessions spread over every master; a slot migration is followed through ASK and MOVED).
// All real redis-server / redis-sentinel processes on 127.0.0.1.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startGatehouse, mintRedisSessions } from './lib/processes.mjs';
import { httpGet } from './lib/client.mjs';
import { startSentinelGroup, startCluster } from './lib/redis.mjs';

const auth = (gh, ticket) => httpGet(gh.port, '/oauth2/auth', { cookie: `_oauth2_proxy=${ticket}` });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function statuses(gh, tickets) {
  return Promise.all(tickets.map(async (t) => (await auth(gh, t)).status));
}

describe('Redis Sentinel', () => {
  let group;
  let gatehouse;
  before(async () => {
    group = await startSentinelGroup();
    gatehouse = await startGatehouse(['--session-store-type=redis', '--redis-use-sentinel=true',
      `--redis-sentinel-master-name=${group.name}`, '--redis-timeout=300ms',
      ...group.sentinels.map((s) => `--redis-sentinel-connection-urls=${s.url}`), '--set-xauthrequest=true']);
  });
  after(async () => {
    await gatehouse?.stop();
    await group?.stop();
  });

  test('the master dies: Gatehouse follows the failover and every session still works', async () => {
    const tickets = mintRedisSessions(group.master.url, 20, { user: 'sentinel-user' });
    // Replication is asynchronous: wait until the replica holds what the master holds.
    const deadline = Date.now() + 5000;
    while (group.replica.cli('DBSIZE') !== group.master.cli('DBSIZE') && Date.now() < deadline) await sleep(50);
    assert.deepEqual(await statuses(gatehouse, tickets), tickets.map(() => 202));

    const oldMaster = group.master.port;
    await group.master.stop();
    // Until the sentinels promote the replica, requests fail closed (never open); then all pass again.
    const failedOver = Date.now();
    let now = [];
    while (Date.now() - failedOver < 20000) {
      now = await statuses(gatehouse, tickets);
      assert.ok(now.every((s) => s === 202 || s === 503), `only 202 or 503 during a failover: ${now}`);
      if (now.every((s) => s === 202)) break;
      await sleep(200);
    }
    assert.deepEqual(now, tickets.map(() => 202), 'every session works on the new master');
    assert.equal(group.currentMaster(), group.replica.port);
    await gatehouse.waitForOutput(new RegExp(`master "${group.name}" moved from 127.0.0.1:${oldMaster} to 127.0.0.1:${group.replica.port}`));
    // And new sessions are written to the new master.
    const [fresh] = mintRedisSessions(group.replica.url, 1);
    assert.equal((await auth(gatehouse, fresh)).status, 202);
  });
});

describe('Redis Sentinel with passwords', () => {
  let group;
  let gatehouse;
  before(async () => {
    group = await startSentinelGroup({ name: 'locked', password: 'data-pw', sentinelPassword: 'sentinel-pw' });
  });
  after(async () => {
    await gatehouse?.stop();
    await group?.stop();
  });

  test('--redis-password reaches the master, --redis-sentinel-password the sentinels', async () => {
    gatehouse = await startGatehouse(['--session-store-type=redis', '--redis-use-sentinel=true',
      '--redis-sentinel-master-name=locked', '--redis-password=data-pw', '--redis-sentinel-password=sentinel-pw',
      ...group.sentinels.map((s) => `--redis-sentinel-connection-urls=${s.url}`)]);
    const tickets = mintRedisSessions(group.master.url, 3);
    assert.deepEqual(await statuses(gatehouse, tickets), [202, 202, 202]);
    assert.doesNotMatch(gatehouse.output, /data-pw|sentinel-pw/, 'no password in the log');
  });
});

describe('Redis Cluster', () => {
  let cluster;
  let gatehouse;
  before(async () => {
    cluster = await startCluster();
    gatehouse = await startGatehouse(['--session-store-type=redis', '--redis-use-cluster=true',
      `--redis-cluster-connection-urls=${cluster.nodes[0].url}`, '--set-xauthrequest=true']);
  });
  after(async () => {
    await gatehouse?.stop();
    await cluster?.stop();
  });

  test('ready without traffic: the slot map is read at start', async () => {
    // No IdP runs in this test, so /ready stays 503 for it; the store must drop out of its answer by itself.
    const deadline = Date.now() + 5000;
    let ready;
    do {
      ready = await httpGet(gatehouse.port, '/ready');
      await sleep(50);
    } while (/session store/.test(ready.body) && Date.now() < deadline);
    assert.match(ready.body, /waiting for the identity provider/);
    assert.doesNotMatch(ready.body, /session store/);
  });

  test('sessions spread over every master and each is found on its slot', async () => {
    const tickets = mintRedisSessions(cluster.nodes[1].url, 30, { cluster: true });
    for (const n of cluster.nodes) assert.ok(Number(n.cli('DBSIZE')) > 0, `node ${n.port} holds some keys`);
    assert.deepEqual(await statuses(gatehouse, tickets), tickets.map(() => 202));
  });

  test('a slot migration is followed: ASK while it moves, MOVED once it has moved', async () => {
    // Only this test's sessions, so that the key moved below belongs to one of them.
    for (const n of cluster.nodes) n.cli('FLUSHALL');
    const tickets = mintRedisSessions(cluster.nodes[0].url, 10, { cluster: true });
    assert.deepEqual(await statuses(gatehouse, tickets), tickets.map(() => 202));
    // Pick one session key and move its slot to another master, the way redis-cli --cluster reshard does.
    const key = cluster.nodes.flatMap((n) => n.cli('KEYS', '_oauth2_proxy:session:*').split('\n').filter(Boolean))[0];
    const { node: source, slot } = cluster.ownerOf(key);
    const target = cluster.nodes.find((n) => n !== source);
    const sourceId = cluster.nodeId(source);
    const targetId = cluster.nodeId(target);
    target.cli('CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', sourceId);
    source.cli('CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', targetId);
    const keys = source.cli('CLUSTER', 'GETKEYSINSLOT', String(slot), '1000').split('\n').filter(Boolean);
    source.cli('MIGRATE', '127.0.0.1', String(target.port), '', '0', '5000', 'KEYS', ...keys);
    // Mid-migration the source answers ASK for keys it no longer has.
    assert.deepEqual(await statuses(gatehouse, tickets), tickets.map(() => 202), 'followed ASK');
    for (const n of cluster.nodes) n.cli('CLUSTER', 'SETSLOT', String(slot), 'NODE', targetId);
    assert.deepEqual(await statuses(gatehouse, tickets), tickets.map(() => 202), 'followed MOVED');
    assert.equal(cluster.ownerOf(key).node, target);
  });
});
