// A security suite built from public advisories of forward-auth products: each case names its source and
// replays the attack against a real Gatehouse process over HTTP. Gatehouse must answer as written here: no
// redirect off the whitelist, no public route for a protected path, no identity the client wrote itself.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startGatehouse, mintCookie } from './lib/processes.mjs';
import { connect, get } from './lib/raw_http.mjs';

let gh;
before(async () => {
  gh = await startGatehouse(['--reverse-proxy', '--trusted-proxy-ip=127.0.0.1', '--whitelist-domain=.example.com',
    '--cookie-domain=.example.com', '--skip-auth-route=GET=^/public/', '--email-domain=company.com',
    '--set-xauthrequest']);
});
after(async () => { await gh?.stop(); });

async function request(port, path, headers = {}) {
  const c = await connect(port);
  c.write(get(path, headers));
  const [r] = await c.responses(1);
  c.close();
  return r;
}
const auth = (headers, port = gh.port) => request(port, '/oauth2/auth', headers);
// Where sign-out sends the browser for a requested `rd` (the IdP is not discovered here, so sign-out ends
// with Gatehouse's own redirect): the whitelist decides.
const afterSignOut = async (rd) => (await request(gh.port, `/oauth2/sign_out?rd=${encodeURIComponent(rd)}`)).headers.location;

describe('open redirects', () => {
  const refused = (name, targets) => test(name, async () => {
    for (const rd of targets) assert.equal(await afterSignOut(rd), '/', JSON.stringify(rd));
  });
  test('control: whitelisted targets and local paths are followed', async () => {
    assert.equal(await afterSignOut('https://app.example.com/x?y=1'), 'https://app.example.com/x?y=1');
    assert.equal(await afterSignOut('/local/path'), '/local/path');
  });
  refused('oauth2-proxy GHSA-qqxw-m5fj-f7gv (CVE-2020-5233): backslash after the slash, which browsers read as //',
    ['/\\evil.com', '/\\\\evil.com', '\\/evil.com', '\\\\evil.com']);
  refused('oauth2-proxy GHSA-j7px-6hwj-hpjg (CVE-2020-11053): whitespace between the slashes, which browsers strip',
    ['/\t/evil.com', '/ /evil.com', '/\n/evil.com']);
  refused('oauth2-proxy GHSA-5m6c-jp6f-2vcv (CVE-2020-4037): other characters browsers drop between the slashes',
    ['/\r/evil.com', '/\v/evil.com', '/\f/evil.com', '//evil.com', '///evil.com']);
  refused('oauth2-proxy GHSA-4mf2-f3wh-gvf2 (CVE-2021-21291): a domain that only ends like the whitelisted one',
    ['https://evilexample.com/', 'https://evil-example.com/', 'https://example.com.evil.org/']);
  refused('Authelia PR #293 (open redirection fix): targets outside the protected domain, however dressed',
    ['https://evil.org/', 'https://app.example.com@evil.org/', 'https://evil.org/.example.com',
      'https://evil.org?.example.com', 'https://evil.org#.example.com', 'javascript:alert(document.domain)',
      'https:evil.org', 'https://app.example.com:8443/']);
  test('traefik-forward-auth PR #77: the callback\'s state cannot carry its own redirect target', async () => {
    const r = await request(gh.port, `/oauth2/callback?code=x&state=${encodeURIComponent('abc:https://evil.org/')}`);
    assert.notEqual(r.status, 302);
    assert.doesNotMatch(r.headers.location ?? '', /evil/);
  });
  refused('oauth2-proxy\'s redirect validator: a relative target with "//", "/./" or "/../" inside, however encoded',
    ['/a/..//evil.com', '/http://evil.com', '/a/./b', '/a/../b', '/a//b', '/a/..', '/a/%2e%2e/b', '/a/%2E%2e//evil.com',
      '/a/.%2e/b', '/%2f/evil.com', '/%2F%2Fevil.com', '/a%2f..%2fb', '/a/%5c/evil.com', '/%5C%5Cevil.com']);
  test('control: dots and slashes that resolve to nothing else are followed', async () => {
    for (const rd of ['/.well-known/x', '/a/.../b', '/a%2fb', '/app?next=//evil.com&p=/a/../b'])
      assert.equal(await afterSignOut(rd), rd, rd);
    const r = await request(gh.port, '/oauth2/sign_out', { 'X-Auth-Request-Redirect': '/a/..//evil.com' });
    assert.equal(r.headers.location, '/');
  });
  test('X-Auth-Request-Redirect from the proxy goes through the same whitelist', async () => {
    const r = await request(gh.port, '/oauth2/sign_out', { 'X-Auth-Request-Redirect': '/\\evil.com' });
    assert.equal(r.headers.location, '/');
  });
});

// /oauth2/auth reads X-Original-URL and X-Original-Method (nginx, ingress-nginx); /oauth2/forward_auth reads
// X-Forwarded-Method/-Proto/-Host/-Uri (Traefik, Caddy). A request either door cannot read one way only is refused
// (403 on /oauth2/auth, which nginx passes on; 400 elsewhere), never decided as if no rule applied (docs/security.md).
const original = (url, method = 'GET', extra = {}) => ({ 'X-Original-URL': url, 'X-Original-Method': method, ...extra });
const forwarded = (uri, method = 'GET', extra = {}) => ({
  'X-Forwarded-Uri': uri, 'X-Forwarded-Method': method, 'X-Forwarded-Host': 'app.example.com',
  'X-Forwarded-Proto': 'https', Accept: 'application/json', ...extra,
});
const forwardAuth = (headers, port = gh.port) => request(port, '/oauth2/forward_auth', headers);
const app = (path) => `https://app.example.com${path}`;

describe('public-route (skip-auth) bypasses', () => {
  // Each case: [door, headers, the status it must get]. 401: read, not public, no session. 403/400: refused.
  const cases = (name, list) => test(name, async () => {
    for (const [door, headers, status] of list) {
      const r = door === 'auth' ? await auth(headers) : await forwardAuth(headers);
      assert.equal(r.status, status, `${door} ${JSON.stringify(headers)}`);
    }
  });
  cases('control: the public route is public on both doors', [
    ['auth', original(app('/public/logo.png')), 202],
    ['forward_auth', forwarded('/public/logo.png'), 200],
  ]);
  cases('oauth2-proxy GHSA-7rh7-c77v-6434 (CVE-2025-54576): the public pattern only in the query string', [
    ['auth', original(app('/admin?next=/public/')), 401],
    ['forward_auth', forwarded('/admin?/public/x'), 401],
  ]);
  cases('oauth2-proxy GHSA-pxq7-h93f-9jrg: the public pattern only in the fragment', [
    ['forward_auth', forwarded('/admin#/public/x'), 400],
    ['auth', original(app('/admin#/public/x')), 403],
  ]);
  // Dot segments are refused outright: apps differ in whether they resolve them (docs/security.md).
  cases('Envoy CVE-2019-9901, heimdall GHSA-3q34-rx83-r6mq: dot segments, encoded or not, climbing out', [
    ['auth', original(app('/public/../admin')), 403],
    ['auth', original(app('/public/%2e%2e/admin')), 403],
    ['auth', original(app('/public/..;/admin')), 403],
    ['auth', original(app('/public;x/../admin')), 403],
    ['auth', original(app('/public/%2E%2E%2Fadmin')), 403],
    ['auth', original(app('/public/..%2fadmin')), 403],
    ['auth', original(app('/public/..%5cadmin')), 403],
    ['forward_auth', forwarded('/public//../admin'), 400],
  ]);
  cases('oauth2-proxy skip-auth-route METHOD=: a public GET route is not public for POST', [
    ['auth', original(app('/public/upload'), 'POST'), 401],
    ['forward_auth', forwarded('/public/upload', 'POST'), 401],
  ]);
  cases('Authelia GHSA-68wm-pfjf-wqp6 (CVE-2021-32637): a malformed original URL is never let through', [
    ['auth', original(app('/public/%zz')), 403],
    ['auth', original(app('/public/%00')), 403],
    ['auth', original('not a url /public/'), 403],
    ['auth', original('/public/x'), 403],
    ['auth', original('https://user@app.example.com/public/x'), 403],
    ['auth', original(app('')), 403],
    ['auth', original('https://app.example.com?/public/x'), 403],
  ]);
  cases('Traefik GHSA-5m6w-wvh7-57vm (CVE-2026-39858): underscore aliases of forwarded headers are not read', [
    ['auth', { X_Original_URL: app('/public/x'), X_Original_Method: 'GET' }, 403],
    ['forward_auth', { ...forwarded('/admin'), X_Forwarded_Uri: '/public/x' }, 401],
  ]);
  cases('Traefik GHSA-6384-m2mw-rf54 (CVE-2026-35051): X-Forwarded-Prefix is not part of the path', [
    ['forward_auth', forwarded('/admin', 'GET', { 'X-Forwarded-Prefix': '/public' }), 401],
  ]);
  cases('Envoy CVE-2021-32777 (via Pomerium CVE-2021-39206): two values for the original request are refused', [
    ['forward_auth', forwarded(['/public/x', '/admin']), 400],
    ['forward_auth', forwarded('/public/x', ['GET', 'OPTIONS']), 400],
    ['auth', original([app('/public/x'), app('/admin')]), 403],
    ['auth', original(app('/public/x'), ['GET', 'POST']), 403],
  ]);
  cases('the other door\'s headers, which a client may add, are never read', [
    ['auth', { ...original(app('/admin')), 'X-Forwarded-Uri': '/public/x', 'X-Forwarded-Method': 'GET' }, 401],
    ['forward_auth', forwarded('/admin', 'GET', original(app('/public/x'))), 401],
    ['auth', { 'X-Forwarded-Uri': '/public/x', 'X-Forwarded-Method': 'GET', 'X-Forwarded-Host': 'app.example.com' }, 403],
  ]);
  cases('oauth2-proxy GHSA-5hvv-m4w4-gf6v: a health-check User-Agent or path grants nothing', [
    ['auth', { 'User-Agent': 'kube-probe/1.30' }, 403],
    ['auth', original(app('/ping'), 'GET', { 'User-Agent': 'kube-probe/1.30' }), 401],
    ['auth', original(app('/oauth2/../admin')), 403],
  ]);
  test('oauth2-proxy GHSA-7x63-xv5r-3p2x (CVE-2026-40575): forwarded headers from a peer that is not a trusted proxy', async () => {
    const strict = await startGatehouse(['--reverse-proxy', '--trusted-proxy-ip=10.0.0.0/8',
      '--skip-auth-route=GET=^/public/']);
    try {
      assert.equal((await forwardAuth(forwarded('/public/x'), strict.port)).status, 400);
      assert.equal((await auth(original(app('/public/x')), strict.port)).status, 403);
      await strict.waitForOutput(/reason="the original request comes from an untrusted peer"/);
    } finally {
      await strict.stop();
    }
  });
});

describe('identity header spoofing', () => {
  const spoofed = {
    ...original(app('/dashboard')),
    'X-Auth-Request-User': 'admin', 'X-Auth-Request-Email': 'admin@company.com',
    'X-Auth-Request-Groups': 'admins', X_Auth_Request_User: 'admin', 'X-Forwarded-User': 'admin',
    'X-Forwarded-Email': 'admin@company.com', 'GAP-Auth': 'admin@company.com',
  };
  test('oauth2-proxy GHSA-vjrc-mh2v-45x6 (CVE-2025-64484): client-written identity, in any spelling, is neither trusted nor echoed', async () => {
    const anonymous = await auth(spoofed);
    assert.equal(anonymous.status, 401);
    for (const name of Object.keys(anonymous.headers)) assert.doesNotMatch(name, /auth-request|forwarded-user|gap-auth/i);
    const alice = await auth({ ...spoofed, Cookie: mintCookie({ user: 'alice', email: 'alice@company.com' }) });
    assert.equal(alice.status, 202);
    assert.equal(alice.headers['x-auth-request-user'], 'alice');
    assert.equal(alice.headers['x-auth-request-email'], 'alice@company.com');
    assert.ok(!JSON.stringify(alice.headers).includes('admin'), JSON.stringify(alice.headers));
  });
});

describe('e-mail domain rules', () => {
  test('oauth2-proxy GHSA-c5c4-8r6x-56w3 (CVE-2026-40574): an address with two @ does not pass a domain rule', async () => {
    for (const email of ['attacker@evil.com@company.com', '"attacker@evil.com"@company.com', 'attacker@company.com.evil.org',
      'attacker@evil.com\\@company.com']) {
      const r = await auth({ ...original(app('/')), Cookie: mintCookie({ user: 'attacker', email }) });
      assert.equal(r.status, 403, email);
    }
    assert.equal((await auth({ ...original(app('/')), Cookie: mintCookie({ user: 'bob', email: 'bob@company.com' }) })).status, 202);
    await gh.waitForOutput(/auth: status=403 reason="email domain not allowed"/);
  });
});
