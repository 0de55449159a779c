// oauth2-proxy's login flags that Gatehouse reads under the same names, each through a real login against the
// test IdP (oidc-provider): what the authorization request carries (--acr-values, --approval-prompt and --prompt,
// --relative-redirect-url), who the user is (--user-id-claim) and who may pass (--keycloak-group); and
// --force-https, which answers plain HTTP with the same URL over HTTPS.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startGatehouse, freePort, waitForReady } from './lib/processes.mjs';
import { startIdp, users } from './lib/idp.mjs';
import { Browser } from './lib/browser.mjs';
import { login } from './lib/login_steps.mjs';

describe("oauth2-proxy's login flags", () => {
  let idp;
  const ports = [];
  const gatehouses = [];
  before(async () => {
    for (let i = 0; i < 4; i += 1) ports.push(await freePort());
    // Each account also has an Entra-like `upn` claim in its ID token, for --user-id-claim.
    idp = await startIdp({ port: await freePort(), clients: [{ client_id: 'gatehouse', client_secret: 'test-secret',
      redirect_uris: ports.map((p) => `http://127.0.0.1:${p}/oauth2/callback`) }], extraClaims: ['upn'],
      accountClaims: (id) => ({ sub: id, email: users[id].email, email_verified: true, name: users[id].name,
        preferred_username: id, groups: users[id].groups, upn: `${id}@upn.gatehouse.test` }) });
  });
  after(async () => {
    for (const g of gatehouses) await g.stop();
    await idp?.close();
  });

  async function start(i, flags) {
    const g = await startGatehouse([`--oidc-issuer-url=${idp.issuer}`, '--cookie-secure=false', '--set-xauthrequest',
      '--skip-provider-button', ...flags], { port: ports[i] });
    gatehouses.push(g);
    await waitForReady(ports[i]);
    return g;
  }
  const authorizeOf = (hops) => new URL(hops.find((h) => h.location?.startsWith(idp.issuer)).location);
  const callbackOf = (hops) => hops.find((h) => h.url.includes('/oauth2/callback'));

  test('--acr-values goes on the authorization request; --approval-prompt (default force) as approval_prompt unless --prompt is set', async () => {
    await start(0, ['--acr-values=urn:gatehouse:loa:2']);
    const browser = new Browser();
    const [toIdp, back] = await login(browser, `http://127.0.0.1:${ports[0]}/oauth2/start?rd=%2F`, 'alice');
    const authorize = authorizeOf(toIdp);
    assert.equal(authorize.searchParams.get('acr_values'), 'urn:gatehouse:loa:2');
    assert.equal(authorize.searchParams.get('approval_prompt'), 'force', "oauth2-proxy's default");
    assert.equal(authorize.searchParams.get('prompt'), null);
    assert.equal(callbackOf(back).status, 302, callbackOf(back).body);

    await start(1, ['--prompt=login', '--approval-prompt=auto']);
    const second = await new Browser().follow(`http://127.0.0.1:${ports[1]}/oauth2/start?rd=%2F`,
      { stopAt: (u) => u.startsWith(idp.issuer) });
    const withPrompt = authorizeOf(second);
    assert.equal(withPrompt.searchParams.get('prompt'), 'login');
    assert.equal(withPrompt.searchParams.get('approval_prompt'), null, '--prompt wins');
  });

  test('--user-id-claim names the e-mail claim, as oauth2-proxy\'s deprecated flag did; --keycloak-group admits only its members', async () => {
    const g = await start(2, ['--provider=keycloak-oidc', '--user-id-claim=upn', '--keycloak-group=/dev']);
    const bob = new Browser();
    const [, back] = await login(bob, `http://127.0.0.1:${ports[2]}/oauth2/start?rd=%2F`, 'bob');
    assert.equal(callbackOf(back).status, 302, callbackOf(back).body);
    const auth = await bob.get(`http://127.0.0.1:${ports[2]}/oauth2/auth`);
    assert.equal(auth.status, 202);
    assert.equal(auth.headers['x-auth-request-email'], 'bob@upn.gatehouse.test', 'the upn claim, not email');
    const carol = new Browser();
    const [, refused] = await login(carol, `http://127.0.0.1:${ports[2]}/oauth2/start?rd=%2F`, 'carol');
    assert.equal(callbackOf(refused).status, 403, 'carol is not in /dev');
    await g.waitForOutput(/login: failed with 403: not in an allowed group: carol@upn\.gatehouse\.test/);
  });

  test('--relative-redirect-url sends the IdP the callback as a path', async () => {
    await start(3, ['--relative-redirect-url']);
    const hops = await new Browser().follow(`http://127.0.0.1:${ports[3]}/oauth2/start?rd=%2F`,
      { stopAt: (u) => u.startsWith(idp.issuer) });
    assert.equal(authorizeOf(hops).searchParams.get('redirect_uri'), '/oauth2/callback');
  });

  test('--force-https: plain HTTP gets a 308 to the same URL over HTTPS; what a trusted proxy says came over HTTPS passes', async () => {
    const g = await startGatehouse(['--force-https', '--reverse-proxy', '--trusted-proxy-ip=127.0.0.1']);
    gatehouses.push(g);
    const plain = await fetch(`http://127.0.0.1:${g.port}/oauth2/sign_in?rd=%2Fx`, { redirect: 'manual' });
    assert.equal(plain.status, 308);
    assert.equal(plain.headers.get('location'), 'https://127.0.0.1/oauth2/sign_in?rd=%2Fx');
    const behind = await fetch(`http://127.0.0.1:${g.port}/oauth2/sign_in`, { redirect: 'manual',
      headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'auth.example.com' } });
    assert.equal(behind.status, 200);
  });
});
