// Real redis-server processes (Debian's package) on 127.0.0.1 for the session-store tests: standalone,
// master + replica + sentinels, and a three-master cluster. Every process is stopped by its PID.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Proc, freePort, tempDir, waitForPort } from './processes.mjs';

export class RedisServer {
  constructor(port, args, dir) {
    this.port = port;
    this.args = args;
    this.dir = dir;
  }

  get url() { return `redis://${this.password ? `:${this.password}@` : ''}127.0.0.1:${this.port}`; }

  async start() {
    this.proc = new Proc('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '',
      '--appendonly', 'no', '--dir', this.dir, ...this.args]);
    await Promise.race([
      waitForPort(this.port),
      this.proc.exited.then(({ code }) => { throw new Error(`redis-server exited with ${code}:\n${this.proc.output}`); }),
    ]);
    return this;
  }

  pause() { process.kill(this.proc.pid, 'SIGSTOP'); }
  resume() { process.kill(this.proc.pid, 'SIGCONT'); }
  async stop() {
    if (!this.proc) return;
    try { process.kill(this.proc.pid, 'SIGCONT'); } catch {}
    await this.proc.stop('SIGKILL');
  }

  // redis-cli against this server.
  cli(...args) {
    const auth = this.password ? ['-a', this.password, '--no-auth-warning'] : [];
    return execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(this.port), ...auth, ...args], { encoding: 'utf8' }).trim();
  }
}

export async function startRedis(args = [], { port } = {}) {
  port = port ?? await freePort();
  return new RedisServer(port, args, tempDir('redis')).start();
}

// One master, one replica and three sentinels watching them under `name`. Sentinels notice a dead master
// after `downAfterMs` and fail over at once. `password`: the data nodes' requirepass; `sentinelPassword`:
// the sentinels' own.
export async function startSentinelGroup({ name = 'gatehouse-master', downAfterMs = 1000, password, sentinelPassword } = {}) {
  const auth = password ? ['--requirepass', password, '--masterauth', password] : [];
  const master = await startRedis(auth);
  const replica = await startRedis(['--replicaof', '127.0.0.1', String(master.port), ...auth]);
  if (password) master.password = replica.password = password;
  const sentinels = [];
  for (let i = 0; i < 3; ++i) {
    const port = await freePort();
    const dir = tempDir('sentinel');
    const conf = path.join(dir, 'sentinel.conf');
    fs.writeFileSync(conf, [
      `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`,
      `sentinel monitor ${name} 127.0.0.1 ${master.port} 2`,
      `sentinel down-after-milliseconds ${name} ${downAfterMs}`,
      `sentinel failover-timeout ${name} 5000`,
      `sentinel parallel-syncs ${name} 1`,
      ...(password ? [`sentinel auth-pass ${name} ${password}`] : []),
      ...(sentinelPassword ? [`requirepass ${sentinelPassword}`] : []), '',
    ].join('\n'));
    const proc = new Proc('redis-sentinel', [conf]);
    await waitForPort(port);
    sentinels.push({ port, proc, url: `redis://127.0.0.1:${port}` });
  }
  return {
    name, master, replica, sentinels,
    // The master the sentinels name now.
    currentMaster() {
      const out = execFileSync('redis-cli', ['-p', String(sentinels[0].port), ...(sentinelPassword ? ['-a', sentinelPassword, '--no-auth-warning'] : []),
        'SENTINEL', 'get-master-addr-by-name', name],
        { encoding: 'utf8' }).trim().split('\n');
      return Number(out[1]);
    },
    async stop() {
      for (const s of sentinels) await s.proc.stop('SIGKILL');
      await replica.stop();
      await master.stop();
    },
  };
}

// Three masters, no replicas, all 16384 slots assigned.
export async function startCluster() {
  const nodes = [];
  for (let i = 0; i < 3; ++i) {
    nodes.push(await startRedis(['--cluster-enabled', 'yes', '--cluster-node-timeout', '2000',
      '--cluster-config-file', 'nodes.conf']));
  }
  execFileSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`),
    '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
  // Wait until every node agrees the cluster is up.
  const deadline = Date.now() + 15000;
  for (;;) {
    if (nodes.every((n) => /cluster_state:ok/.test(n.cli('CLUSTER', 'INFO')))) break;
    if (Date.now() > deadline) throw new Error('the cluster never reached cluster_state:ok');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    nodes,
    node(port) { return nodes.find((n) => n.port === port); },
    // The node that owns `key`'s slot, and the slot.
    ownerOf(key) {
      const slot = Number(nodes[0].cli('CLUSTER', 'KEYSLOT', key));
      for (const n of nodes) {
        const lines = n.cli('CLUSTER', 'NODES').split('\n');
        const me = lines.find((l) => l.includes('myself'));
        for (const range of me.split(' ').slice(8)) {
          const [a, b = a] = range.split('-').map(Number);
          if (slot >= a && slot <= b) return { node: n, slot, id: me.split(' ')[0] };
        }
      }
      throw new Error(`no node owns slot ${slot}`);
    },
    nodeId(n) { return n.cli('CLUSTER', 'MYID'); },
    async stop() { for (const n of nodes) await n.stop(); },
  };
}
