// --provider=gitlab against a local stand-in for GitLab (gitlab.com cannot be reached from here): the npm
// oidc-provider (lib/idp.mjs), which speaks OpenID Connect as GitLab does, including a userinfo endpoint that names
// the user's groups. As with GitLab, the groups Gatehouse uses are userinfo's (GitLab's ID token names only direct
// memberships, as groups_direct, which this stand-in's tokens do not carry): the test asks for that claim, so any
// group the session gets can only have come from userinfo.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnGatehouse, freePort, waitForPort, waitForReady, cookieSecret } from './lib/processes.mjs';
import { startIdp } from './lib/idp.mjs';
import { Browser } from './lib/browser.mjs';
import { login } from './lib/login_steps.mjs';

describe('--provider=gitlab', () => {
  let gh, idp, port;
  before(async () => {
    port = await freePort();
    idp = await startIdp({ port: await freePort(), clients: [{ client_id: 'gitlab-app', client_secret: 'gitlab-secret',
      redirect_uris: [`http://127.0.0.1:${port}/oauth2/callback`] }] });
    gh = spawnGatehouse(['--provider=gitlab', `--oidc-issuer-url=${idp.issuer}`, '--client-id=gitlab-app',
      '--client-secret=gitlab-secret', `--cookie-secret=${cookieSecret}`, '--email-domain=*',
      `--http-address=127.0.0.1:${port}`, '--workers=2', '--cookie-secure=false', '--set-xauthrequest',
      '--skip-provider-button', '--oidc-groups-claim=groups_direct', '--gitlab-group=/platform-team']);
    await waitForPort(port);
    await waitForReady(port);
  });
  after(async () => { await gh?.stop(); await idp?.close(); });

  test('a member of --gitlab-group signs in with the groups userinfo names; another user is refused with the cause', async () => {
    const alice = new Browser();
    const callbackOf = (hops) => hops.find((h) => h.url.includes('/oauth2/callback'));
    const [, back] = await login(alice, `http://127.0.0.1:${port}/oauth2/start?rd=%2Fhome`, 'alice');
    assert.equal(callbackOf(back).status, 302, callbackOf(back).body);
    const auth = await alice.get(`http://127.0.0.1:${port}/oauth2/auth`);
    assert.equal(auth.status, 202);
    assert.equal(auth.headers['x-auth-request-email'], 'alice@gatehouse.test');
    assert.equal(auth.headers['x-auth-request-groups'], '/platform-team,/dev');

    const bob = new Browser();
    const [, refused] = await login(bob, `http://127.0.0.1:${port}/oauth2/start?rd=%2Fhome`, 'bob');
    assert.equal(callbackOf(refused).status, 403);
    assert.match(callbackOf(refused).body, /Your account is not allowed to sign in here/);
    await gh.waitForOutput(/login: failed with 403: 'bob' is in none of --gitlab-group/);
    assert.equal((await bob.get(`http://127.0.0.1:${port}/oauth2/auth`)).status, 401);
  });
});

// --gitlab-project as oauth2-proxy reads it: group/project=access level; the level each user has comes from GitLab's
// projects API (here the stand-in IdP's route, on the host that signs users in) with the user's own token.
describe('--provider=gitlab --gitlab-project', () => {
  let gh, idp, port;
  const asked = [];
  const levels = { alice: 30, bob: 20 };
  before(async () => {
    port = await freePort();
    idp = await startIdp({ port: await freePort(), clients: [{ client_id: 'gitlab-app', client_secret: 'gitlab-secret',
      redirect_uris: [`http://127.0.0.1:${port}/oauth2/callback`] }],
      routes: async (req, res, provider) => {
        if (!req.url.startsWith('/api/v4/projects/')) return false;
        const token = await provider.AccessToken.find((req.headers.authorization ?? '').replace(/^Bearer /, ''));
        asked.push(`${req.url} ${token?.accountId ?? 'no token'}`);
        const json = (status, body) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
        if (!token) return json(401, { message: '401 Unauthorized' }), true;
        if (req.url !== '/api/v4/projects/acme%2Fapp') return json(404, { message: '404 Project Not Found' }), true;
        json(200, { id: 7, path_with_namespace: 'acme/app', archived: false,
          permissions: { project_access: { access_level: levels[token.accountId] }, group_access: null } });
        return true;
      } });
    gh = spawnGatehouse(['--provider=gitlab', `--oidc-issuer-url=${idp.issuer}`, '--client-id=gitlab-app',
      '--client-secret=gitlab-secret', `--cookie-secret=${cookieSecret}`, '--email-domain=*',
      `--http-address=127.0.0.1:${port}`, '--workers=1', '--cookie-secure=false', '--set-xauthrequest',
      '--skip-provider-button', '--gitlab-project=acme/app=30']);
    await waitForPort(port);
    await waitForReady(port);
  });
  after(async () => { await gh?.stop(); await idp?.close(); });

  test('a developer of the project signs in with the group project:acme/app; a reporter is refused', async () => {
    const callbackOf = (hops) => hops.find((h) => h.url.includes('/oauth2/callback'));
    const alice = new Browser();
    const [, back] = await login(alice, `http://127.0.0.1:${port}/oauth2/start?rd=%2Fhome`, 'alice');
    assert.equal(callbackOf(back).status, 302, callbackOf(back).body);
    const auth = await alice.get(`http://127.0.0.1:${port}/oauth2/auth`);
    assert.equal(auth.status, 202);
    assert.match(auth.headers['x-auth-request-groups'], /(^|,)project:acme\/app$/);
    assert.deepEqual(asked, ['/api/v4/projects/acme%2Fapp alice'], 'asked with alice\'s own token');

    const bob = new Browser();
    const [, refused] = await login(bob, `http://127.0.0.1:${port}/oauth2/start?rd=%2Fhome`, 'bob');
    assert.equal(callbackOf(refused).status, 403);
    await gh.waitForOutput(/login: failed with 403: 'bob' is in none of --gitlab-group and --gitlab-project/);
  });
});
