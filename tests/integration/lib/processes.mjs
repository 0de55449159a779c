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

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
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
    '--client-secret=test-secret', `--cookie-secret=${cookieSecret}`,
    `--http-address=127.0.0.1:${port}`, '--workers=2',
  ];
  // List flags accumulate, so the permissive default is left out when a test sets its own domains.
  if (!extraFlags.some((f) => f.startsWith('--email-domain'))) flags.push('--email-domain=*');
  return flags;
}

export async function startGatehouse(extraFlags = [], { env = {}, port } = {}) {
  port = port ?? await freePort();
  const proc = new Proc(gatehouseBin, [...baseFlags(port, extraFlags), ...extraFlags], { env: { PATH: process.env.PATH, ...env } });
  proc.port = port;
  await Promise.race([
    waitForPort(port),
    proc.exited.then(({ code }) => { throw new Error(`gatehouse exited with ${code}:\n${proc.output}`); }),
  ]);
  return proc;
}

// Runs gatehouse to completion (for config errors, --version …).
export function runGatehouse(args, env = {}) {
  return new Promise((resolve) => {
    const p = new Proc(gatehouseBin, args, { env: { PATH: process.env.PATH, ...env } });
    p.exited.then(({ code }) => resolve({ code, output: p.output }));
  });
}

export function mintCookie(opts = {}) {
  const args = [`--cookie-secret=${cookieSecret}`];
  for (const [k, v] of Object.entries(opts)) args.push(`--${k}=${v}`);
  return execFileSync(mintBin, args, { encoding: 'utf8' }).trim();
}

// Mints `count` sessions straight into Redis (as --session-store-type=redis stores them); returns their
// cookie values (the tickets). `cluster`: the URL is a cluster node.
export function mintRedisSessions(url, count, { cluster = false, ...opts } = {}) {
  const args = [`--cookie-secret=${cookieSecret}`, `--${cluster ? 'redis-cluster-url' : 'redis-url'}=${url}`,
    `--count=${count}`];
  for (const [k, v] of Object.entries(opts)) args.push(`--${k}=${v}`);
  return execFileSync(mintBin, args, { encoding: 'utf8' }).trim().split('\n')
    .map((line) => line.slice(line.indexOf('=') + 1));
}
