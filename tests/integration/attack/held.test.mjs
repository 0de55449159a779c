// [guard] attack: what was tried and held (helper session "guard-attack"). These pass on the branch where they
// were tried, and guard against regressions of things the guard suite does not already cover.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startAttackStack, req, bob } from './harness.mjs';
import { mintCookie } from '../lib/processes.mjs';

const J = ['Accept', 'application/json'];
let s; let B;
before(async () => { s = await startAttackStack({ proxies: false, extraFlags: ['--whitelist-domain=.example.test'] }); B = bob(); });
after(async () => { await s?.stop(); });

const raw = (text, waitMs = 3000) => new Promise((resolve) => {
  const so = net.connect(s.ports.gatehouse, '127.0.0.1', () => so.write(text));
  let d = ''; so.on('data', (x) => { d += x.toString('latin1'); }); so.on('error', () => {});
  so.on('close', () => resolve(d));
  setTimeout(() => { so.destroy(); resolve(d); }, waitMs);
});
const statuses = (d) => [...d.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
const H = 'Host: app.example.test\r\n';

describe('redirects: rd on sign_out falls back to / for every off-whitelist form', () => {
  const bad = ['https://evil.com', '//evil.com', '/\\evil.com', '/%5cevil.com', '/%2f%2fevil.com', 'https://evil.com%23.app.example.test',
    'https://app.example.test.evil.com', 'https://evil.com?.example.test', 'https://app.example.test:443@evil.com', '/.%2e//evil.com',
    'https:/evil.com', 'https:evil.com', 'javascript:alert(1)//.example.test', 'https://evil\u3002com', 'https://app.example.test%00.evil.com',
    'https://.example.test', 'https://a..example.test', 'https://evil.com\\.example.test', 'https://app.example.test:65536'];
  for (const rd of bad)
    test(`rd=${JSON.stringify(rd)}`, async () => {
      const r = await s.send('direct', req({ target: `/oauth2/sign_out?rd=${encodeURIComponent(rd)}`, host: 'auth.example.test' }));
      assert.equal(r.headers.location, '/');
    });
});

describe('cookies: tampered, expired, re-named or mixed sessions are refused', () => {
  const cases = () => {
    const alicePadded = mintCookie({ user: 'alice', email: 'alice@example.com', groups: 'admins', 'group-padding': '200' });
    const bobPadded = mintCookie({ user: 'bob', email: 'bob@example.com', groups: 'devs', 'group-padding': '200' });
    return {
      expired: mintCookie({ user: 'bob', email: 'bob@example.com', 'expires-in': '-5' }),
      'sealed under another cookie name': mintCookie({ user: 'alice', email: 'alice@example.com', groups: 'admins', 'cookie-name': '_other' }).replace(/^_other/, '_oauth2_proxy'),
      'chunks of two sessions': alicePadded.split('; ').slice(0, 1).concat(bobPadded.split('; ').slice(1)).join('; '),
      'trailing bytes': `${B}AAAA`,
    };
  };
  test('each variant → 401 on /admin, nothing reaches the app', async () => {
    for (const [name, cookie] of Object.entries(cases())) {
      const r = await s.send('direct', req({ target: '/admin', headers: [['Cookie', cookie], J] }));
      assert.equal(r.status, 401, `${name}: ${r.status}\n${r.log}`);
      assert.equal(r.app, undefined, name);
    }
  });
});

describe('HTTP framing straight at Gatehouse', () => {
  test('CL + TE, two CLs, "+3", two TEs, space before colon, bare LF, NUL, HTTP/0.9, HTTP/2.0 line: 400 and close', async () => {
    for (const text of [
      `POST /public/x HTTP/1.1\r\n${H}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET /admin HTTP/1.1\r\n${H}\r\n`,
      `POST /public/x HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 40\r\n\r\nabc`,
      `POST /public/x HTTP/1.1\r\n${H}Content-Length: +3\r\n\r\nabc`,
      `POST /public/x HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n`,
      `POST /public/x HTTP/1.1\r\n${H}Transfer-Encoding : chunked\r\nContent-Length: 3\r\n\r\nabc`,
      `GET /public/x HTTP/1.1\nHost: app.example.test\n\n`,
      `GET /public/x HTTP/1.1\r\n${H}X-A: a\0b\r\n\r\n`,
      'GET /public/x\r\n\r\n',
      `GET /public/x HTTP/2.0\r\n${H}\r\n`,
    ]) assert.deepEqual(statuses(await raw(text)), ['400'], JSON.stringify(text.slice(0, 70)));
  });
  test('1 MB header and 200 header fields: 431', async () => {
    // The server answers and closes while the client is still writing its megabyte: the client's socket may be reset
    // before it reads the 431 (a TCP race, not the server's choice). Either way nothing else is answered, and the
    // server goes on serving.
    const huge = statuses(await raw(`GET /public/x HTTP/1.1\r\n${H}X-A: ${'a'.repeat(1 << 20)}\r\n\r\n`));
    assert.ok(huge.length === 0 || (huge.length === 1 && huge[0] === '431'), `answers ${huge}`);
    assert.deepEqual(statuses(await raw(`GET /public/x HTTP/1.1\r\n${H}${'X-A: b\r\n'.repeat(200)}\r\n`)), ['431']);
  });
  test('pipelined, and after an Upgrade the upstream refused: the second request is decided on its own (/admin → 401/403)', async () => {
    const admin = `GET /admin HTTP/1.1\r\n${H}Accept: application/json\r\nConnection: close\r\n\r\n`;
    assert.deepEqual(statuses(await raw(`GET /public/x HTTP/1.1\r\n${H}\r\n${admin}`)), ['200', '401']);
    const up = await raw(`GET /public/x HTTP/1.1\r\n${H}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n` +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n${admin}`);
    assert.deepEqual(statuses(up), ['200', '401']);
  });
  test('slowloris once bytes flow: closed by the header-read timeout', async () => {
    const t0 = Date.now();
    await new Promise((resolve) => {
      const so = net.connect(s.ports.gatehouse, '127.0.0.1');
      so.on('error', () => {});
      const timer = setInterval(() => so.write('X'), 500);
      so.on('close', () => { clearInterval(timer); resolve(); });
      setTimeout(() => { clearInterval(timer); so.destroy(); }, 15000);
    });
    assert.ok(Date.now() - t0 < 12000, `open for ${Date.now() - t0} ms`);
  });
});

describe('doors: identity and the path as logged', () => {
  test('reverse-proxy mode strips identity look-alikes from a signed-in request', async () => {
    const r = await s.send('direct', req({ target: '/x', headers: [['Cookie', B], J, ['X_Forwarded_Email', 'root@example.com'],
      ['x.forwarded.user', 'root'], ['X-AUTH-REQUEST-GROUPS', 'admins'], ['gap_auth', 'root'], ['X-Forwarded-Groups', 'admins']] }));
    // Node joins repeated headers with ', ': a single value means the client's copy was dropped.
    assert.equal(r.app.headers['x-forwarded-email'], 'bob@example.com');
    assert.equal(r.app.headers['x-forwarded-groups'], 'devs');
    for (const h of ['x_forwarded_email', 'x.forwarded.user', 'x-auth-request-groups', 'gap_auth'])
      assert.equal(r.app.headers[h], undefined, h);
  });
  test('ping User-Agent on /ping/../admin and /ping;x is decided like any request', async () => {
    // A dot segment is refused outright (400); the other needs a session like any request.
    for (const [p, status] of [['/ping/../admin', 400], ['/ping;x', 401]]) {
      const r = await s.send('direct', req({ target: p, headers: [J, ['User-Agent', 'GoogleHC/1.0']] }));
      assert.equal(r.status, status, p);
    }
  });
});
