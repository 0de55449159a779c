// Caddy 2.6 forward_auth in front of the sample app, end to end with the real IdP. Caddy hands any non-2xx
// auth answer to the client unchanged, as Traefik's forwardAuth does (Traefik itself is not packaged for
// Debian, so Caddy stands in for both): Gatehouse's /oauth2/forward_auth must itself send browsers to sign
// in and give programs a 401.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startCaddyStack } from './lib/caddy.mjs';
import { Browser } from './lib/browser.mjs';
import { login } from './lib/login_steps.mjs';

describe('Caddy forward_auth with a real OpenID Provider', () => {
  let stack;
  const browser = () => new Browser({ ca: stack.certs.ca });
  before(async () => { stack = await startCaddyStack({ authQueries: { app2: '?allowed_groups=/admins' } }); });
  after(async () => { await stack?.stop(); });

  test('an anonymous browser is sent through the IdP and back to the app, with its identity', async () => {
    const b = browser();
    const app1 = `${stack.base('app1')}/dashboard?tab=2`;
    const anonymous = await b.get(app1);
    assert.equal(anonymous.status, 302, 'the 302 comes straight from the auth answer, through Caddy');
    assert.equal(anonymous.location, `${stack.base('auth')}/oauth2/start?rd=${encodeURIComponent(app1)}`);

    const [, afterLogin] = await login(b, app1);
    const page = afterLogin.at(-1);
    assert.equal(page.url, app1, 'back where the user started');
    assert.equal(page.status, 200);
    const seen = JSON.parse(page.body);
    assert.equal(seen.url, '/dashboard?tab=2');
    assert.equal(seen.headers['x-auth-request-user'], 'alice');
    assert.equal(seen.headers['x-auth-request-email'], 'alice@gatehouse.test');
    assert.equal(seen.headers['x-auth-request-groups'], '/platform-team,/dev');
  });

  test('a program without a session gets 401, not a redirect', async () => {
    const b = browser();
    for (const headers of [{ accept: 'application/json' }, { 'x-requested-with': 'XMLHttpRequest' }]) {
      const res = await b.get(`${stack.base('app1')}/api/items`, { headers });
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.equal(res.location, undefined);
    }
  });

  test('signed in but refused by the per-app rule: 403', async () => {
    const b = browser();
    await login(b, `${stack.base('app1')}/`);
    const res = await b.get(`${stack.base('app2')}/`);
    assert.equal(res.status, 403);
    await stack.gatehouse.waitForOutput(/auth: status=403 reason="not in the app's allowed_groups" client=127\.0\.0\.1 user="alice"/);
  });

  test('identity headers a client sends never reach the app as the identity', async () => {
    const b = browser();
    await login(b, `${stack.base('app1')}/`);
    const res = await b.get(`${stack.base('app1')}/`, { headers: { 'x-auth-request-user': 'mallory',
      'x-auth-request-email': 'mallory@evil.test' } });
    const seen = JSON.parse(res.body).headers;
    assert.equal(seen['x-auth-request-user'], 'alice');
    assert.equal(seen['x-auth-request-email'], 'alice@gatehouse.test');
    // Anonymous with forged headers: still sent to sign in.
    const anon = await browser().get(`${stack.base('app1')}/`, { headers: { 'x-auth-request-user': 'alice' } });
    assert.equal(anon.status, 302);
  });
});
