// The HTTP server itself, started as a real process: keep-alive, pipelining, request limits, timeouts,
// TLS, graceful drain on SIGTERM.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startGatehouse, mintCookie, freePort, tempDir } from './lib/processes.mjs';
import { connect, get } from './lib/raw_http.mjs';

describe('HTTP/1.1 behaviour and limits', () => {
  let gh;
  before(async () => {
    gh = await startGatehouse(['--set-xauthrequest', '--max-header-bytes=8192', '--max-header-count=20',
      '--header-read-timeout=400ms', '--idle-timeout=600ms']);
  });
  after(async () => { await gh?.stop(); });

  test('answers several requests on one keep-alive connection', async () => {
    const c = await connect(gh.port);
    c.write(get('/ping'));
    assert.equal((await c.responses(1))[0].status, 200);
    c.write(get('/oauth2/auth'));
    const r = await c.responses(2);
    assert.equal(r[1].status, 401);
    assert.equal(r[1].headers['content-length'], '0');
    assert.equal(c.closed, false);
    c.close();
  });

  test('answers pipelined requests in order', async () => {
    const cookie = mintCookie({ user: 'pipelined' });
    const c = await connect(gh.port);
    c.write(get('/oauth2/auth', { Cookie: cookie }) + get('/oauth2/auth') + get('/ping'));
    const r = await c.responses(3);
    assert.deepEqual(r.map((x) => x.status), [202, 401, 200]);
    assert.equal(r[0].headers['x-auth-request-user'], 'pipelined');
    c.close();
  });

  test('refuses a header block over --max-header-bytes with 431 and closes', async () => {
    const c = await connect(gh.port);
    c.write(get('/oauth2/auth', { 'X-Big': 'a'.repeat(9000) }));
    const r = await c.responses(1);
    assert.equal(r[0].status, 431);
    assert.equal(await c.waitClosed(), true);
    await gh.waitForOutput(/rejected request: .*\(431\)/);
  });

  test('refuses more than --max-header-count fields with 431', async () => {
    const headers = {};
    for (let i = 0; i < 25; i++) headers[`X-H${i}`] = 'v';
    const c = await connect(gh.port);
    c.write(get('/oauth2/auth', headers));
    assert.equal((await c.responses(1))[0].status, 431);
    assert.equal(await c.waitClosed(), true);
  });

  test('refuses a request body on the auth endpoint with 413', async () => {
    const c = await connect(gh.port);
    c.write('POST /oauth2/auth HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello');
    assert.equal((await c.responses(1))[0].status, 413);
    assert.equal(await c.waitClosed(), true);
  });

  test('answers malformed requests with 400 and stays up', async () => {
    const c = await connect(gh.port);
    c.write('THIS IS NOT HTTP\r\n\r\n');
    assert.equal((await c.responses(1))[0].status, 400);
    const ok = await connect(gh.port);
    ok.write(get('/ping'));
    assert.equal((await ok.responses(1))[0].status, 200);
    ok.close();
  });

  test('closes a connection whose header does not arrive within --header-read-timeout (slowloris)', async () => {
    const c = await connect(gh.port);
    const started = Date.now();
    c.write('GET /oauth2/auth HTTP/1.1\r\nHost: x\r\n');
    const timer = setInterval(() => { if (!c.closed) c.write('X-Slow: 1\r\n'); }, 100);
    const closed = await c.waitClosed(3000);
    clearInterval(timer);
    assert.equal(closed, true);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 350 && elapsed < 2000, `closed after ${elapsed} ms`);
    await gh.waitForOutput(/request header not received within 400 ms/);
  });

  test('closes an idle keep-alive connection after --idle-timeout', async () => {
    const c = await connect(gh.port);
    c.write(get('/ping'));
    await c.responses(1);
    const started = Date.now();
    assert.equal(await c.waitClosed(3000), true);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 500 && elapsed < 2000, `closed after ${elapsed} ms`);
  });

  test('honours Connection: close', async () => {
    const c = await connect(gh.port);
    c.write(get('/ping', { Connection: 'close' }));
    const r = await c.responses(1);
    assert.equal(r[0].headers.connection, 'close');
    assert.equal(await c.waitClosed(), true);
  });
});

describe('graceful drain', () => {
  test('SIGTERM closes idle connections, finishes and exits 0', async () => {
    const gh = await startGatehouse(['--shutdown-timeout=5s']);
    const c = await connect(gh.port);
    c.write(get('/ping'));
    await c.responses(1);
    const started = Date.now();
    const { code } = await gh.stop('SIGTERM');
    assert.equal(code, 0);
    assert.ok(Date.now() - started < 2000, 'idle connections must not hold the shutdown');
    assert.equal(await c.waitClosed(1000), true);
    assert.match(gh.output, /draining/);
  });

  test('a request that arrives during the drain is still answered, with Connection: close', async () => {
    const gh = await startGatehouse(['--shutdown-timeout=5s']);
    const c = await connect(gh.port);
    c.write('GET /ping HTTP/1.1\r\nHost: x\r\n');  // a request in flight: header not finished yet
    await new Promise((r) => setTimeout(r, 100));
    process.kill(gh.pid, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    c.write('\r\n');
    const r = await c.responses(1);
    assert.equal(r[0]?.status, 200);
    assert.equal(r[0].headers.connection, 'close');
    assert.equal((await gh.exited).code, 0);
  });
});

describe('HTTPS listener', () => {
  test('serves /oauth2/auth over TLS with --https-address', async () => {
    const dir = tempDir('tls');
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const tlsPort = await freePort();
    const gh = await startGatehouse([`--https-address=127.0.0.1:${tlsPort}`, `--tls-cert-file=${cert}`,
      `--tls-key-file=${key}`]);
    try {
      const cookie = mintCookie({ user: 'tls-user' });
      const status = await new Promise((resolve, reject) => {
        https.get({ host: '127.0.0.1', port: tlsPort, path: '/oauth2/auth', ca: execFileSync('cat', [cert]),
          headers: { Cookie: cookie }, agent: false }, (res) => { res.resume(); resolve(res.statusCode); })
          .on('error', reject);
      });
      assert.equal(status, 202);
    } finally {
      await gh.stop();
    }
  });
});
