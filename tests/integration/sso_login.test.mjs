// End to end with real parts: oidc-provider as the IdP, nginx terminating TLS for auth/app1/app2 as
// ingress-nginx would configure it, the sample app, and Gatehouse. Sign in once, use both apps, sign out;
// and the attacks on the flow each fail.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startSsoStack, restartIdpForgettingGrants } from './lib/sso_stack.mjs';
import { Browser } from './lib/browser.mjs';
import { startGatehouse, freePort, waitForReady } from './lib/processes.mjs';
import { toLoginForm, submitLoginForm, login, loginUntilCallback } from './lib/login_steps.mjs';

describe('single sign-on through nginx with a real OpenID Provider', () => {
  let stack;
  const browser = () => new Browser({ ca: stack.certs.ca });
  before(async () => { stack = await startSsoStack(); });
  after(async () => { await stack?.stop(); });

  test('sign in once, use both apps, sign out', async () => {
    const b = browser();
    const app1 = `${stack.base('app1')}/dashboard`;

    const anonymous = await b.get(app1);
    assert.equal(anonymous.status, 302);
    assert.equal(anonymous.location, `${stack.base('auth')}/oauth2/start?rd=${stack.base('app1')}/dashboard`);

    const [toIdp, afterLogin] = await login(b, app1);
    const authorize = new URL(toIdp[1].location);
    assert.equal(authorize.origin + authorize.pathname, `${stack.idp.issuer}/auth`);
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(authorize.searchParams.get('state').length >= 43);
    assert.ok(authorize.searchParams.get('nonce').length >= 43);
    assert.equal(authorize.searchParams.get('redirect_uri'), `${stack.base('auth')}/oauth2/callback`);
    assert.ok(b.cookie('_oauth2_proxy_csrf') === undefined, 'the CSRF cookie is cleared after the callback');

    const callback = afterLogin.find((h) => h.url.startsWith(`${stack.base('auth')}/oauth2/callback`));
    assert.equal(callback.status, 302);
    assert.equal(callback.location, app1);
    const session = b.cookie('_oauth2_proxy');
    assert.equal(session.domain, 'gatehouse.test');
    assert.equal(session.secure, true);
    const setCookie = [].concat(callback.headers['set-cookie']).find((c) => c.startsWith('_oauth2_proxy='));
    assert.match(setCookie, /; HttpOnly; Secure; SameSite=Lax/);

    const page = afterLogin.at(-1);
    assert.equal(page.status, 200);
    const seen = JSON.parse(page.body).headers;
    assert.equal(seen['x-auth-request-email'], 'alice@gatehouse.test');
    assert.equal(seen['x-auth-request-user'], 'alice');
    assert.equal(seen['x-auth-request-preferred-username'], 'alice');
    assert.equal(seen['x-auth-request-groups'], '/platform-team,/dev');

    const app2 = await b.get(`${stack.base('app2')}/reports`);
    assert.equal(app2.status, 200, 'no second login on app2');
    assert.equal(JSON.parse(app2.body).headers['x-auth-request-email'], 'alice@gatehouse.test');

    const userinfo = await b.get(`${stack.base('auth')}/oauth2/userinfo`);
    assert.deepEqual(JSON.parse(userinfo.body).groups, ['/platform-team', '/dev']);

    const signOut = await b.get(`${stack.base('auth')}/oauth2/sign_out?rd=${encodeURIComponent(`${stack.base('app1')}/`)}`);
    assert.equal(signOut.status, 302);
    const logout = new URL(signOut.location);
    assert.equal(logout.origin + logout.pathname, `${stack.idp.issuer}/session/end`);
    assert.equal(logout.searchParams.get('post_logout_redirect_uri'), `${stack.base('app1')}/`);
    assert.ok(logout.searchParams.get('id_token_hint'));
    assert.equal(b.cookie('_oauth2_proxy'), undefined, 'the session cookie is cleared');

    const again = await b.get(app1);
    assert.equal(again.status, 302, 'anonymous again after sign-out');
  });

  test('a forged state is refused with 403', async () => {
    // A login stopped at the callback, so that the state can be forged.
    const b2 = browser();
    const callbackUrl = new URL(await loginUntilCallback(b2, `${stack.base('app1')}/`));
    callbackUrl.searchParams.set('state', 'forged-state-value-forged-state-value-forged');
    const res = await b2.get(callbackUrl.toString());
    assert.equal(res.status, 403);
    assert.match(res.body, /does not belong to your sign-in/);
    assert.equal(b2.cookie('_oauth2_proxy'), undefined);
    await stack.gatehouse.waitForOutput(/state does not match the CSRF cookie/);
  });

  test('a replayed authorization code is refused', async () => {
    const b = browser();
    const callbackUrl = await loginUntilCallback(b, `${stack.base('app1')}/`);
    const csrf = { ...b.cookie('_oauth2_proxy_csrf') };
    const first = await b.get(callbackUrl);
    assert.equal(first.status, 302);
    // The attacker replays the same callback with the same CSRF cookie: the IdP refuses the used code.
    const attacker = browser();
    attacker.cookies.push(csrf);
    const replay = await attacker.get(callbackUrl);
    assert.equal(replay.status, 403);
    assert.equal(attacker.cookie('_oauth2_proxy'), undefined);
    await stack.gatehouse.waitForOutput(/token endpoint refused the code/);
  });

  test('a foreign rd is replaced by / after login', async () => {
    const b = browser();
    const start = `${stack.base('auth')}/oauth2/start?rd=${encodeURIComponent('https://evil.example.org/steal')}`;
    const [, afterLogin] = await login(b, start);
    const callback = afterLogin.find((h) => h.url.includes('/oauth2/callback'));
    assert.equal(callback.location, `${stack.base('auth')}/`);
    await stack.gatehouse.waitForOutput(/refused redirect target "https:\/\/evil.example.org\/steal"/);
  });

  test('a callback without the CSRF cookie is refused', async () => {
    const b = browser();
    const res = await b.get(`${stack.base('auth')}/oauth2/callback?code=abc&state=def`);
    assert.equal(res.status, 403);
  });

  test('the sign-in page links to the login with the validated rd', async () => {
    const b = browser();
    const page = await b.get(`${stack.base('auth')}/oauth2/sign_in?rd=${encodeURIComponent(`${stack.base('app2')}/`)}`);
    assert.equal(page.status, 200);
    assert.match(page.headers['content-security-policy'], /default-src 'none'/);
    assert.match(page.body, /href="\/oauth2\/start\?rd=https%3A%2F%2Fapp2\.gatehouse\.test/);
  });
});

describe('a tampered ID token', () => {
  let stack;
  let tamperer;
  let gatehouse;
  before(async () => {
    stack = await startSsoStack();
    // A man in the middle of the back channel that rewrites the ID token's e-mail claim but keeps its
    // signature. Gatehouse is pointed at it with --skip-oidc-discovery --redeem-url.
    const tokenUrl = new URL(`${stack.idp.issuer}/token`);
    const port = await freePort();
    tamperer = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', async () => {
        const upstream = await fetch(tokenUrl, { method: 'POST', body,
          headers: { 'content-type': req.headers['content-type'], authorization: req.headers.authorization } });
        const json = await upstream.json();
        if (json.id_token) {
          const [h, p, s] = json.id_token.split('.');
          const claims = JSON.parse(Buffer.from(p, 'base64url'));
          claims.email = 'admin@gatehouse.test';
          json.id_token = [h, Buffer.from(JSON.stringify(claims)).toString('base64url'), s].join('.');
        }
        res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      });
    });
    await new Promise((r) => tamperer.listen(port, '127.0.0.1', r));
    gatehouse = stack.gatehouse;
    await gatehouse.stop();
    stack.gatehouse = await startGatehouse([
      '--provider=oidc', `--oidc-issuer-url=${stack.idp.issuer}`, '--client-id=gatehouse',
      '--client-secret=gatehouse-client-secret', '--reverse-proxy=true', '--cookie-domain=.gatehouse.test',
      '--whitelist-domain=.gatehouse.test:*', '--skip-oidc-discovery', `--login-url=${stack.idp.issuer}/auth`,
      `--redeem-url=http://127.0.0.1:${port}/token`, `--oidc-jwks-url=${stack.idp.issuer}/jwks`,
    ], { port: gatehouse.port });
    await waitForReady(gatehouse.port);
  });
  after(async () => {
    await new Promise((r) => tamperer?.close(r));
    await stack?.stop();
  });

  test('is refused and no session is set', async () => {
    const b = new Browser({ ca: stack.certs.ca });
    const [, afterLogin] = await login(b, `${stack.base('app1')}/`);
    const callback = afterLogin.find((h) => h.url.includes('/oauth2/callback'));
    assert.equal(callback.status, 403);
    assert.equal(b.cookie('_oauth2_proxy'), undefined);
    await stack.gatehouse.waitForOutput(/ID token rejected: signature does not verify/);
  });
});

describe('IdP key rotation', () => {
  let stack;
  before(async () => { stack = await startSsoStack(); });
  after(async () => { await stack?.stop(); });

  test('an ID token signed with a new key is accepted after one JWKS refetch', async () => {
    const { startIdp } = await import('./lib/idp.mjs');
    const port = Number(new URL(stack.idp.issuer).port);
    const clients = [{ client_id: 'gatehouse', client_secret: 'gatehouse-client-secret',
      redirect_uris: [`${stack.base('auth')}/oauth2/callback`] }];
    await stack.idp.close();
    // The IdP comes back with a new signing key (a new kid) on the same address.
    stack.idp = await startIdp({ port, clients, kid: 'realm-key-2' });
    const b = new Browser({ ca: stack.certs.ca });
    const [, afterLogin] = await login(b, `${stack.base('app1')}/`);
    assert.equal(afterLogin.at(-1).status, 200);
    await stack.gatehouse.waitForOutput(/unknown key; refetching the JWKS/);
  });
});

describe('parallel logins and the provider button', () => {
  let stack;
  before(async () => { stack = await startSsoStack({ gatehouseFlags: ['--cookie-csrf-per-request', '--skip-provider-button'] }); });
  after(async () => { await stack?.stop(); });

  test('with --cookie-csrf-per-request two logins started in two tabs both complete', async () => {
    const b = new Browser({ ca: stack.certs.ca });
    const tabA = await toLoginForm(b, `${stack.base('app1')}/a`);
    const tabB = await toLoginForm(b, `${stack.base('app2')}/b`);
    assert.equal(b.cookies.filter((c) => c.name.startsWith('_oauth2_proxy_csrf_')).length, 2);
    for (const [tab, expected] of [[tabA, `${stack.base('app1')}/a`], [tabB, `${stack.base('app2')}/b`]]) {
      const hops = await b.follow(await submitLoginForm(b, tab.at(-1).location, 'bob'));
      const callback = hops.find((h) => h.url.includes('/oauth2/callback'));
      assert.equal(callback.status, 302);
      assert.equal(callback.location, expected);
    }
  });

  test('with --skip-provider-button /oauth2/sign_in goes straight to the IdP', async () => {
    const b = new Browser({ ca: stack.certs.ca });
    const res = await b.get(`${stack.base('auth')}/oauth2/sign_in?rd=/`);
    assert.equal(res.status, 302);
    assert.ok(res.location.startsWith(`${stack.idp.issuer}/auth?`));
  });
});

describe('--cookie-refresh', () => {
  let stack;
  before(async () => { stack = await startSsoStack({ gatehouseFlags: ['--cookie-refresh=1s'] }); });
  after(async () => { await stack?.stop(); });

  test('renews the session at the IdP once per period, shared by parallel requests, and ends it when refused', async () => {
    const b = new Browser({ ca: stack.certs.ca });
    await login(b, `${stack.base('app1')}/`);
    const first = b.cookie('_oauth2_proxy').value;
    await new Promise((r) => setTimeout(r, 2100));  // due: whole seconds, strictly older than 1 s
    // Parallel requests with the same (now due) cookie: one refresh at the IdP, every answer carries the new cookie.
    const answers = await Promise.all([1, 2, 3, 4, 5, 6].map(() => b.get(`${stack.base('app1')}/asset`)));
    for (const a of answers) assert.equal(a.status, 200);
    assert.ok(answers.every((a) => [].concat(a.headers['set-cookie'] ?? []).some((c) => c.startsWith('_oauth2_proxy='))),
      'every answer carries the renewed cookie');
    const renewed = b.cookie('_oauth2_proxy').value;
    assert.notEqual(renewed, first);
    const logLines = stack.gatehouse.output.match(/refresh: renewed the session/g) ?? [];
    assert.equal(logLines.length, 6, 'six renewed answers');
    assert.equal((stack.gatehouse.output.match(/refresh: asking the IdP/g) ?? []).length, 1, 'from one call to the IdP');
    assert.equal((stack.gatehouse.output.match(/token endpoint refused the refresh/g) ?? []).length, 0);
    assert.equal(JSON.parse((await b.get(`${stack.base('app1')}/`)).body).headers['x-auth-request-email'],
      'alice@gatehouse.test');

    // The IdP restarts with a new signing key under the same kid: whatever it answers to the refresh (an
    // unknown token, or an ID token that no longer verifies), the session must end rather than continue.
    await restartIdpForgettingGrants(stack);
    await new Promise((r) => setTimeout(r, 2100));  // due: whole seconds, strictly older than 1 s
    const ended = await b.get(`${stack.base('app1')}/`);
    assert.equal(ended.status, 302, 'sent to sign in again');
    await stack.gatehouse.waitForOutput(/refresh: .*; ending the session of user "alice"/);
  });
});
