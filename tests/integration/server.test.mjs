// The HTTP server itself, started as a real process: keep-alive, pipelining, request limits, timeouts,
// TLS, graceful drain on SIGTERM.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startGatehouse, runGatehouse, baseFlags, mintCookie, freePort, tempDir } from './lib/processes.mjs';
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

  test('a header that arrives in pieces is read once whole, and a request pipelined behind it after it', async () => {
    const cookie = mintCookie({ user: 'in-pieces' });
    const c = await connect(gh.port);
    const text = get('/oauth2/auth', { Cookie: cookie }) + get('/ping');
    // Cut inside the request line, inside a header name, inside the cookie, and between CR and LF.
    const cuts = [9, 40, text.indexOf('Cookie') + 20, text.indexOf('\r\n\r\n') + 1, text.length];
    let at = 0;
    for (const cut of cuts) {
      c.write(text.slice(at, cut));
      at = cut;
      await new Promise((r) => setTimeout(r, 30));
    }
    const r = await c.responses(2);
    assert.deepEqual(r.map((x) => x.status), [202, 200]);
    assert.equal(r[0].headers['x-auth-request-user'], 'in-pieces');
    c.close();
  });

  test('answers whole and in order to a client that stops reading until the socket is full', async () => {
    // Thousands of pipelined pages fill both socket buffers while the client does not read: the server's
    // writes meet a full socket partway and must finish later, each answer once and in one piece.
    const count = 8000;
    const c = await connect(gh.port);
    c.socket.pause();
    c.write(Array.from({ length: count }, () => get('/oauth2/sign_in')).join(''));
    await new Promise((r) => setTimeout(r, 300));
    c.socket.resume();
    const r = await c.responses(count, 20000);
    assert.equal(r.length, count);
    assert.ok(r.every((x) => x.status === 200), 'every answer a 200');
    const sizes = new Set(r.map((x) => x.body.length));
    assert.equal(sizes.size, 1, `every page the same size (${[...sizes].join(', ')})`);
    assert.ok(count * [...sizes][0] > 8 * 1024 * 1024, `more than the socket buffers hold (${count} x ${[...sizes][0]} bytes)`);
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

  // Refused while the client still sends (a header of 768 KiB, in 16 KiB writes): the server half-closes and drops
  // the rest instead of closing with unread bytes, whose RST would fail the client's later writes (EPIPE) or cut
  // the connection under it. The client keeps its side open after the server's FIN, as a proxy still forwarding
  // an upload does.
  test('a client still sending its oversized header reads the 431 and sends the rest: the server drains, not resets', async () => {
    for (let round = 0; round < 5; round++) {
      const socket = net.connect({ port: gh.port, host: '127.0.0.1', allowHalfOpen: true });
      await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      let answer = '';
      let writeError = null;
      socket.on('data', (d) => { answer += d; });
      socket.on('error', (e) => { writeError = e; });
      socket.write('GET /oauth2/auth HTTP/1.1\r\nHost: x\r\nX-Big: ');
      const chunk = 'a'.repeat(16384);
      let written = 0;
      for (; written < 48 && !socket.destroyed && !writeError; written++) {
        socket.write(chunk);
        await new Promise((r) => setTimeout(r, 1));
      }
      const ended = new Promise((resolve) => socket.once('close', resolve));
      socket.end();
      await Promise.race([ended, new Promise((r) => setTimeout(r, 3000))]);
      socket.destroy();
      assert.equal(writeError, null, `round ${round}: the connection failed (${writeError?.code})`);
      assert.equal(written, 48, `round ${round}: the connection was cut after ${written} writes`);
      assert.match(answer, /^HTTP\/1\.1 431 /, `round ${round}`);
    }
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

describe('request limits at their defaults', () => {
  let gh;
  before(async () => { gh = await startGatehouse(['--set-xauthrequest']); });
  after(async () => { await gh?.stop(); });

  test('a session cookie in four 4 KB chunks fits the default header limits', async () => {
    const cookie = mintCookie({ user: 'many-groups', 'group-padding': 620 });
    const chunks = cookie.split('; ');
    assert.equal(chunks.length, 4);
    assert.ok(chunks.every((c) => c.length > 3000), chunks.map((c) => c.length).join(' '));
    const c = await connect(gh.port);
    c.write(get('/oauth2/auth', { Cookie: cookie, 'User-Agent': 'Mozilla/5.0 '.repeat(20),
      Accept: 'text/html,application/xhtml+xml', 'X-Original-URL': `https://app.example.com/${'p'.repeat(2000)}` }));
    const [r] = await c.responses(1);
    assert.equal(r.status, 202);
    assert.equal(r.headers['x-auth-request-user'], 'many-groups');
    c.close();
  });

  test('refuses a URL over --max-url-length (8192) with 414 and closes', async () => {
    const ok = await connect(gh.port);
    ok.write(get(`/oauth2/auth?${'a'.repeat(8000)}`));
    assert.equal((await ok.responses(1))[0].status, 401);
    ok.close();
    const c = await connect(gh.port);
    c.write(get(`/oauth2/auth?${'a'.repeat(8200)}`));
    assert.equal((await c.responses(1))[0].status, 414);
    assert.equal(await c.waitClosed(), true);
    await gh.waitForOutput(/rejected request: URL of 8213 bytes is longer than --max-url-length=8192 \(414\)/);
  });
});

describe('--max-connections', () => {
  test('answers one connection too many with 503, logs it once, and admits again when one closes', async () => {
    const gh = await startGatehouse(['--max-connections=4', '--workers=2']);
    try {
      const open = [];
      for (let i = 0; i < 4; i++) {
        const c = await connect(gh.port);
        c.write(get('/ping'));
        assert.equal((await c.responses(1))[0].status, 200);
        open.push(c);
      }
      const extra = [];
      for (let i = 0; i < 3; i++) {
        const c = await connect(gh.port);
        const [r] = await c.responses(1);
        assert.equal(r.status, 503);
        assert.equal(r.headers['retry-after'], '1');
        assert.equal(await c.waitClosed(), true);
        extra.push(c);
      }
      await gh.waitForOutput(/refused a connection: --max-connections=4 reached \(answered 503\)/);
      // At most one line a second per I/O thread, whatever the number of refusals.
      assert.ok((gh.output.match(/refused a connection/g) ?? []).length <= 2, gh.output);
      open.shift().close();
      await new Promise((r) => setTimeout(r, 100));
      const again = await connect(gh.port);
      again.write(get('/ping'));
      assert.equal((await again.responses(1))[0].status, 200);
      again.close();
      for (const c of open) c.close();
    } finally {
      await gh.stop();
    }
  });
});

describe('--reverse-proxy with --trusted-proxy-ip', () => {
  const forwarded = {
    'X-Original-URL': 'https://app.example.com/public/x', 'X-Original-Method': 'GET', 'X-Real-IP': '203.0.113.50',
  };

  test('a peer outside --trusted-proxy-ip cannot use forwarded headers, and is logged by its own address', async () => {
    const gh = await startGatehouse(['--reverse-proxy', '--trusted-proxy-ip=10.0.0.0/8', '--skip-auth-route=^/public/']);
    try {
      const c = await connect(gh.port);
      c.write(get('/oauth2/auth', forwarded));
      // A rule depends on the original request, which this peer may not tell: refused (403 on the nginx door).
      assert.equal((await c.responses(1))[0].status, 403);
      c.close();
      await gh.waitForOutput(/auth: status=403 reason="the original request comes from an untrusted peer" client=127\.0\.0\.1 /);
      assert.doesNotMatch(gh.output, /203\.0\.113\.50/);
    } finally {
      await gh.stop();
    }
  });

  test('a peer inside --trusted-proxy-ip is believed, and the client address comes from --real-client-ip-header', async () => {
    const gh = await startGatehouse(['--reverse-proxy', '--trusted-proxy-ip=127.0.0.0/8', '--skip-auth-route=^/public/']);
    try {
      const c = await connect(gh.port);
      c.write(get('/oauth2/auth', forwarded));
      assert.equal((await c.responses(1))[0].status, 202);
      c.write(get('/oauth2/auth', { ...forwarded, 'X-Original-URL': 'https://app.example.com/private' }));
      assert.equal((await c.responses(2))[1].status, 401);
      c.close();
      await gh.waitForOutput(/auth: status=401 reason="no session" client=203\.0\.113\.50 /);
    } finally {
      await gh.stop();
    }
  });

  test('--trusted-proxy-ip without --reverse-proxy is a configuration error naming the flag', async () => {
    const { code, output } = await runGatehouse([...baseFlags(1), '--trusted-proxy-ip=10.0.0.0/8']);
    assert.equal(code, 2);
    assert.match(output, /^gatehouse: --trusted-proxy-ip: needs --reverse-proxy/m);
  });

  test("oauth2-proxy's --trusted-ip is read as a proxy list, never as a way around sign-in, and says so", async () => {
    const gh = await startGatehouse(['--reverse-proxy', '--trusted-ip=127.0.0.1']);
    try {
      await gh.waitForOutput(/--trusted-ip is read as --trusted-proxy-ip/);
      const c = await connect(gh.port);
      c.write(get('/oauth2/auth'));
      assert.equal((await c.responses(1))[0].status, 401);
      c.close();
    } finally {
      await gh.stop();
    }
  });

  test('--trusted-ip without --reverse-proxy starts, as oauth2-proxy does, and says it has no effect', async () => {
    const gh = await startGatehouse(['--trusted-ip=127.0.0.1']);
    try {
      await gh.waitForOutput(/--trusted-ip has no effect without --reverse-proxy/);
      const c = await connect(gh.port);
      c.write(get('/oauth2/auth'));
      assert.equal((await c.responses(1))[0].status, 401, 'a listed address still has to sign in');
      c.close();
    } finally {
      await gh.stop();
    }
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

describe('idle keep-alive connections', () => {
  // A connection between requests holds no read buffer, output buffer or header arena (13 KB together): those are
  // lent by its worker only while a request is read and answered. Resident memory measured, not timed.
  // Under a sanitizer every allocation is padded and freed memory sits in quarantine: resident memory would
  // measure the sanitizer, so the figure is checked in the plain build only (`make test`).
  const sanitized = Boolean(process.env.ASAN_OPTIONS || process.env.TSAN_OPTIONS);
  test('2,000 idle connections, each served once, cost under 8 KiB of resident memory apiece',
    { skip: sanitized && 'resident memory under a sanitizer measures the sanitizer' }, async () => {
    const gh = await startGatehouse(['--set-xauthrequest', '--workers=1']);
    const rss = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${gh.pid}/status`, 'utf8'))[1]);
    const clients = [];
    try {
      const cookie = mintCookie({ user: 'idle-user' });
      const before = rss();
      for (let batch = 0; batch < 4; batch++) {
        const opened = await Promise.all(Array.from({ length: 500 }, () => connect(gh.port)));
        for (const c of opened) c.write(get('/oauth2/auth', { Cookie: cookie }));
        for (const c of opened) assert.equal((await c.responses(1))[0]?.status, 202);
        clients.push(...opened);
      }
      await new Promise((r) => setTimeout(r, 200));
      const perConnection = (rss() - before) / clients.length;
      assert.ok(perConnection < 8, `${perConnection.toFixed(1)} KiB per idle connection`);
      // Every one of them is still open and serves its next request: the first ones waited with their scratch
      // (a bounded number per worker), all the others without.
      for (const c of clients) c.write(get('/oauth2/auth', { Cookie: cookie }));
      for (const c of clients) assert.equal((await c.responses(2))[1]?.status, 202);
    } finally {
      for (const c of clients) c.close();
      await gh.stop();
    }
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
      // Keep-alive over TLS: two requests on one connection (a TLS connection keeps its buffers between them).
      const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
      const sockets = [];
      for (let i = 0; i < 2; i++) {
        const again = await new Promise((resolve, reject) => {
          https.get({ host: '127.0.0.1', port: tlsPort, path: '/oauth2/auth', ca: execFileSync('cat', [cert]),
            headers: { Cookie: cookie }, agent }, (res) => {
            sockets.push(res.socket);
            res.resume();
            res.on('end', () => resolve(res.statusCode));
          }).on('error', reject);
        });
        assert.equal(again, 202);
      }
      assert.equal(sockets[0], sockets[1], 'the second request reused the connection');
      agent.destroy();
    } finally {
      await gh.stop();
    }
  });
});
