// oauth2-proxy's remaining authorization flags: --allowed-role (keycloak-oidc realm and client roles, read from
// tokens the real IdP signed, in Keycloak's realm_access/resource_access shape), --api-route (401 instead of a
// redirect to sign in) and --skip-auth-regex (the older form of --skip-auth-route), through the forward_auth door.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startGatehouse, freePort, registerSecret, runGatehouse, cookieSecret } from './lib/processes.mjs';
import { startIdp } from './lib/idp.mjs';
import { extAuthzClient, checkRequest } from './lib/ext_authz_client.mjs';

const machineClients = [
  { client_id: 'ops-bot', client_secret: 'ops-bot-secret', claims: { realm_access: { roles: ['admin', 'offline_access'] } } },
  { client_id: 'billing-bot', client_secret: 'billing-bot-secret',
    claims: { resource_access: { billing: { roles: ['viewer'] }, account: { roles: ['manage-account'] } } } },
  { client_id: 'plain-bot', client_secret: 'plain-bot-secret', claims: { realm_access: { roles: ['user'] } } },
];

describe('--allowed-role with --provider=keycloak-oidc', () => {
  let idp, gh;
  before(async () => {
    idp = await startIdp({ port: await freePort(), clients: [], machineClients });
    for (const c of machineClients) registerSecret(c.client_secret);
    gh = await startGatehouse(['--provider=keycloak-oidc', `--oidc-issuer-url=${idp.issuer}`, '--skip-jwt-bearer-tokens',
      '--allowed-role=admin', '--allowed-role=billing:viewer', '--set-xauthrequest']);
    await gh.waitForOutput(/loaded 1 signing key/);
  });
  after(async () => { await gh?.stop(); await idp?.close(); });

  const auth = async (client) => {
    const token = await idp.clientCredentialsToken(client, `${client}-secret`);
    registerSecret(token);
    return fetch(`http://127.0.0.1:${gh.port}/oauth2/auth`, { headers: { Authorization: `Bearer ${token}` } });
  };

  test('a realm role or a client role (client:role) lets a token in; neither is 403', async () => {
    const ops = await auth('ops-bot');
    assert.equal(ops.status, 202);
    assert.match(ops.headers.get('x-auth-request-groups'), /(^|,)role:admin(,|$)/);
    const billing = await auth('billing-bot');
    assert.equal(billing.status, 202);
    assert.match(billing.headers.get('x-auth-request-groups'), /(^|,)role:billing:viewer(,|$)/);
    assert.match(billing.headers.get('x-auth-request-groups'), /role:account:manage-account/);
    assert.equal((await auth('plain-bot')).status, 403);
  });

  test('--allowed-role needs --provider=keycloak-oidc', async () => {
    const r = await runGatehouse(['--oidc-issuer-url=https://idp.example.com', '--client-id=a', '--client-secret=b',
      `--cookie-secret=${cookieSecret}`, '--email-domain=*', '--allowed-role=admin']);
    assert.equal(r.code, 2);
    assert.match(r.output, /^gatehouse: --allowed-role: only applies to --provider=keycloak-oidc/m);
  });
});

describe('--api-route and --skip-auth-regex', () => {
  let gh, grpc;
  before(async () => {
    const grpcPort = await freePort();
    gh = await startGatehouse(['--reverse-proxy', '--api-route=^/api/', '--api-route=^/v[0-9]+/', '--skip-auth-regex=^/public/',
      '--skip-auth-regex=^/status$', `--grpc-address=127.0.0.1:${grpcPort}`]);
    grpc = extAuthzClient(grpcPort);
  });
  after(async () => { grpc?.close(); await gh?.stop(); });

  const forwardAuth = (uri) => fetch(`http://127.0.0.1:${gh.port}/oauth2/forward_auth`, { redirect: 'manual',
    headers: { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'app.example.com', 'X-Forwarded-Uri': uri,
      'X-Forwarded-Method': 'GET', Accept: 'text/html' } });

  test('a browser on an API route gets 401, elsewhere the redirect to sign in; --skip-auth-regex paths are public', async () => {
    assert.equal((await forwardAuth('/api/items?page=2')).status, 401);
    assert.equal((await forwardAuth('/v2/things')).status, 401);
    const page = await forwardAuth('/dashboard');
    assert.equal(page.status, 302);
    assert.match(page.headers.get('location'), /\/oauth2\/start\?rd=/);
    assert.equal((await forwardAuth('/apiary')).status, 302, 'the regex is anchored where it says');
    assert.equal((await forwardAuth('/public/logo.png')).status, 200);
    assert.equal((await forwardAuth('/status')).status, 200);
    assert.equal((await forwardAuth('/status/admin')).status, 302);
    // Gatehouse's own upstream side (reverse-proxy mode): the sign-in page for a browser, 401 on an API route.
    const direct = (p) => fetch(`http://127.0.0.1:${gh.port}${p}`, { headers: { Accept: 'text/html' } });
    assert.equal((await direct('/dashboard')).status, 403);
    assert.equal((await direct('/api/items')).status, 401);
  });

  test('the gRPC door answers the same: 401 on an API route, a redirect elsewhere, public paths allowed', async () => {
    const api = await grpc.check(checkRequest({ path: '/api/items', headers: { accept: 'text/html' } }));
    assert.equal(api.denied_response.status.code, 'Unauthorized');
    const page = await grpc.check(checkRequest({ path: '/dashboard', headers: { accept: 'text/html' } }));
    assert.equal(page.denied_response.status.code, 'Found');
    assert.equal((await grpc.check(checkRequest({ path: '/public/app.css' }))).status.code, 0);
  });

  test('a regex that does not compile stops the start with the flag named', async () => {
    const r = await runGatehouse(['--oidc-issuer-url=https://idp.example.com', '--client-id=a', '--client-secret=b',
      `--cookie-secret=${cookieSecret}`, '--email-domain=*', '--api-route=(unclosed']);
    assert.equal(r.code, 2);
    assert.match(r.output, /^gatehouse: --api-route: '\(unclosed' is not a valid regular expression/m);
  });
});
