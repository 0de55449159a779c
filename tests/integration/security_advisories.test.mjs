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

describe('public-route (skip-auth) bypasses', () => {
  const needsSession = (name, cases) => test(name, async () => {
    for (const headers of cases) assert.equal((await auth(headers)).status, 401, JSON.stringify(headers));
  });
  test('control: the public route is public, through either header style', async () => {
    assert.equal((await auth({ 'X-Original-URL': 'https://app.example.com/public/logo.png' })).status, 202);
    assert.equal((await auth({ 'X-Forwarded-Uri': '/public/logo.png', 'X-Forwarded-Method': 'GET' })).status, 202);
  });
  needsSession('oauth2-proxy GHSA-7rh7-c77v-6434 (CVE-2025-54576): the public pattern only in the query string', [
    { 'X-Original-URL': 'https://app.example.com/admin?next=/public/' },
    { 'X-Forwarded-Uri': '/admin?/public/x' },
  ]);
  needsSession('oauth2-proxy GHSA-pxq7-h93f-9jrg: the public pattern only in the fragment', [
    { 'X-Forwarded-Uri': '/admin#/public/x' },
    { 'X-Original-URL': 'https://app.example.com/admin#/public/x' },
  ]);
  needsSession('Envoy CVE-2019-9901, heimdall GHSA-3q34-rx83-r6mq: dot segments, encoded or not, climbing out', [
    { 'X-Original-URL': 'https://app.example.com/public/../admin' },
    { 'X-Original-URL': 'https://app.example.com/public/%2e%2e/admin' },
    { 'X-Original-URL': 'https://app.example.com/public/%2E%2E%2Fadmin' },
    { 'X-Original-URL': 'https://app.example.com/public/..%2fadmin' },
    { 'X-Original-URL': 'https://app.example.com/public/..;/admin' },
    { 'X-Original-URL': 'https://app.example.com/public/..%5cadmin' },
    { 'X-Forwarded-Uri': '/public//../admin' },
  ]);
  needsSession('oauth2-proxy skip-auth-route METHOD=: a public GET route is not public for POST', [
    { 'X-Original-URL': 'https://app.example.com/public/upload', 'X-Original-Method': 'POST' },
  ]);
  needsSession('Authelia GHSA-68wm-pfjf-wqp6 (CVE-2021-32637): a malformed original URL is never let through', [
    { 'X-Original-URL': 'https://app.example.com/public/%zz' },
    { 'X-Original-URL': 'https://app.example.com/public/%00' },
    { 'X-Original-URL': 'not a url /public/' },
    { 'X-Original-URL': '/public/x' },
    { 'X-Original-URL': 'https://app.example.com' },
  ]);
  needsSession('Traefik GHSA-5m6w-wvh7-57vm (CVE-2026-39858): underscore aliases of forwarded headers are not read', [
    { X_Forwarded_Uri: '/public/x' },
    { X_Original_URL: 'https://app.example.com/public/x' },
  ]);
  needsSession('Traefik GHSA-6384-m2mw-rf54 (CVE-2026-35051): X-Forwarded-Prefix is not part of the path', [
    { 'X-Forwarded-Prefix': '/public', 'X-Forwarded-Uri': '/admin' },
  ]);
  needsSession('Envoy CVE-2021-32777 (via Pomerium CVE-2021-39206): two values for the original URL are ambiguous', [
    { 'X-Forwarded-Uri': ['/public/x', '/admin'] },
    { 'X-Original-URL': ['https://app.example.com/public/x', 'https://app.example.com/admin'] },
  ]);
  needsSession('oauth2-proxy GHSA-5hvv-m4w4-gf6v: a health-check User-Agent or path grants nothing', [
    { 'User-Agent': 'kube-probe/1.30' },
    { 'User-Agent': 'kube-probe/1.30', 'X-Original-URL': 'https://app.example.com/ping' },
    { 'X-Original-URL': 'https://app.example.com/oauth2/../admin' },
  ]);
  test('oauth2-proxy GHSA-7x63-xv5r-3p2x (CVE-2026-40575): forwarded headers from a peer that is not a trusted proxy', async () => {
    const strict = await startGatehouse(['--reverse-proxy', '--trusted-proxy-ip=10.0.0.0/8',
      '--skip-auth-route=GET=^/public/']);
    try {
      assert.equal((await auth({ 'X-Forwarded-Uri': '/public/x' }, strict.port)).status, 401);
      assert.equal((await auth({ 'X-Original-URL': 'https://app.example.com/public/x' }, strict.port)).status, 401);
    } finally {
      await strict.stop();
    }
  });
});

describe('identity header spoofing', () => {
  const spoofed = {
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
      const r = await auth({ Cookie: mintCookie({ user: 'attacker', email }) });
      assert.equal(r.status, 403, email);
    }
    assert.equal((await auth({ Cookie: mintCookie({ user: 'bob', email: 'bob@company.com' }) })).status, 202);
    await gh.waitForOutput(/auth: status=403 reason="email domain not allowed"/);
  });
});
