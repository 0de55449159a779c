// Reverse-proxy mode (--upstream=http://…): Gatehouse in front of a real backend (a Node HTTP server started
// here), with request and answer bodies of tens of megabytes streamed both ways, chunked and with a length, the
// identity passed as headers, hop-by-hop and look-alike headers dropped, routes by longest path prefix, keep-alive
// to the upstream, and the failures: no session (sign-in page or 401), upstream down (502), too slow (504), an
// upstream that drops a kept-alive connection (one retry for a GET, 502 for a POST). Also file:// upstreams
// (a directory made here) and the Authorization forms (--pass-basic-auth, --set-authorization-header …).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { startGatehouse, freePort, mintCookie } from './lib/processes.mjs';
import { startSsoStack } from './lib/sso_stack.mjs';
import { Browser } from './lib/browser.mjs';
import { login } from './lib/login_steps.mjs';
import { makeCertificates } from './lib/tls.mjs';
import { connect } from './lib/raw_http.mjs';

const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');
// Deterministic bytes, so both ends can check what arrived without holding a copy.
const patterns = new Map();
function pattern(size) {
  if (!patterns.has(size)) {
    const b = Buffer.allocUnsafe(size);
    for (let i = 0; i < size; i++) b[i] = (i * 7 + (i >> 11)) & 0xff;
    patterns.set(size, b);
  }
  return patterns.get(size);
}

// One WebSocket frame (FIN, text) with `mask` (4 bytes) or none.
function writeFrame(payload, mask) {
  const head = payload.length < 126 ? Buffer.from([0x81, payload.length | (mask ? 0x80 : 0)])
    : Buffer.from([0x81, 126 | (mask ? 0x80 : 0), payload.length >> 8, payload.length & 0xff]);
  if (!mask) return Buffer.concat([head, payload]);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([head, mask, masked]);
}
function readFrame(buf) {
  if (buf.length < 2) return null;
  let length = buf[1] & 0x7f;
  let offset = 2;
  if (length === 126) { if (buf.length < 4) return null; length = buf.readUInt16BE(2); offset = 4; }
  const masked = (buf[1] & 0x80) !== 0;
  const mask = masked ? buf.subarray(offset, offset + 4) : null;
  if (masked) offset += 4;
  if (buf.length < offset + length) return null;
  const payload = Buffer.from(buf.subarray(offset, offset + length));
  if (mask) for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
  return { payload, size: offset + length };
}

function startBackend(name) {
  const seen = { connections: 0 };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://backend');
    if (url.pathname.endsWith('/slow')) return;  // never answers
    const hash = crypto.createHash('sha256');
    let length = 0;
    for await (const piece of req) { hash.update(piece); length += piece.length; }
    if (url.pathname.endsWith('/download')) {
      const size = Number(url.searchParams.get('size'));
      const data = pattern(size);
      const fixed = url.searchParams.get('fixed') === '1';
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-body-sha256': sha256(data),
        ...(fixed ? { 'content-length': size } : {}), connection: 'keep-alive', 'keep-alive': 'timeout=5' });
      for (let i = 0; i < size; i += 1 << 20) res.write(data.subarray(i, Math.min(size, i + (1 << 20))));
      return res.end();
    }
    const body = JSON.stringify({ backend: name, method: req.method, url: req.url, headers: req.headers,
      bodyLength: length, bodySha256: hash.digest('hex') });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.on('connection', () => { seen.connections += 1; });
  // A WebSocket echo (RFC 6455, by hand: Node 20 has no WebSocket server): unmasks each client frame and sends
  // its payload back in an unmasked frame.
  server.on('upgrade', (req, socket) => {
    const accept = crypto.createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    seen.upgradeHeaders = req.headers;
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    let pending = Buffer.alloc(0);
    socket.on('data', (data) => {
      pending = Buffer.concat([pending, data]);
      for (;;) {
        const frame = readFrame(pending);
        if (!frame) return;
        pending = pending.subarray(frame.size);
        socket.write(writeFrame(frame.payload, null));
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, seen, port: server.address().port })));
}

describe('reverse-proxy mode', () => {
  let gh, main, api, cookie;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  before(async () => {
    main = await startBackend('main');
    api = await startBackend('api');
    const unused = await freePort();
    gh = await startGatehouse([`--upstream=http://127.0.0.1:${main.port}/`, `--upstream=http://127.0.0.1:${api.port}/api/`,
      '--upstream=static://204/health', `--upstream=http://127.0.0.1:${unused}/down/`, '--upstream-timeout=2s',
      '--email-domain=example.com', '--pass-access-token']);
    cookie = mintCookie({ user: 'alice-sub', email: 'alice@example.com', groups: '/dev,/ops', 'preferred-username': 'alice',
      'access-token': 'alice-access-token' });
  });
  after(async () => {
    agent.destroy();
    await gh?.stop();
    main?.server.close();
    api?.server.close();
  });

  // One request through Gatehouse; `body`: a Buffer sent with a length, or an array of Buffers sent chunked.
  function request(path, { method = 'GET', headers = {}, body } = {}) {
    return new Promise((resolve, reject) => {
      const chunked = Array.isArray(body);
      const req = http.request({ host: '127.0.0.1', port: gh.port, path, method, agent,
        headers: { Cookie: cookie, ...headers, ...(body && !chunked ? { 'content-length': body.length } : {}) } }, (res) => {
        const pieces = [];
        res.on('data', (p) => pieces.push(p));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(pieces) }));
      });
      req.on('error', reject);
      if (chunked) { for (const part of body) req.write(part); req.end(); } else req.end(body);
    });
  }

  test('the upstream gets the identity, the client and none of a client\'s look-alikes, hop-by-hop headers or our cookie', async () => {
    const r = await request('/reports?q=1', { headers: { Cookie: `${cookie}; theme=dark`, 'X-Forwarded-User': 'mallory',
      'X-Auth-Request-Email': 'mallory@example.com', Connection: 'keep-alive, X-Hop', 'X-Hop': 'secret', 'X-Custom': 'kept' } });
    assert.equal(r.status, 200);
    const seen = JSON.parse(r.body);
    assert.equal(seen.backend, 'main');
    assert.equal(seen.url, '/reports?q=1', 'the path reaches the upstream unchanged');
    assert.equal(seen.headers['x-forwarded-user'], 'alice-sub');
    assert.equal(seen.headers['x-forwarded-email'], 'alice@example.com');
    assert.equal(seen.headers['x-forwarded-groups'], '/dev,/ops');
    assert.equal(seen.headers['x-forwarded-preferred-username'], 'alice');
    assert.equal(seen.headers['x-forwarded-access-token'], 'alice-access-token');
    assert.equal(seen.headers['x-auth-request-email'], undefined);
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
    assert.equal(seen.headers.host, `127.0.0.1:${gh.port}`, '--pass-host-header');
    assert.equal(seen.headers.cookie, 'theme=dark', 'the session cookie stays with Gatehouse');
    assert.equal(seen.headers['x-hop'], undefined);
    assert.equal(seen.headers['x-custom'], 'kept');
    // --pass-basic-auth is on by default, as in oauth2-proxy: the user with an empty --basic-auth-password.
    assert.equal(seen.headers.authorization, `Basic ${Buffer.from('alice-sub:').toString('base64')}`);
    assert.equal(r.headers['gap-auth'], 'alice@example.com', 'the auth answer\'s GAP-Auth rides on the answer');
    assert.equal(r.headers['x-auth-request-user'], undefined, 'no X-Auth-Request-* without --set-xauthrequest');
  });

  test('large bodies stream both ways: 24 MB up with a length, 6 MB up chunked, 32 MB down chunked, 12 MB down with a length', async () => {
    const up = pattern(24 << 20);
    let r = await request('/upload', { method: 'POST', body: up });
    assert.equal(r.status, 200);
    let seen = JSON.parse(r.body);
    assert.equal(seen.bodyLength, up.length);
    assert.equal(seen.bodySha256, sha256(up));
    const parts = Array.from({ length: 6 }, (_, i) => pattern(1 << 20).subarray(i));
    r = await request('/upload', { method: 'PUT', body: parts, headers: { 'Transfer-Encoding': 'chunked' } });
    seen = JSON.parse(r.body);
    assert.equal(seen.headers['transfer-encoding'], 'chunked');
    assert.equal(seen.bodySha256, sha256(Buffer.concat(parts)));
    for (const [size, fixed] of [[32 << 20, 0], [12 << 20, 1]]) {
      r = await request(`/download?size=${size}&fixed=${fixed}`);
      assert.equal(r.status, 200);
      assert.equal(r.body.length, size);
      assert.equal(sha256(r.body), r.headers['x-body-sha256']);
      assert.equal(r.headers['keep-alive'], undefined, 'the upstream\'s hop-by-hop headers stay there');
    }
  });

  test('the longest route wins; static:// routes answer by themselves; HEAD has no body', async () => {
    assert.equal(JSON.parse((await request('/api/v1/things')).body).backend, 'api');
    assert.equal(JSON.parse((await request('/apiary')).body).backend, 'main');
    assert.equal((await request('/health')).status, 204);
    const head = await request('/download?size=1000&fixed=1', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], '1000');
    assert.equal(head.body.length, 0);
  });

  test('connections to the upstream are kept alive and reused', async () => {
    const before = main.seen.connections;
    for (let i = 0; i < 20; i++) assert.equal((await request(`/again/${i}`)).status, 200);
    assert.ok(main.seen.connections - before <= 1, `${main.seen.connections - before} new upstream connections for 20 requests`);
  });

  test('without a session: a browser gets the sign-in page, a program 401; the upstream sees nothing', async () => {
    const page = await request('/reports', { headers: { Cookie: '', Accept: 'text/html' } });
    assert.equal(page.status, 403);
    assert.match(page.body.toString(), /\/oauth2\/start\?rd=%2Freports/);
    const api401 = await request('/reports', { headers: { Cookie: '', Accept: 'application/json' } });
    assert.equal(api401.status, 401);
    const upload = await request('/upload', { method: 'POST', headers: { Cookie: '', Accept: 'application/json' },
      body: pattern(4 << 20) });
    assert.equal(upload.status, 401, 'an unread body does not confuse the answer');
  });

  test('a WebSocket upgrade becomes a tunnel: frames echo both ways; without a session there is no tunnel', async () => {
    const socket = net.connect(gh.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const key = crypto.randomBytes(16).toString('base64');
    socket.write(`GET /ws HTTP/1.1\r\nHost: app.example.com\r\nCookie: ${cookie}\r\nConnection: Upgrade\r\n` +
      `Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n\r\n`);
    let received = Buffer.alloc(0);
    const more = () => new Promise((r) => socket.once('data', (d) => { received = Buffer.concat([received, d]); r(); }));
    while (!received.includes('\r\n\r\n')) await more();
    const end = received.indexOf('\r\n\r\n');
    const head = received.subarray(0, end).toString();
    received = received.subarray(end + 4);
    assert.match(head, /^HTTP\/1\.1 101 /);
    assert.match(head, /\r\nUpgrade: websocket/i);
    assert.match(head, new RegExp(`Sec-WebSocket-Accept: ${crypto.createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64').replace(/[+/]/g, '\\$&')}`));
    assert.equal(main.seen.upgradeHeaders['x-forwarded-user'], 'alice-sub', 'the upgrade request carries the identity');
    for (const text of ['hello through gatehouse', 'x'.repeat(300)]) {
      socket.write(writeFrame(Buffer.from(text), crypto.randomBytes(4)));
      let frame;
      while (!(frame = readFrame(received))) await more();
      received = received.subarray(frame.size);
      assert.equal(frame.payload.toString(), text);
    }
    socket.destroy();
    const refused = await request('/ws', { headers: { Cookie: '', Connection: 'Upgrade', Upgrade: 'websocket',
      Accept: 'application/json' } });
    assert.equal(refused.status, 401);
  });

  test('--proxy-websockets=false (oauth2-proxy\'s switch): the upgrade is dropped and the request answered as a plain one', async () => {
    const closed = await startGatehouse([`--upstream=http://127.0.0.1:${main.port}/`, '--email-domain=example.com',
      '--proxy-websockets=false']);
    try {
      const socket = net.connect(closed.port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      socket.write(`GET /ws-off HTTP/1.1\r\nHost: app.example.com\r\nCookie: ${cookie}\r\nConnection: Upgrade\r\n` +
        'Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
      let received = '';
      // Until the whole answer: a head that is not a 200 (a 101 would be the tunnel), or the 200's JSON body.
      while (!(received.includes('\r\n\r\n') && (!received.startsWith('HTTP/1.1 200') || received.endsWith('}')))) {
        received += await new Promise((r) => socket.once('data', (d) => r(d.toString())));
      }
      socket.destroy();
      assert.match(received, /^HTTP\/1\.1 200 /);
      const seen = JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4));
      assert.equal(seen.url, '/ws-off');
      assert.equal(seen.headers.upgrade, undefined, 'the upstream was not asked to switch');
    } finally {
      await closed.stop();
    }
  });

  test('an upstream that is down: 502; one that does not answer within --upstream-timeout: 504', async () => {
    const down = await request('/down/x');
    assert.equal(down.status, 502);
    await gh.waitForOutput(/proxy: upstream http:\/\/127\.0\.0\.1:\d+\/down\/ failed: cannot connect/);
    const slow = await request('/slow');
    assert.equal(slow.status, 504);
    await gh.waitForOutput(/failed: no answer within --upstream-timeout status=504/);
    assert.equal((await request('/after-failures')).status, 200, 'Gatehouse serves on');
  });
});

describe('reverse-proxy mode with the real IdP behind nginx', () => {
  let stack, backend;
  before(async () => {
    backend = await startBackend('behind-sso');
    stack = await startSsoStack({ gatehouseFlags: ['--cookie-refresh=1s', `--upstream=http://127.0.0.1:${backend.port}/`] });
  });
  after(async () => {
    await stack?.stop();
    backend?.server.close();
  });

  test('a signed-in user reaches the upstream; a session past --cookie-refresh is renewed on the way', async () => {
    const b = new Browser({ ca: stack.certs.ca });
    const page = await b.get(`${stack.base('auth')}/private`);
    assert.equal(page.status, 403, 'the sign-in page first');
    assert.match(page.body, /Sign in with/);
    await login(b, `${stack.base('app1')}/`);
    const first = b.cookie('_oauth2_proxy').value;
    let r = await b.get(`${stack.base('auth')}/private`);
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).headers['x-forwarded-email'], 'alice@gatehouse.test');
    await new Promise((res) => setTimeout(res, 2100));  // due: whole seconds, strictly older than 1 s
    r = await b.get(`${stack.base('auth')}/private`);
    assert.equal(r.status, 200);
    assert.ok([].concat(r.headers['set-cookie'] ?? []).some((c) => c.startsWith('_oauth2_proxy=')), 'the renewed cookie rides on the answer');
    assert.notEqual(b.cookie('_oauth2_proxy').value, first);
    await stack.gatehouse.waitForOutput(/refresh: renewed the session/);
  });
});

describe('reverse-proxy mode to https:// upstreams', () => {
  let gh, trusted, untrusted;
  const serve = (certs, name) => new Promise((resolve) => {
    const server = https.createServer({ cert: fs.readFileSync(certs.cert), key: fs.readFileSync(certs.key) }, (req, res) => {
      const body = JSON.stringify({ backend: name, url: req.url, headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port }));
  });
  before(async () => {
    const certs = makeCertificates(['127.0.0.1']);
    const stranger = makeCertificates(['127.0.0.1']);  // another CA, which Gatehouse does not trust
    trusted = await serve(certs, 'tls');
    untrusted = await serve(stranger, 'stranger');
    gh = await startGatehouse([`--upstream=https://127.0.0.1:${trusted.port}/tls/`,
      `--upstream=https://127.0.0.1:${untrusted.port}/untrusted/`, '--email-domain=example.com'],
    { env: { SSL_CERT_FILE: certs.caFile } });  // OpenSSL's default roots: the test's CA only
  });
  after(async () => {
    await gh?.stop();
    trusted?.server.close();
    untrusted?.server.close();
  });

  test('the upstream\'s certificate is verified: a trusted one serves, another CA\'s gets 502 and a logged cause', async () => {
    const cookie = mintCookie({ user: 'bob-sub', email: 'bob@example.com' });
    const r = await fetch(`http://127.0.0.1:${gh.port}/tls/x`, { headers: { Cookie: cookie } });
    assert.equal(r.status, 200);
    const seen = await r.json();
    assert.equal(seen.backend, 'tls');
    assert.equal(seen.headers['x-forwarded-email'], 'bob@example.com');
    assert.equal((await fetch(`http://127.0.0.1:${gh.port}/tls/again`, { headers: { Cookie: cookie } })).status, 200);
    const refused = await fetch(`http://127.0.0.1:${gh.port}/untrusted/x`, { headers: { Cookie: cookie } });
    assert.equal(refused.status, 502);
    await gh.waitForOutput(/proxy: upstream https:\/\/127\.0\.0\.1:\d+\/untrusted\/ failed: TLS: certificate verify failed/);
  });
});

// A backend that answers the first request of each connection and drops the connection when a second arrives,
// without answering: what an upstream closing an idle keep-alive connection looks like when our request crosses
// its close.
function startDroppingBackend() {
  const seen = { connections: 0, requests: [] };
  const server = net.createServer((socket) => {
    seen.connections += 1;
    let served = 0;
    let pending = '';
    socket.on('data', (data) => {
      pending += data.toString('latin1');
      const end = pending.indexOf('\r\n\r\n');
      if (end < 0) return;
      const line = pending.slice(0, pending.indexOf('\r\n'));
      pending = '';
      seen.requests.push(line);
      if (++served > 1) return socket.destroy();
      const body = `served ${line}`;
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n${body}`);
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, seen, port: server.address().port })));
}

describe('reverse-proxy mode: a kept-alive upstream connection dropped under a request', () => {
  let gh, backend;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  before(async () => {
    backend = await startDroppingBackend();
    gh = await startGatehouse([`--upstream=http://127.0.0.1:${backend.port}/`, '--email-domain=example.com']);
  });
  after(async () => { agent.destroy(); await gh?.stop(); backend?.server.close(); });

  const send = (path, method = 'GET', body) => new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: gh.port, path, method, agent,
      headers: { Cookie: mintCookie({ email: 'carol@example.com' }), ...(body ? { 'content-length': body.length } : {}) } },
    (res) => { let text = ''; res.on('data', (d) => { text += d; }); res.on('end', () => resolve({ status: res.statusCode, text })); });
    req.on('error', reject);
    req.end(body);
  });

  test('a GET is sent again once on a new connection; a POST is not (it may have been acted on): 502', async () => {
    assert.equal((await send('/one')).text, 'served GET /one HTTP/1.1');
    const again = await send('/two');
    assert.equal(again.status, 200);
    assert.equal(again.text, 'served GET /two HTTP/1.1', 'answered over a new connection');
    assert.deepEqual(backend.seen.requests, ['GET /one HTTP/1.1', 'GET /two HTTP/1.1', 'GET /two HTTP/1.1']);
    assert.equal(backend.seen.connections, 2);
    const post = await send('/three', 'POST', Buffer.from('{"order":1}'));
    assert.equal(post.status, 502, 'a POST reached the upstream once and is not repeated');
    assert.equal(backend.seen.requests.filter((l) => l.startsWith('POST')).length, 1);
    await gh.waitForOutput(/proxy: upstream http:\/\/127\.0\.0\.1:\d+\/ failed: reading the answer/);
  });
});

describe('reverse-proxy mode: Authorization forms and the auth answer\'s headers', () => {
  let gh, backend;
  before(async () => {
    backend = await startBackend('main');
    gh = await startGatehouse([`--upstream=http://127.0.0.1:${backend.port}/`, '--email-domain=example.com',
      '--prefer-email-to-user', '--basic-auth-password=app-shared-password', '--pass-user-headers=false',
      '--set-xauthrequest', '--set-authorization-header', '--set-basic-auth']);
  });
  after(async () => { await gh?.stop(); backend?.server.close(); });

  test('--pass-basic-auth with --prefer-email-to-user and --basic-auth-password; the answer carries X-Auth-Request-* and Authorization', async () => {
    const cookie = mintCookie({ user: 'dave-sub', email: 'dave@example.com', groups: '/ops', 'id-token': 'dave.id.token' });
    const r = await fetch(`http://127.0.0.1:${gh.port}/page`, { headers: { Cookie: cookie, Authorization: 'Bearer client-own' } });
    assert.equal(r.status, 200);
    const seen = await r.json();
    assert.equal(seen.headers.authorization, `Basic ${Buffer.from('dave@example.com:app-shared-password').toString('base64')}`);
    assert.equal(seen.headers['x-forwarded-user'], 'dave@example.com', '--pass-basic-auth brings X-Forwarded-User');
    assert.equal(seen.headers['x-forwarded-email'], 'dave@example.com');
    assert.equal(seen.headers['x-forwarded-groups'], undefined, 'groups only with --pass-user-headers');
    assert.equal(r.headers.get('x-auth-request-user'), 'dave-sub');
    assert.equal(r.headers.get('x-auth-request-groups'), '/ops');
    assert.equal(r.headers.get('authorization'), 'Bearer dave.id.token', '--set-authorization-header');

    // The forward-auth answer: Bearer with an ID token, Basic (--set-basic-auth) without one.
    let auth = await fetch(`http://127.0.0.1:${gh.port}/oauth2/auth`, { headers: { Cookie: cookie } });
    assert.equal(auth.status, 202);
    assert.equal(auth.headers.get('authorization'), 'Bearer dave.id.token');
    const noIdToken = mintCookie({ user: 'erin-sub', email: 'erin@example.com' });
    auth = await fetch(`http://127.0.0.1:${gh.port}/oauth2/auth`, { headers: { Cookie: noIdToken } });
    assert.equal(auth.headers.get('authorization'), `Basic ${Buffer.from('erin@example.com:app-shared-password').toString('base64')}`);
    assert.equal((await fetch(`http://127.0.0.1:${gh.port}/oauth2/auth`)).headers.get('authorization'), null);
  });
});

describe('reverse-proxy mode: client-sent look-alikes of our headers, and Authorization on public routes', () => {
  // A CGI, PHP or WSGI app reads X_Forwarded_Email (and, for some, X.Forwarded.Email) as X-Forwarded-Email.
  const forged = { X_Forwarded_Email: 'mallory@evil.test', x_auth_request_email: 'mallory@evil.test',
    'X.Forwarded.Email': 'mallory@evil.test', 'x-FORWARDED-user': 'mallory', X_Forwarded_Groups: 'mallory-admins',
    'x.auth.request.user': 'mallory', Gap_Auth: 'mallory', X_Forwarded_Access_Token: 'mallory-token',
    'X_Forwarded.Preferred_Username': 'mallory', X_Forwarded_For: '10.6.6.6', 'X.Forwarded.Host': 'mallory.test' };
  let backend, plain, withPassword, noBasic;
  const flags = (backendPort) => [`--upstream=http://127.0.0.1:${backendPort}/`, '--email-domain=example.com',
    '--skip-auth-route=GET=^/public/', '--pass-access-token', '--set-xauthrequest'];
  before(async () => {
    backend = await startBackend('main');
    plain = await startGatehouse(flags(backend.port));
    withPassword = await startGatehouse([...flags(backend.port), '--basic-auth-password=app-shared-password']);
    noBasic = await startGatehouse([...flags(backend.port), '--pass-basic-auth=false']);
  });
  after(async () => { await plain?.stop(); await withPassword?.stop(); await noBasic?.stop(); backend?.server.close(); });
  const seenThrough = async (gh, path, headers) => {
    const r = await fetch(`http://127.0.0.1:${gh.port}${path}`, { headers });
    assert.equal(r.status, 200, path);
    return (await r.json()).headers;
  };

  test('no look-alike arrives, signed in or on a public route, whatever its case, underscores or dots', async () => {
    const cookie = mintCookie({ user: 'alice-sub', email: 'alice@example.com', groups: '/dev', 'access-token': 'at' });
    for (const [path, headers] of [['/page', { ...forged, Cookie: cookie }], ['/public/x', forged]]) {
      const seen = await seenThrough(plain, path, { ...headers, 'X-Custom_Header': 'kept' });
      assert.doesNotMatch(JSON.stringify(seen), /mallory|10\.6\.6\.6/, `${path}: ${JSON.stringify(seen)}`);
      for (const name of Object.keys(forged)) {
        if (name.toLowerCase() !== name.toLowerCase().replace(/[_.]/g, '-')) assert.equal(seen[name.toLowerCase()], undefined, name);
      }
      assert.equal(seen['x-custom_header'], 'kept', 'other names with underscores pass');
      assert.equal(seen['x-forwarded-for'], '127.0.0.1');
    }
  });

  test('a public route drops the client\'s Authorization whenever Gatehouse sets one for signed-in users', async () => {
    const own = { Authorization: 'Basic YWRtaW46' };  // "admin:", what an app that trusts our Basic header reads
    // --pass-basic-auth (the default) sends "Basic <user>:" for signed-in users, so the app trusts that header: a
    // client's own must not reach it on a public route (oauth2-proxy's --skip-auth-strip-headers).
    assert.equal((await seenThrough(plain, '/public/api', own)).authorization, undefined);
    assert.equal((await seenThrough(withPassword, '/public/api', own)).authorization, undefined);
    // Without it, a public API's own token passes.
    assert.equal((await seenThrough(noBasic, '/public/api', own)).authorization, own.Authorization);
    const cookie = mintCookie({ user: 'bob-sub', email: 'bob@example.com' });
    assert.equal((await seenThrough(withPassword, '/page', { ...own, Cookie: cookie })).authorization,
      `Basic ${Buffer.from('bob-sub:app-shared-password').toString('base64')}`);
  });
});

describe('file:// upstreams', () => {
  let gh, dir, outside;
  const big = pattern(5 << 20);
  before(async () => {
    dir = fs.mkdtempSync('/tmp/gh-files-');
    outside = fs.mkdtempSync('/tmp/gh-outside-');
    fs.writeFileSync(`${dir}/index.html`, '<h1>home</h1>');
    fs.writeFileSync(`${dir}/app.js`, 'console.log(1)');
    fs.mkdirSync(`${dir}/docs`);
    fs.writeFileSync(`${dir}/docs/index.html`, '<h1>docs</h1>');
    fs.mkdirSync(`${dir}/empty`);
    fs.writeFileSync(`${dir}/big.bin`, big);
    fs.writeFileSync(`${outside}/secret.txt`, 'not for the web');
    fs.symlinkSync(`${outside}/secret.txt`, `${dir}/leak.txt`);
    fs.symlinkSync(`${dir}/app.js`, `${dir}/alias.js`);
    gh = await startGatehouse([`--upstream=file://${dir}#/static/`, '--upstream=static://200', '--email-domain=example.com']);
  });
  after(async () => {
    await gh?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  function get(path, { method = 'GET', headers = {}, cookie = true } = {}) {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: gh.port, path, method,
        headers: { ...(cookie ? { Cookie: mintCookie({ email: 'frank@example.com' }) } : {}), Accept: 'application/json', ...headers } }, (res) => {
        const pieces = [];
        res.on('data', (p) => pieces.push(p));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(pieces) }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  test('files, index.html, types, a 5 MB file, HEAD, If-Modified-Since, a directory without its slash', async () => {
    let r = await get('/static/');
    assert.equal(r.status, 200);
    assert.equal(r.body.toString(), '<h1>home</h1>');
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    r = await get('/static/app.js');
    assert.equal(r.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(r.body.toString(), 'console.log(1)');
    assert.equal((await get('/static/alias.js')).body.toString(), 'console.log(1)', 'a link inside the directory');
    r = await get('/static/docs');
    assert.equal(r.status, 301);
    assert.equal(r.headers.location, '/static/docs/');
    assert.equal((await get('/static/docs/')).body.toString(), '<h1>docs</h1>');
    r = await get('/static/big.bin');
    assert.equal(r.body.length, big.length);
    assert.equal(sha256(r.body), sha256(big));
    r = await get('/static/big.bin', { method: 'HEAD' });
    assert.equal(r.headers['content-length'], String(big.length));
    assert.equal(r.body.length, 0);
    r = await get('/static/app.js', { headers: { 'If-Modified-Since': r.headers['last-modified'] } });
    assert.equal(r.status, 304);
    assert.equal((await get('/elsewhere')).status, 200, 'other routes are not the directory\'s');
  });

  test('no way out of the directory, no listing, no writes, no files without a session', async () => {
    for (const path of ['/static/%2e%2e/etc/passwd', '/static/..%2f..%2fetc%2fpasswd', '/static/a%00b', '/static/..\\x']) {
      const r = await get(path);
      assert.equal(r.status, 404, path);
    }
    await gh.waitForOutput(/file: refused path "\/static\/%2e%2e\/etc\/passwd"/);
    assert.equal((await get('/static/leak.txt')).status, 404);
    await gh.waitForOutput(/file: refused "\/static\/leak.txt" under file:\/\/\S+: a link leads outside the directory/);
    assert.equal((await get('/static/empty/')).status, 404, 'a directory without index.html is not listed');
    assert.equal((await get('/static/missing.css')).status, 404);
    const post = await get('/static/app.js', { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
    assert.equal((await get('/static/app.js', { cookie: false })).status, 401);
  });
});

// An app that speaks HTTP/1.1 by hand, so that it can do what real apps do and Node's server would not let a test
// do by accident: an interim 103 Early Hints before the answer, and a body sent after a HEAD answer (a buggy app).
// Every answer names the request and the user it was for, so that a test sees whose answer a client got.
function startHandWrittenApp(tlsCerts) {
  const onConnection = (socket) => {
    let pending = '';
    let queue = Promise.resolve();
    socket.on('data', (data) => {
      pending += data.toString('latin1');
      for (let end; (end = pending.indexOf('\r\n\r\n')) >= 0;) {
        const head = pending.slice(0, end);
        const length = Number(/^content-length: *(\d+)$/im.exec(head)?.[1] ?? 0);
        if (pending.length < end + 4 + length) break;  // the body is read with its head
        pending = pending.slice(end + 4 + length);
        const [method, target] = head.split('\r\n')[0].split(' ');
        const user = /^x-forwarded-user: *(.*)$/im.exec(head)?.[1] ?? '-';
        const body = `answer for ${target} user=${user}`;
        const final = `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`;
        queue = queue.then(async () => {
          if (target.endsWith('/late')) await new Promise((r) => setTimeout(r, 1200));
          if (target.endsWith('/hints-slowly')) {  // each wait shorter than --upstream-timeout, all of them longer
            for (let i = 0; i < 2; i++) {
              socket.write('HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n');
              await new Promise((r) => setTimeout(r, 900));
            }
          }
          if (target.endsWith('/hint')) {
            socket.write('HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n');
            await new Promise((r) => setTimeout(r, 150));
          }
          if (target.endsWith('/switch-h2c'))
            return socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n');
          if (target.endsWith('/no-content')) return socket.write('HTTP/1.1 204 No Content\r\nContent-Length: 12\r\n\r\n');
          if (method === 'HEAD') {
            socket.write(final);
            // The bug being survived: the body a HEAD answer must not have, in a write of its own.
            if (target.endsWith('/with-body-at-once')) {  // in the same tick: one TCP segment, two TLS records
              socket.write('HTTP/1.1 302 Found\r\nLocation: https://evil.example/\r\nContent-Length: 0\r\n\r\n');
            }
            if (target.endsWith('/with-body')) {
              await new Promise((r) => setTimeout(r, 50));
              const forged = 'HTTP/1.1 302 Found\r\nLocation: https://evil.example/\r\nContent-Length: 0\r\n\r\n';
              socket.write(forged);
            }
            return;
          }
          socket.write(final + body);
        });
      }
    });
    socket.on('error', () => {});
  };
  const server = tlsCerts
    ? tls.createServer({ cert: fs.readFileSync(tlsCerts.cert), key: fs.readFileSync(tlsCerts.key) }, onConnection)
    : net.createServer(onConnection);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port })));
}

for (const scheme of ['http', 'https']) {
  describe(`reverse-proxy mode (${scheme}:// upstream): an answer reaches only the request it answers`, () => {
    let gh, app;
    const alice = mintCookie({ user: 'alice', email: 'alice@example.com' });
    const eve = mintCookie({ user: 'eve', email: 'eve@example.com' });
    before(async () => {
      const certs = scheme === 'https' ? makeCertificates(['127.0.0.1']) : null;
      app = await startHandWrittenApp(certs);
      // One I/O thread: every request shares one pool of upstream connections.
      gh = await startGatehouse([`--upstream=${scheme}://127.0.0.1:${app.port}/`, '--email-domain=example.com',
        '--workers=1', '--header-read-timeout=1s', '--upstream-timeout=1500ms'], certs ? { env: { SSL_CERT_FILE: certs.caFile } } : {});
    });
    after(async () => {
      await gh?.stop();
      app?.server.close();
    });

    const ask = async (method, path, cookie) => {
      const c = await connect(gh.port);
      c.write(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\n\r\n`);
      if (method === 'HEAD') {  // a head only, whatever its Content-Length says
        for (const deadline = Date.now() + 3000; !c.data.includes('\r\n\r\n') && Date.now() < deadline;)
          await new Promise((r) => setTimeout(r, 10));
        c.close();
        return { status: Number(c.data.split(' ')[1]) };
      }
      const [r] = await c.responses(1, 3000);
      c.close();
      return r;
    };

    test('an interim 103 Early Hints is not taken for the answer: the final one follows, and the next user gets their own', async () => {
      const first = await ask('GET', '/app/hint', alice);
      assert.equal(first?.status, 200);
      assert.equal(first.body, 'answer for /app/hint user=alice');
      const next = await ask('GET', '/app/next', eve);
      assert.equal(next?.status, 200);
      assert.equal(next.body, 'answer for /app/next user=eve');
    });

    test('an app slower than --header-read-timeout still answers: only --upstream-timeout bounds the wait', async () => {
      const r = await ask('GET', '/app/late', alice);
      assert.equal(r?.status, 200);
      assert.equal(r.body, 'answer for /app/late user=alice');
    });

    test('interim answers that together take longer than --upstream-timeout do not cut a request with a body off', async () => {
      const c = await connect(gh.port);
      c.write(`POST /app/hints-slowly HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${alice}\r\nContent-Length: 5\r\n\r\nhello`);
      const [r] = await c.responses(1, 5000);
      c.close();
      assert.equal(r?.status, 200);
      assert.equal(r.body, 'answer for /app/hints-slowly user=alice');
    });

    test('an HTTP/1.0 client that asks to keep the connection is told so by a proxied answer, and served again', async () => {
      const c = await connect(gh.port);
      c.write(`GET /app/one HTTP/1.0\r\nCookie: ${alice}\r\nConnection: keep-alive\r\n\r\n`);
      const [first] = await c.responses(1, 3000);
      assert.equal(first?.status, 200);
      assert.equal(first.headers.connection, 'keep-alive');
      c.write(`GET /app/two HTTP/1.0\r\nCookie: ${alice}\r\nConnection: keep-alive\r\n\r\n`);
      const r = await c.responses(2, 3000);
      assert.equal(r[1]?.body, 'answer for /app/two user=alice');
      c.close();
    });

    test('a 101 to another protocol than the client asked for is refused (502), no tunnel opened', async () => {
      const c = await connect(gh.port);
      c.write(`GET /app/switch-h2c HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${alice}\r\nConnection: Upgrade\r\n` +
        'Upgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
      const [r] = await c.responses(1, 3000);
      c.close();
      assert.equal(r?.status, 502);
    });

    test('a 204 reaches the client without the Content-Length an app put on it (RFC 9110 §8.6)', async () => {
      const r = await ask('GET', '/app/no-content', alice);
      assert.equal(r?.status, 204);
      assert.equal(r.headers['content-length'], undefined);
    });

    test('Expect: 100-continue in any case gets its 100 on HTTP/1.1; an HTTP/1.0 client gets none', async () => {
      for (const [version, expectContinue] of [['1.1', true], ['1.0', false]]) {
        const c = await connect(gh.port);
        c.write(`POST /app/expecting HTTP/${version}\r\nHost: 127.0.0.1\r\nCookie: ${alice}\r\n` +
          'Expect: 100-Continue\r\nContent-Length: 5\r\n\r\n');
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(c.data.startsWith('HTTP/1.1 100 Continue\r\n'), expectContinue, `HTTP/${version}: ${JSON.stringify(c.data.slice(0, 40))}`);
        c.write('hello');
        for (const deadline = Date.now() + 3000; !c.data.includes('answer for') && Date.now() < deadline;)
          await new Promise((r) => setTimeout(r, 10));
        assert.match(c.data, /HTTP\/1\.1 200 OK[\s\S]*answer for \/app\/expecting user=alice$/);
        c.close();
      }
    });

    test('trailer fields after a chunked body are refused on proxied paths too', async () => {
      const c = await connect(gh.port);
      c.write(`POST /app/x HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${alice}\r\nTransfer-Encoding: chunked\r\n\r\n` +
        '2\r\nhi\r\n0\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n');
      const [r] = await c.responses(1, 3000);
      assert.equal(r?.status, 400);
      assert.equal(await c.waitClosed(), true);
    });

    test('records an app sends right behind a HEAD answer never become the next request\'s answer', async () => {
      for (let i = 0; i < 5; i++) {
        assert.equal((await ask('HEAD', '/app/with-body-at-once', eve))?.status, 200);
        const next = await ask('GET', '/app/secret', alice);
        assert.equal(next?.status, 200, 'not the forged 302');
        assert.equal(next.body, 'answer for /app/secret user=alice');
      }
    });

    test("bytes an app sends after a HEAD answer never become the next request's answer", async () => {
      const head = await ask('HEAD', '/app/with-body', eve);
      assert.equal(head?.status, 200);
      await new Promise((r) => setTimeout(r, 150));  // the stray bytes have arrived on the pooled connection
      const next = await ask('GET', '/app/secret', alice);
      assert.equal(next?.status, 200, 'not the forged 302');
      assert.equal(next.body, 'answer for /app/secret user=alice');
    });
  });
}
