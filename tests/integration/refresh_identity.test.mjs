// --cookie-refresh against the real IdP (oidc-provider), when the refreshed ID token names someone else: OpenID
// Connect Core §12.2 says its `iss` and `sub` must be those of the session's, so Gatehouse ends the session
// instead of renewing it as that other subject (issue 21, item 10). The IdP here is told to call the same account
// by another `sub` from some moment on, as an IdP with a bug, a migration or a compromised account store would.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startGatehouse, freePort, waitForReady } from './lib/processes.mjs';
import { startIdp, users } from './lib/idp.mjs';
import { Browser } from './lib/browser.mjs';
import { login } from './lib/login_steps.mjs';

describe('a refresh that names another subject', () => {
  let idp, gatehouse;
  const subjectOf = {};  // the `sub` the IdP gives an account in its next tokens (default: the account's id)

  before(async () => {
    const idpPort = await freePort();
    const port = await freePort();
    idp = await startIdp({ port: idpPort,
      accountClaims: (id) => ({ sub: subjectOf[id] ?? id, email: users[id].email, email_verified: true,
        preferred_username: id, groups: users[id].groups }),
      clients: [{ client_id: 'gatehouse', client_secret: 'refresh-identity-secret',
        redirect_uris: [`http://127.0.0.1:${port}/oauth2/callback`] }] });
    gatehouse = await startGatehouse([`--oidc-issuer-url=${idp.issuer}`, '--client-secret=refresh-identity-secret',
      '--cookie-secure=false', '--set-xauthrequest', '--skip-provider-button', '--cookie-refresh=1s'], { port });
    await waitForReady(port);
  });
  after(async () => {
    await gatehouse?.stop();
    await idp?.close();
  });

  test('the same subject renews the session; another one ends it', async () => {
    const b = new Browser();
    const auth = () => b.get(`http://127.0.0.1:${gatehouse.port}/oauth2/auth`);
    await login(b, `http://127.0.0.1:${gatehouse.port}/oauth2/start?rd=%2F`);
    const first = await auth();
    assert.equal(first.status, 202);
    assert.equal(first.headers['x-auth-request-user'], 'alice');

    // The normal path: refreshed with the same iss and sub, the session goes on.
    await new Promise((r) => setTimeout(r, 2100));  // due: whole seconds, strictly older than 1 s
    const renewed = await auth();
    assert.equal(renewed.status, 202);
    assert.equal(renewed.headers['x-auth-request-user'], 'alice');
    await gatehouse.waitForOutput(/refresh: renewed the session of user "alice"/);

    // From now on the IdP calls this account "mallory" in the tokens it issues.
    subjectOf.alice = 'mallory';
    await new Promise((r) => setTimeout(r, 2100));
    const after = await auth();
    assert.equal(after.status, 401, `not renewed as someone else (user header: ${after.headers['x-auth-request-user']})`);
    await gatehouse.waitForOutput(
      /refresh: the refreshed ID token names another subject \(sub\); ending the session of user "alice"/);
    assert.equal(b.cookie('_oauth2_proxy'), undefined, 'the session cookie is cleared');
    assert.doesNotMatch(gatehouse.output, /renewed the session of user "mallory"/);
  });
});
