// Issue 23 (drop-in), where Gatehouse was stricter than oauth2-proxy in ways that break real deployments: each
// behaviour as oauth2-proxy has it (its source is cited per test), through real processes: Gatehouse, the local
// oidc-provider as the IdP, nginx and Caddy where the proxy matters, the GitHub/Gitea stand-in for Gitea.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startGatehouse, spawnGatehouse, freePort, waitForPort, waitForReady, mintCookie, registerSecret, tempDir,
  repoRoot, Proc } from './lib/processes.mjs';
import { startIdp, users } from './lib/idp.mjs';
import { Browser } from './lib/browser.mjs';
import { toLoginForm, submitLoginForm } from './lib/login_steps.mjs';
import { startNginx, authRequestServer } from './lib/nginx.mjs';
import { startEchoApp } from './lib/echo_app.mjs';
import { connect, get } from './lib/raw_http.mjs';
import { startGithubStandin } from './lib/github_standin.mjs';
import { makeCertificates } from './lib/tls.mjs';
import { oauth2ProxyFixtures } from './lib/oauth2_proxy_fixtures.mjs';


// Gatehouse straight in front of the browser (no proxy), signing in at the local IdP whose accounts' claims
// `claimsOf(id, use)` gives.
async function startDirect({ claimsOf, flags = [] }) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const idp = await startIdp({ port: await freePort(), clients: [{ client_id: 'gatehouse',
    client_secret: 'gatehouse-client-secret', redirect_uris: [`${base}/oauth2/callback`] }],
  accountClaims: claimsOf });
  const gatehouse = await startGatehouse([`--oidc-issuer-url=${idp.issuer}`, '--client-secret=gatehouse-client-secret',
    `--redirect-url=${base}/oauth2/callback`, '--cookie-secure=false', '--set-xauthrequest', ...flags], { port });
  await waitForReady(port);
  return { port, base, idp, gatehouse, async stop() { await gatehouse.stop(); await idp.close(); } };
}

// Signs `user` in from /oauth2/start; returns the browser and the callback's answer.
async function signIn(stack, user, start = '/oauth2/start?rd=%2Fafter') {
  const browser = new Browser();
  const toIdp = await toLoginForm(browser, `${stack.base}${start}`);
  const next = await submitLoginForm(browser, toIdp.at(-1).location, user);
  const hops = await browser.follow(next, { stopAt: (u) => !u.includes('/realms/') && !u.includes('/oauth2/callback') });
  return { browser, callback: hops.find((h) => h.url.includes('/oauth2/callback')) ?? hops.at(-1) };
}

describe('ID tokens without email_verified (oauth2-proxy providers/provider_data.go buildSessionFromClaims)', () => {
  let stack;
  const claims = {
    alice: () => ({ sub: 'alice', email: users.alice.email, preferred_username: 'alice' }),  // no email_verified
    bob: () => ({ sub: 'bob', email: users.bob.email, email_verified: false }),
    // An IdP that puts the address in userinfo only: oauth2-proxy's claim extractor reads it there.
    carol: (use) => ({ sub: 'carol', ...(use === 'userinfo' ? { email: users.carol.email } : {}) }),
  };
  before(async () => { stack = await startDirect({ claimsOf: (id, use) => claims[id](use) }); });
  after(async () => { await stack?.stop(); });

  test('an ID token with an e-mail and no email_verified signs in (absent counts as verified)', async () => {
    const { browser, callback } = await signIn(stack, 'alice');
    assert.equal(callback.status, 302, callback.body);
    assert.equal(callback.location, `${stack.base}/after`);
    const auth = await browser.get(`${stack.base}/oauth2/auth`);
    assert.equal(auth.status, 202);
    assert.equal(auth.headers['x-auth-request-email'], users.alice.email);
  });

  test('email_verified: false is refused, and the log names the flag that accepts it', async () => {
    const { browser, callback } = await signIn(stack, 'bob');
    assert.equal(callback.status, 403);
    await stack.gatehouse.waitForOutput(new RegExp(`email '${users.bob.email}' is not verified \\(email_verified is false; --insecure-oidc-allow-unverified-email accepts it\\)`));
    assert.equal((await browser.get(`${stack.base}/oauth2/auth`)).status, 401, 'no session was made');
  });

  test('an e-mail only userinfo holds is taken from there', async () => {
    const { browser, callback } = await signIn(stack, 'carol');
    assert.equal(callback.status, 302, callback.body);
    const auth = await browser.get(`${stack.base}/oauth2/auth`);
    assert.equal(auth.status, 202);
    assert.equal(auth.headers['x-auth-request-email'], users.carol.email);
  });
});

describe('--email-domain=.example.test admits subdomains (oauth2-proxy validator.go isEmailValidWithDomains)', () => {
  let stack;
  const emailOf = { alice: 'alice@eng.example.test', bob: 'bob@evilexample.test', carol: 'carol@example.test' };
  before(async () => {
    stack = await startDirect({ claimsOf: (id) => ({ sub: id, email: emailOf[id], email_verified: true }),
      flags: ['--email-domain=.example.test'] });
  });
  after(async () => { await stack?.stop(); });

  test('a user of a subdomain signs in; a look-alike domain and the domain itself do not', async () => {
    const alice = await signIn(stack, 'alice');
    assert.equal(alice.callback.status, 302, alice.callback.body);
    assert.equal((await alice.browser.get(`${stack.base}/oauth2/auth`)).status, 202);
    for (const user of ['bob', 'carol']) {
      const { browser, callback } = await signIn(stack, user);
      assert.equal(callback.status, 403, `${emailOf[user]} must be refused`);
      assert.notEqual((await browser.get(`${stack.base}/oauth2/auth`)).status, 202);
    }
  });

  test('look-alikes, case and a trailing dot, at /oauth2/auth', async () => {
    const cases = [
      ['a@x.example.test', 202], ['a@X.EXAMPLE.TEST', 202], ['a@deep.x.example.test', 202],
      ['a@example.test', 403], ['a@evilexample.test', 403], ['a@example.test.evil', 403],
      ['a@x.example.test.', 403], ['a@evil.test@x.example.test', 403], ['a@.example.test', 403],
    ];
    for (const [email, status] of cases) {
      const r = await fetch(`${stack.base}/oauth2/auth`, { headers: { cookie: mintCookie({ user: 'a', email }) } });
      assert.equal(r.status, status, email);
    }
  });
});

describe('per-app allowed_email_domains=.example.test (oauth2-proxy oauthproxy.go checkAllowedEmailDomains: util.IsEndpointAllowed)', () => {
  let gh;
  before(async () => { gh = await startGatehouse(['--set-xauthrequest']); });
  after(async () => { await gh?.stop(); });

  test('the domain itself and its subdomains pass; look-alikes do not', async () => {
    const cases = [['a@x.example.test', 202], ['a@example.test', 202], ['a@Example.Test', 202],
      ['a@evilexample.test', 403], ['a@example.test.evil', 403], ['a@x.example.test.', 403]];
    for (const [email, status] of cases) {
      const r = await fetch(`http://127.0.0.1:${gh.port}/oauth2/auth?allowed_email_domains=.example.test`,
        { headers: { cookie: mintCookie({ user: 'a', email }) } });
      assert.equal(r.status, status, email);
    }
  });
});

describe('/oauth2/sign_in with a live session (oauth2-proxy oauthproxy.go SignInPage: ClearSessionCookie)', () => {
  let stack;
  before(async () => {
    stack = await startDirect({ claimsOf: (id) => ({ sub: id, email: users[id].email, email_verified: true }) });
  });
  after(async () => { await stack?.stop(); });

  test('the page is shown and the session cookie cleared: the session is over', async () => {
    const { browser, callback } = await signIn(stack, 'alice');
    assert.equal(callback.status, 302, callback.body);
    assert.equal((await browser.get(`${stack.base}/oauth2/auth`)).status, 202);
    const page = await browser.get(`${stack.base}/oauth2/sign_in`);
    assert.equal(page.status, 200);
    assert.match(page.body, /\/oauth2\/start\?rd=/);
    const cleared = [].concat(page.headers['set-cookie'] ?? []).filter((c) => c.startsWith('_oauth2_proxy='));
    assert.equal(cleared.length, 1, `the session cookie is cleared: ${page.headers['set-cookie']}`);
    assert.match(cleared[0], /^_oauth2_proxy=;.*Max-Age=0/i);
    assert.equal((await browser.get(`${stack.base}/oauth2/auth`)).status, 401, 'signed out by the sign-in page');
  });

  test('without a session the page sets no cookie of the session', async () => {
    const r = await fetch(`${stack.base}/oauth2/sign_in`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.getSetCookie().filter((c) => c.startsWith('_oauth2_proxy=')).length, 0);
  });
});

describe('a JWT as the user or password of Authorization: Basic (oauth2-proxy pkg/middleware/jwt_session.go getBasicToken)', () => {
  let idp, gatehouse, token, nginx, app, nginxPort;
  const basic = (pair) => `Basic ${Buffer.from(pair).toString('base64')}`;
  const auth = (authorization, extra = {}) => fetch(`http://127.0.0.1:${gatehouse.port}/oauth2/auth`,
    { headers: { ...(authorization === undefined ? {} : { authorization }), ...extra } });

  before(async () => {
    idp = await startIdp({ port: await freePort(), clients: [],
      machineClients: [{ client_id: 'ci-job', client_secret: 'ci-job-secret', groups: ['/ci'] }] });
    registerSecret('ci-job-secret');
    gatehouse = await startGatehouse([`--oidc-issuer-url=${idp.issuer}`, '--skip-jwt-bearer-tokens', '--set-xauthrequest']);
    await gatehouse.waitForOutput(/loaded 1 signing key\(s\)/);
    token = await idp.clientCredentialsToken('ci-job', 'ci-job-secret');
    registerSecret(token, Buffer.from(`${token}:`).toString('base64'), Buffer.from(`git:${token}`).toString('base64'));
    nginxPort = await freePort();
    const appPort = await freePort();
    app = await startEchoApp(appPort);
    // The README's auth_request block (lib/nginx.mjs), an app behind it.
    nginx = await startNginx(nginxPort, authRequestServer({ listenPort: nginxPort, gatehousePort: gatehouse.port, appPort,
      signinUrl: `http://127.0.0.1:${gatehouse.port}/oauth2/start` }));
  });
  after(async () => {
    await nginx?.stop('SIGQUIT');
    if (app) await new Promise((r) => app.close(r));
    await gatehouse?.stop();
    await idp?.close();
  });

  test('the token as the user (empty password or x-oauth-basic) or as the password is a session', async () => {
    for (const pair of [`${token}:`, `${token}:x-oauth-basic`, `git:${token}`, `:${token}`]) {
      const r = await auth(basic(pair));
      assert.equal(r.status, 202, pair.replace(token, '<token>'));
      assert.equal(r.headers.get('x-auth-request-user'), 'ci-job');
    }
    // The scheme is case-insensitive (RFC 9110 §11.1), as for Bearer.
    const lower = await auth(`basic ${Buffer.from(`git:${token}`).toString('base64')}`);
    assert.equal(lower.status, 202);
  });

  test('through real nginx auth_request, as git sends it', async () => {
    const r = await fetch(`http://127.0.0.1:${nginxPort}/repo.git/info/refs`, { headers: { authorization: basic(`git:${token}`) } });
    assert.equal(r.status, 200);
    assert.equal((await r.json()).headers['x-auth-request-user'], 'ci-job');
    const refused = await fetch(`http://127.0.0.1:${nginxPort}/repo.git/info/refs`,
      { headers: { authorization: basic('git:not-a-token') }, redirect: 'manual' });
    assert.equal(refused.status, 302, 'sent to sign in');
  });

  test('ambiguous or not a token: refused', async () => {
    const [h, p, s] = token.split('.');
    const forged = `${h}.${p}.${s.slice(0, -4)}AAAA`;
    registerSecret(forged);
    const refused = [
      basic(`${token}:${token}`),          // both a JWT: which one counts would be a guess
      basic(`${token}:a-password`),        // a JWT user with a password is no token (oauth2-proxy too)
      basic(`git:${forged}`),              // a bad signature
      basic('git:not-a-token'), basic(`git${token}`), basic(':'), 'Basic', 'Basic ', `Basic ${token}`,
      `Basic  !!${Buffer.from(`git:${token}`).toString('base64')}`,
    ];
    for (const authorization of refused) {
      const r = await auth(authorization);
      assert.notEqual(r.status, 202, authorization.replaceAll(token, '<token>'));
      assert.equal(r.headers.get('x-auth-request-user'), null);
    }
    await gatehouse.waitForOutput(/Authorization: Basic holds a JWT as both the user and the password/);
  });

  test('two Authorization headers are refused, whichever holds the token', async () => {
    for (const pair of [[basic(`git:${token}`), 'Basic Z2l0OnguLi4='], ['Basic Z2l0OnguLi4=', basic(`git:${token}`)],
      [`Bearer ${token}`, `Bearer ${token}`]]) {
      const c = await connect(gatehouse.port);
      c.write(get('/oauth2/auth', { Authorization: pair }));
      const [r] = await c.responses(1);
      c.close();
      assert.notEqual(r.status, 202);
      assert.equal(r.headers['x-auth-request-user'], undefined);
    }
    await gatehouse.waitForOutput(/Authorization sent more than once/);
  });
});

// The rd a sign-in page carries into its /oauth2/start link (where the browser returns after the login). Sent
// on a raw socket, so that Host and repeated headers are exactly as given.
async function signInTarget(url, headers = {}) {
  const u = new URL(url);
  const c = await connect(Number(u.port));
  let req = `GET ${u.pathname}${u.search} HTTP/1.1\r\n`;
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'host')) req += `Host: ${u.host}\r\n`;
  for (const [k, v] of Object.entries(headers)) for (const value of [].concat(v)) req += `${k}: ${value}\r\n`;
  c.write(`${req}Connection: close\r\n\r\n`);
  const [r] = await c.responses(1);
  c.close();
  assert.equal(r?.status, 200, `${url} ${JSON.stringify(headers)}: ${r?.status}`);
  const m = r.body.match(/\/oauth2\/start\?rd=([^"&]*)/);
  assert.ok(m, 'the page links to /oauth2/start');
  return decodeURIComponent(m[1]);
}

describe('/oauth2/start without rd behind --reverse-proxy (oauth2-proxy pkg/app/redirect getXForwardedHeadersRedirect)', () => {
  let stack, plain;
  // `proto` null: no X-Forwarded-Proto.
  const xf = (host, uri, proto = 'https') => ({ ...(proto === null ? {} : { 'x-forwarded-proto': proto }),
    ...(host === undefined ? {} : { 'x-forwarded-host': host }), ...(uri === undefined ? {} : { 'x-forwarded-uri': uri }) });
  before(async () => {
    stack = await startDirect({ claimsOf: (id) => ({ sub: id, email: users[id].email, email_verified: true }),
      flags: ['--reverse-proxy', '--whitelist-domain=.example.test:*'] });
    plain = await startGatehouse(['--whitelist-domain=.example.test:*']);
  });
  after(async () => { await stack?.stop(); await plain?.stop(); });

  test('the login returns to the URL X-Forwarded-Proto/-Host/-Uri name', async () => {
    const browser = new Browser();
    const start = await browser.get(`${stack.base}/oauth2/start`, { headers: xf('app.example.test', '/reports?year=2026') });
    assert.equal(start.status, 302);
    const toIdp = await toLoginForm(browser, start.location);
    const next = await submitLoginForm(browser, toIdp.at(-1).location, 'alice');
    const hops = await browser.follow(next, { stopAt: (u) => u.startsWith('https://app.example.test') });
    assert.equal(hops.at(-1).location, 'https://app.example.test/reports?year=2026');
  });

  test('rebuilt only from one plain value of each, for a whitelisted host; anything else is /', async () => {
    const sign = `${stack.base}/oauth2/sign_in`;
    const cases = [
      [xf('app.example.test', '/page?x=1,2'), 'https://app.example.test/page?x=1,2'],
      [xf('App.Example.Test:8443', '/page', 'http'), 'http://App.Example.Test:8443/page'],
      [xf('app.example.test'), 'https://app.example.test/'],
      [xf('app.example.test', '/oauth2/start?rd=x'), 'https://app.example.test/'],
      [xf('app.example.test', '/oauth2'), 'https://app.example.test/'],
      // Not whitelisted, look-alikes
      [xf('evil.test', '/page'), '/'],
      [xf('evilexample.test', '/page'), '/'],
      [xf('app.example.test.evil.test', '/page'), '/'],
      // More than one value, or a value that is no plain host
      [{ ...xf(undefined, '/page'), 'x-forwarded-host': 'app.example.test, evil.test' }, '/'],
      [xf('evil.test@app.example.test', '/page'), '/'],
      [xf('app.example.test@evil.test', '/page'), '/'],
      [xf('app.example.test/evil', '/page'), '/'],
      [xf('app.example.test:443x', '/page'), '/'],
      [xf('[::1]', '/page'), '/'],
      // The path must be local to that host
      [xf('app.example.test', '//evil.test/page'), '/'],
      [xf('app.example.test', '/\\evil.test/page'), '/'],
      [xf('app.example.test', '/%2F%2Fevil.test'), '/'],
      [xf('app.example.test', '/%2f%2fevil.test'), '/'],
      [xf('app.example.test', 'https://evil.test/'), '/'],
      [xf('app.example.test', 'page'), '/'],
      // The scheme must be said, and be http or https
      [xf('app.example.test', '/page', null), '/'],
      [xf('app.example.test', '/page', 'javascript'), '/'],
      [xf('app.example.test', '/page', 'ftp'), '/'],
      [xf('app.example.test', '/page', 'https, http'), '/'],
    ];
    for (const [headers, expected] of cases) assert.equal(await signInTarget(sign, headers), expected, JSON.stringify(headers));
    // X-Forwarded-Host the same as Host, or absent: X-Forwarded-Uri alone, a path here (oauth2-proxy getURIRedirect).
    assert.equal(await signInTarget(sign, { 'x-forwarded-uri': '/page?x=1' }), '/page?x=1');
    assert.equal(await signInTarget(sign, { 'x-forwarded-host': `127.0.0.1:${stack.port}`, 'x-forwarded-uri': '/page' }), '/page');
    for (const uri of ['//evil.test/page', '/a/../..//evil.test', '/\\evil.test', '/oauth2/start'])
      assert.equal(await signInTarget(sign, { 'x-forwarded-uri': uri }), '/', uri);
    // An rd given wins, as in oauth2-proxy.
    assert.equal(await signInTarget(`${sign}?rd=%2Fmine`, xf('app.example.test', '/page')), '/mine');
    await stack.gatehouse.waitForOutput(/refused redirect target "https:\/\/evil.test\/page" from X-Forwarded-Proto\/-Host\/-Uri/);
  });

  test('duplicate X-Forwarded-Host lines are not read', async () => {
    assert.equal(await signInTarget(`${stack.base}/oauth2/sign_in`, { 'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': ['app.example.test', 'evil.test'], 'X-Forwarded-Uri': '/page' }), '/');
    assert.equal(await signInTarget(`${stack.base}/oauth2/sign_in`, { 'X-Forwarded-Proto': ['https', 'https'],
      'X-Forwarded-Host': 'app.example.test', 'X-Forwarded-Uri': '/page' }), '/');
  });

  test('without --reverse-proxy the X-Forwarded-* headers are ignored', async () => {
    assert.equal(await signInTarget(`http://127.0.0.1:${plain.port}/oauth2/sign_in`, xf('app.example.test', '/page')), '/');
  });
});

describe('/oauth2/sign_in without rd through real nginx and Caddy, as oauth2-proxy documents them', () => {
  let gatehouse, nginx, caddy, app, nginxPort, caddyPort;
  before(async () => {
    gatehouse = await startGatehouse(['--reverse-proxy', '--whitelist-domain=.example.test:*']);
    nginxPort = await freePort();
    caddyPort = await freePort();
    const appPort = await freePort();
    app = await startEchoApp(appPort);
    // oauth2-proxy's nginx example: 401 from auth_request shows the sign-in page at the protected URL itself.
    nginx = await startNginx(nginxPort, `
  server {
    listen 127.0.0.1:${nginxPort};
    location /oauth2/ {
      proxy_pass http://127.0.0.1:${gatehouse.port};
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $http_host;
      proxy_set_header X-Forwarded-Uri $request_uri;
    }
    location = /oauth2/auth {
      proxy_pass http://127.0.0.1:${gatehouse.port};
      proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
    }
    location / {
      auth_request /oauth2/auth;
      error_page 401 = /oauth2/sign_in;
      proxy_pass http://127.0.0.1:${appPort};
    }
  }`);
    const dir = tempDir('caddy');
    const config = path.join(dir, 'Caddyfile');
    fs.writeFileSync(config, `{
  admin off
  auto_https off
  storage file_system ${dir}/storage
}
http://app1.example.test:${caddyPort}, http://127.0.0.1:${caddyPort} {
  handle /oauth2/* {
    reverse_proxy 127.0.0.1:${gatehouse.port} {
      header_up Host {upstream_hostport}
      header_up X-Forwarded-Uri {uri}
    }
  }
}
`);
    caddy = new Proc('caddy', ['run', '--config', config, '--adapter', 'caddyfile'],
      { env: { PATH: process.env.PATH, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir } });
    await Promise.race([waitForPort(caddyPort),
      caddy.exited.then(({ code }) => { throw new Error(`caddy exited with ${code}:\n${caddy.output}`); })]);
  });
  after(async () => {
    await caddy?.stop();
    await nginx?.stop('SIGQUIT');
    if (app) await new Promise((r) => app.close(r));
    await gatehouse?.stop();
  });

  test('nginx: the page at a protected URL leads back to it; a Host that is not whitelisted leads to /', async () => {
    const at = `http://127.0.0.1:${nginxPort}/reports/q3?year=2026`;
    assert.equal(await signInTarget(at, { host: `app1.example.test:${nginxPort}` }),
      `http://app1.example.test:${nginxPort}/reports/q3?year=2026`);
    // A client's own X-Forwarded-Host is replaced by nginx's; a look-alike Host is not whitelisted.
    assert.equal(await signInTarget(at, { host: `app1.example.test:${nginxPort}`, 'x-forwarded-host': 'evil.test' }),
      `http://app1.example.test:${nginxPort}/reports/q3?year=2026`);
    assert.equal(await signInTarget(at, { host: 'app1.example.test.evil.test' }), '/');
    assert.equal(await signInTarget(at, { host: 'evilexample.test' }), '/');
    assert.equal(await signInTarget(`http://127.0.0.1:${nginxPort}//evil.test/x`, { host: 'app1.example.test' }), '/');
  });

  test('Caddy: the sign-in page leads back to the site; a client X-Forwarded-Host does not count', async () => {
    const at = `http://127.0.0.1:${caddyPort}/oauth2/sign_in`;
    assert.equal(await signInTarget(at, { host: `app1.example.test:${caddyPort}` }), `http://app1.example.test:${caddyPort}/`);
    assert.equal(await signInTarget(at, { host: `app1.example.test:${caddyPort}`, 'x-forwarded-host': 'evil.test' }),
      `http://app1.example.test:${caddyPort}/`);
    assert.equal(await signInTarget(at), '/', 'a host that is not whitelisted');
  });
});

describe('a long query string is a long URL (414), not header fields too large (431)', () => {
  let gh, wide, nginx, nginxPort;
  const status = async (port, path, headers = {}) => {
    const c = await connect(port);
    c.write(get(path, headers));
    const [r] = await c.responses(1, 10000);
    c.close();
    return r?.status;
  };
  before(async () => {
    gh = await startGatehouse([]);  // --max-header-bytes=32768, --max-url-length=8192
    wide = await startGatehouse(['--max-url-length=65536', '--max-header-bytes=4096']);
    nginxPort = await freePort();
    nginx = await startNginx(nginxPort, `
  server {
    listen 127.0.0.1:${nginxPort};
    large_client_header_buffers 4 128k;
    location / {
      proxy_pass http://127.0.0.1:${gh.port};
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_buffer_size 64k;
      proxy_buffers 4 64k;
    }
  }`);
  });
  after(async () => { await nginx?.stop('SIGQUIT'); await gh?.stop(); await wide?.stop(); });

  test('straight at Gatehouse: each limit answers for its own part of the request', async () => {
    assert.equal(await status(gh.port, `/oauth2/auth?q=${'a'.repeat(40000)}`), 414);
    await gh.waitForOutput(/rejected request: URL of 40015 bytes is longer than --max-url-length=8192 \(414\)/);
    // Beyond both limits together (the head is never parsed): still judged by its first line.
    assert.equal(await status(gh.port, `/oauth2/auth?q=${'a'.repeat(60000)}`), 414);
    await gh.waitForOutput(/rejected request: request line longer than --max-url-length=8192 allows \(414\)/);
    assert.equal(await status(gh.port, '/oauth2/auth', { 'X-Big': 'b'.repeat(60000) }), 431);
    await gh.waitForOutput(/rejected request: header longer than --max-header-bytes=32768 allows \(431\)/);
    // A URL within its limit and header fields within theirs pass, whatever they make together.
    assert.equal(await status(gh.port, `/oauth2/auth?q=${'a'.repeat(8000)}`, { 'X-Big': 'b'.repeat(30000) }), 401);
    assert.equal(await status(gh.port, '/oauth2/auth', { 'X-Big': 'b'.repeat(33000) }), 431);
    await gh.waitForOutput(/more than --max-header-bytes=32768 \(431\)|longer than --max-header-bytes=32768 allows \(431\)/);
    // --max-url-length may be larger than --max-header-bytes: the URL is not a header field.
    assert.equal(await status(wide.port, `/oauth2/auth?q=${'a'.repeat(40000)}`), 401);
    assert.equal(await status(wide.port, '/oauth2/auth', { 'X-Big': 'b'.repeat(5000) }), 431);
  });

  test('through nginx: the long URL is answered 414, a long URL with a large cookie within the limits passes', async () => {
    assert.equal(await status(nginxPort, `/oauth2/start?rd=%2F${'a'.repeat(40000)}`), 414);
    const passed = await status(nginxPort, `/oauth2/sign_in?rd=%2F${'a'.repeat(8000)}`, { Cookie: `big=${'c'.repeat(28000)}` });
    assert.equal(passed, 200);
  });
});

describe('Gitea through provider=github with its own URLs (oauth2-proxy providers/github.go makeGitHubAPIEndpoint)', () => {
  let gitea, gh, app, port, cfgDir;
  before(async () => {
    // A stand-in for Gitea's documented OAuth2 provider and REST API (/login/oauth/*, /api/v1/user, /user/emails).
    gitea = await startGithubStandin({ clientId: 'ef0c2b91-2e38-4fa8-908d-067a35dbb71c',
      clientSecret: 'gto_qdppomn2p26su5x46tyixj7bcny5m5er2s67xhrponq2qtp66f3a', layout: 'gitea' });
    gitea.signedIn = 'giteauser';
    port = await freePort();
    const appPort = await freePort();
    app = await startEchoApp(appPort);
    // oauth2-proxy's Gitea cfg file as it is, but its URLs: the stand-in for Gitea, this test's port, the app.
    const original = fs.readFileSync(path.join(oauth2ProxyFixtures(), 'cfg/oauth2-proxy-gitea.cfg'), 'utf8');
    const cfg = original.replaceAll('http://gitea.localtest.me:3000', gitea.url)
      .replaceAll('http://oauth2-proxy.localtest.me:4180', `http://oauth2-proxy.localtest.me:${port}`)
      .replace('http_address="0.0.0.0:4180"', `http_address="127.0.0.1:${port}"`)
      .replace('upstreams="http://httpbin"', `upstreams="http://127.0.0.1:${appPort}"`);
    assert.notEqual(cfg, original);
    // Its client and cookie secrets are secrets to the log check like any flag's.
    registerSecret(...[...cfg.matchAll(/^(?:client_secret|cookie_secret)="([^"]+)"/gm)].map((m) => m[1]));
    cfgDir = tempDir('gitea-cfg');
    fs.writeFileSync(path.join(cfgDir, 'oauth2-proxy-gitea.cfg'), cfg);
    gh = spawnGatehouse([`--config=${path.join(cfgDir, 'oauth2-proxy-gitea.cfg')}`]);
    await waitForPort(port);
  });
  after(async () => {
    await gh?.stop();
    if (app) await new Promise((r) => app.close(r));
    await gitea?.stop();
  });

  test("a Gitea user signs in; the API calls go to Gitea's /api/v1, and the start log names the real endpoints", async () => {
    await gh.waitForOutput(new RegExp(`provider ready \\(authorization ${gitea.url}/login/oauth/authorize, token ${gitea.url}/login/oauth/access_token, API ${gitea.url}/api/v1/\\)`));
    assert.doesNotMatch(gh.output, /github\.com/);
    const browser = new Browser();
    const site = `http://oauth2-proxy.localtest.me:${port}`;
    const hops = await browser.follow(`${site}/oauth2/start?rd=%2Fsome%2Fpage`);
    const last = hops.at(-1);
    assert.equal(last.url, `${site}/some/page`);
    assert.equal(last.status, 200, `${last.url}: ${last.status} ${last.body.slice(0, 300)}`);
    assert.equal(JSON.parse(last.body).headers['x-forwarded-email'], 'giteauser@localhost');
    assert.deepEqual([...new Set(gitea.seen.apiCalls)].filter((p) => ['/user', '/user/emails'].includes(p)).sort(),
      ['/user', '/user/emails']);
    assert.ok(gitea.seen.apiPaths.every((p) => p.startsWith('/api/v1/')), gitea.seen.apiPaths.join(' '));
  });
});
