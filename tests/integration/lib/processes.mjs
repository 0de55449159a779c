// Starting and stopping the real processes a test needs: every server listens on 127.0.0.1 on a free
// port, and every process a test starts is stopped by its PID in an `after` hook.
import { spawn, execFileSync } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const buildDir = process.env.GATEHOUSE_BUILD_DIR ?? path.join(repoRoot, 'build');
export const gatehouseBin = process.env.GATEHOUSE_BIN ?? path.join(buildDir, 'src/gatehouse');
export const mintBin = path.join(buildDir, 'tests/tools/gatehouse-mint-session');
export const cookieSecret = 'q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=';

// Every Gatehouse log of the run is kept here, and every secret the tests gave it is listed beside them:
// after the suite, tests/integration/check_logs_for_secrets.mjs proves that no log holds any of them.
export const testOutputDir = path.join(buildDir, 'test-output');
export const gatehouseLogDir = path.join(testOutputDir, 'gatehouse-logs');
const secretsFile = path.join(testOutputDir, 'secrets-used.txt');

// Records values that must never appear in a Gatehouse log (one per line; values with line breaks are
// recorded line by line).
export function registerSecret(...values) {
  const lines = values.flatMap((v) => String(v ?? '').split(/\r?\n/)).filter((v) => v.length >= 6);
  if (lines.length === 0) return;
  fs.mkdirSync(testOutputDir, { recursive: true });
  fs.appendFileSync(secretsFile, lines.join('\n') + '\n');
}

const secretFlags = ['--client-secret', '--cookie-secret', '--cookie-secret-previous', '--cookie-secrets-previous', '--redis-password',
  '--redis-sentinel-password', '--basic-auth-password', '--github-token'];
const secretFileFlags = ['--client-secret-file', '--cookie-secret-file'];
const urlFlags = ['--redis-connection-url', '--redis-sentinel-connection-urls', '--redis-cluster-connection-urls'];

// The secrets in a Gatehouse command line: secret flags, the contents of secret files, URL passwords.
function registerSecretsOf(args, env) {
  const all = [...args, ...Object.entries(env).map(([k, v]) => `--${k.replace(/^OAUTH2_PROXY_/, '').toLowerCase().replaceAll('_', '-')}=${v}`)];
  for (const arg of all) {
    const eq = arg.indexOf('=');
    if (eq < 0) continue;
    const [flag, value] = [arg.slice(0, eq), arg.slice(eq + 1)];
    if (secretFlags.includes(flag) || secretFlags.includes(flag.replace(/s$/, ''))) registerSecret(...value.split(','));
    if (secretFileFlags.includes(flag)) {
      try { registerSecret(fs.readFileSync(value, 'utf8').trim()); } catch { /* a test of an unreadable file */ }
    }
    if (urlFlags.includes(flag)) {
      for (const url of value.split(',')) {
        const password = url.match(/^rediss?:\/\/[^:@/]*:([^@/]+)@/)?.[1];
        if (password) registerSecret(decodeURIComponent(password));
      }
    }
  }
}

function keepLog(proc, name) {
  proc.exited.then(() => {
    fs.mkdirSync(gatehouseLogDir, { recursive: true });
    fs.writeFileSync(path.join(gatehouseLogDir, `${name}-${proc.pid}.log`), proc.output);
  });
}

// A port nobody listens on now, and one this test process has not handed out before: the kernel may offer a
// just-closed port again, and two servers of one test on the same port (Caddy listens with SO_REUSEPORT) would share
// its connections.
const handedOut = new Set();
export async function freePort() {
  for (;;) {
    const port = await new Promise((resolve, reject) => {
      const srv = net.createServer();
      srv.unref();
      srv.on('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const { port: p } = srv.address();
        srv.close(() => resolve(p));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

// CPU time a process has used (user + system), in clock ticks (10 ms each).
export function cpuTicks(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
}

// A process's resident memory (VmRSS), in MB.
export function residentMb(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
}

// How many descriptors a process has open.
export function openDescriptors(pid) {
  return fs.readdirSync(`/proc/${pid}/fd`).length;
}

export function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `gatehouse-${prefix}-`));
}

export async function waitForPort(port, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

// A started child process with its output captured, so tests can assert on log lines.
export class Proc {
  constructor(cmd, args, options = {}) {
    this.output = '';
    this.child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    this.child.stdout.on('data', (d) => { this.output += d; });
    this.child.stderr.on('data', (d) => { this.output += d; });
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }
  get pid() { return this.child.pid; }
  async stop(signal = 'SIGTERM', timeoutMs = 5000) {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    process.kill(this.child.pid, signal);
    const timer = setTimeout(() => { try { process.kill(this.child.pid, 'SIGKILL'); } catch {} }, timeoutMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }
  async waitForOutput(pattern, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (pattern.test(this.output)) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`output never matched ${pattern}:\n${this.output}`);
  }
}

export function baseFlags(port, extraFlags = []) {
  const flags = [
    '--provider=oidc', '--oidc-issuer-url=https://idp.example.com', '--client-id=gatehouse',
    '--client-secret=test-secret', `--http-address=127.0.0.1:${port}`, '--workers=2',
  ];
  // The test's own cookie secret (inline or as a file) replaces the default one.
  if (!extraFlags.some((f) => f.startsWith('--cookie-secret=') || f.startsWith('--cookie-secret-file='))) {
    flags.push(`--cookie-secret=${cookieSecret}`);
  }
  // List flags accumulate, so the permissive default is left out when a test sets its own domains.
  if (!extraFlags.some((f) => f.startsWith('--email-domain'))) flags.push('--email-domain=*');
  return flags;
}

// Gatehouse with exactly `args`: its secrets are recorded and its log kept, as for every Gatehouse of the suite.
// `cpus`: a CPU list for `taskset -c`, the affinity the process starts with.
export function spawnGatehouse(args, env = {}, { cpus } = {}) {
  registerSecretsOf(args, env);
  const [cmd, argv] = cpus === undefined ? [gatehouseBin, args] : ['taskset', ['-c', cpus, gatehouseBin, ...args]];
  const proc = new Proc(cmd, argv, { env: { PATH: process.env.PATH, ...env } });
  keepLog(proc, 'gatehouse');
  return proc;
}

export async function startGatehouse(extraFlags = [], { env = {}, port, cpus } = {}) {
  port = port ?? await freePort();
  const proc = spawnGatehouse([...baseFlags(port, extraFlags), ...extraFlags], env, { cpus });
  proc.port = port;
  await Promise.race([
    waitForPort(port),
    proc.exited.then(({ code }) => { throw new Error(`gatehouse exited with ${code}:\n${proc.output}`); }),
  ]);
  return proc;
}

// Waits until /ready answers 200: the IdP is discovered and its keys loaded, so a login can start. Slow
// builds (sanitizers) take longer than the port does to open.
export async function waitForReady(port, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.status === 200, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Gatehouse on port ${port} never became ready (IdP discovery)`);
}

// Runs gatehouse to completion (for config errors, --version …).
export function runGatehouse(args, env = {}) {
  return new Promise((resolve) => {
    registerSecretsOf(args, env);
    const p = new Proc(gatehouseBin, args, { env: { PATH: process.env.PATH, ...env } });
    keepLog(p, 'gatehouse-run');
    p.exited.then(({ code }) => resolve({ code, output: p.output }));
  });
}

export function mintCookie(opts = {}) {
  const args = [`--cookie-secret=${cookieSecret}`];
  for (const [k, v] of Object.entries(opts)) args.push(`--${k}=${v}`);
  const cookie = execFileSync(mintBin, args, { encoding: 'utf8' }).trim();
  // A session cookie is a bearer credential: it must not reach a log either.
  registerSecret(...cookie.split('; ').map((c) => c.slice(c.indexOf('=') + 1)));
  return cookie;
}

// Mints `count` sessions straight into Redis (as --session-store-type=redis stores them); returns their
// cookie values (the tickets). `cluster`: the URL is a cluster node.
export function mintRedisSessions(url, count, { cluster = false, ...opts } = {}) {
  const args = [`--cookie-secret=${cookieSecret}`, `--${cluster ? 'redis-cluster-url' : 'redis-url'}=${url}`,
    `--count=${count}`];
  for (const [k, v] of Object.entries(opts)) args.push(`--${k}=${v}`);
  const tickets = execFileSync(mintBin, args, { encoding: 'utf8' }).trim().split('\n')
    .map((line) => line.slice(line.indexOf('=') + 1));
  registerSecret(...tickets);
  return tickets;
}
