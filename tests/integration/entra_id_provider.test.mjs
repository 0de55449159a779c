// --provider=entra-id (and its older name azure) against a local stand-in for Microsoft Entra ID
// (login.microsoftonline.com and graph.microsoft.com cannot be reached from here): the npm oidc-provider
// (lib/idp.mjs) at a tenant's issuer path (/<tenant>/v2.0), with Entra ID's claims: `tid`, an e-mail without
// email_verified, group object IDs in `groups`, and for a user with too many groups the "groups overage" form
// instead (`_claim_names`/`_claim_sources`). Beside it, Microsoft Graph's /me/transitiveMemberOf, which accepts only
// the IdP's own live access tokens and pages its answer with @odata.nextLink. The multi-tenant endpoint
// (/common/v2.0) announces the issuer template "…/{tenantid}/v2.0", as Entra ID's does.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnGatehouse, freePort, waitForPort, waitForReady, cookieSecret } from './lib/processes.mjs';
import { startIdp } from './lib/idp.mjs';
import { Browser } from './lib/browser.mjs';
import { login } from './lib/login_steps.mjs';

const tenant = '7f3c2a10-5d1e-4c7b-9a40-3e2f1d0c9b8a';
const graphGroups = { bob: ['g-ops', 'g-dev', 'g-sre'] };
const claimsOf = {
  alice: { sub: 'alice-oid', tid: tenant, email: 'alice@contoso.test', preferred_username: 'alice@contoso.test',
    groups: ['g-platform', 'g-dev'] },
  // Too many groups for the token: it says where they are instead, and the domain of its address is verified.
  bob: { sub: 'bob-oid', tid: tenant, email: 'bob@contoso.test', preferred_username: 'bob@contoso.test', xms_edov: true,
    _claim_names: { groups: 'src1' },
    _claim_sources: { src1: { endpoint: `https://graph.windows.net/${tenant}/users/bob-oid/getMemberObjects` } } },
};

describe('--provider=entra-id', () => {
  let idp, idpPort, single, multi, singlePort, multiPort, otherTenant, otherTenantPort;
  const graphCalls = [];

  before(async () => {
    idpPort = await freePort();
    singlePort = await freePort();
    multiPort = await freePort();
    otherTenantPort = await freePort();
    const graphPage = 2;
    idp = await startIdp({ port: idpPort, realm: `/${tenant}/v2.0`, extraClaims: ['tid', 'xms_edov'],
      accountClaims: (id) => claimsOf[id],
      clients: [{ client_id: 'entra-app', client_secret: 'entra-secret',
        redirect_uris: [`http://127.0.0.1:${singlePort}/oauth2/callback`, `http://127.0.0.1:${multiPort}/oauth2/callback`,
          `http://127.0.0.1:${otherTenantPort}/oauth2/callback`] }],
      routes: async (req, res, provider) => {
        const url = new URL(req.url, `http://127.0.0.1:${idpPort}`);
        if (url.pathname === '/common/v2.0/.well-known/openid-configuration') {
          const doc = await (await fetch(`http://127.0.0.1:${idpPort}/${tenant}/v2.0/.well-known/openid-configuration`)).json();
          doc.issuer = `http://127.0.0.1:${idpPort}/{tenantid}/v2.0`;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(doc));
          return true;
        }
        if (url.pathname !== '/v1.0/me/transitiveMemberOf/microsoft.graph.group') return false;
        const token = await provider.AccessToken.find((req.headers.authorization ?? '').replace(/^Bearer /, ''));
        graphCalls.push(token?.accountId ?? 'invalid token');
        if (!token) {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'InvalidAuthenticationToken' } }));
          return true;
        }
        const all = graphGroups[token.accountId] ?? [];
        const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
        const body = { value: all.slice(skip, skip + graphPage).map((id) => ({ '@odata.type': '#microsoft.graph.group', id })) };
        if (skip + graphPage < all.length) {
          const next = new URL(url);
          next.searchParams.set('$skiptoken', String(skip + graphPage));
          body['@odata.nextLink'] = next.toString();
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
        return true;
      } });
    const flags = (port, issuer) => ['--provider=entra-id', `--azure-tenant=${tenant}`, `--oidc-issuer-url=${issuer}`,
      '--client-id=entra-app', '--client-secret=entra-secret', `--cookie-secret=${cookieSecret}`, '--email-domain=contoso.test',
      `--http-address=127.0.0.1:${port}`, '--workers=2', '--cookie-secure=false', '--set-xauthrequest',
      '--skip-provider-button', `--azure-graph-url=http://127.0.0.1:${idpPort}`];
    single = spawnGatehouse(flags(singlePort, idp.issuer));
    // --entra-id-allowed-tenant narrows the multi-tenant endpoint: the tenant listed passes, another does not.
    multi = spawnGatehouse([...flags(multiPort, `http://127.0.0.1:${idpPort}/common/v2.0`), `--entra-id-allowed-tenant=${tenant}`]
      .filter((f) => !f.startsWith('--azure-tenant')));
    otherTenant = spawnGatehouse([...flags(otherTenantPort, `http://127.0.0.1:${idpPort}/common/v2.0`),
      '--entra-id-allowed-tenant=00000000-0000-0000-0000-00000000beef'].filter((f) => !f.startsWith('--azure-tenant')));
    await Promise.all([waitForPort(singlePort), waitForPort(multiPort), waitForPort(otherTenantPort)]);
    await Promise.all([waitForReady(singlePort), waitForReady(multiPort), waitForReady(otherTenantPort)]);
  });
  after(async () => { await single?.stop(); await multi?.stop(); await otherTenant?.stop(); await idp?.close(); });

  const callbackOf = (hops) => hops.find((h) => h.url.includes('/oauth2/callback'));
  async function signIn(port, user) {
    const browser = new Browser();
    const [, back] = await login(browser, `http://127.0.0.1:${port}/oauth2/start?rd=%2Fhome`, user);
    return { browser, callback: callbackOf(back) };
  }

  test('a tenant\'s user signs in with the groups of its token, its e-mail taken as the tenant\'s word; Graph is not asked', async () => {
    const { browser, callback } = await signIn(singlePort, 'alice');
    assert.equal(callback.status, 302, callback.body);
    const auth = await browser.get(`http://127.0.0.1:${singlePort}/oauth2/auth`);
    assert.equal(auth.status, 202);
    assert.equal(auth.headers['x-auth-request-email'], 'alice@contoso.test');
    assert.equal(auth.headers['x-auth-request-groups'], 'g-platform,g-dev');
    assert.deepEqual(graphCalls, []);
  });

  test('a groups overage: the groups come from Microsoft Graph, every page, with the user\'s own token', async () => {
    const { browser, callback } = await signIn(singlePort, 'bob');
    assert.equal(callback.status, 302, callback.body);
    const auth = await browser.get(`http://127.0.0.1:${singlePort}/oauth2/auth`);
    assert.equal(auth.headers['x-auth-request-groups'], 'g-ops,g-dev,g-sre');
    assert.deepEqual(graphCalls, ['bob', 'bob'], 'two pages, each with a token the IdP issued to bob');
  });

  test('the multi-tenant endpoint: the issuer template is filled from tid, and only a domain-verified e-mail counts (xms_edov)', async () => {
    const bob = await signIn(multiPort, 'bob');
    assert.equal(bob.callback.status, 302, bob.callback.body);
    assert.equal((await bob.browser.get(`http://127.0.0.1:${multiPort}/oauth2/auth`)).headers['x-auth-request-email'], 'bob@contoso.test');
    const alice = await signIn(multiPort, 'alice');
    assert.equal(alice.callback.status, 403);
    await multi.waitForOutput(/login: failed with 403: ID token rejected: email 'alice@contoso.test' is not verified \(xms_edov is absent; --insecure-oidc-allow-unverified-email accepts it\)/);
  });

  test('--entra-id-allowed-tenant: a user of a tenant not listed is refused with the cause', async () => {
    const bob = await signIn(otherTenantPort, 'bob');
    assert.equal(bob.callback.status, 403);
    await otherTenant.waitForOutput(new RegExp(`login: failed with 403: tenant '${tenant}' is not in --entra-id-allowed-tenant`));
    assert.equal((await bob.browser.get(`http://127.0.0.1:${otherTenantPort}/oauth2/auth`)).status, 401, 'no session was made');
  });
});
