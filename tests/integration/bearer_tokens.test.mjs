// Machine clients with JWT bearer tokens (--skip-jwt-bearer-tokens, --extra-jwt-issuers): real tokens from the
// local oidc-provider's client-credentials grant (JWT access tokens, RFC 9068) and from a second, independent
// oidc-provider as the extra issuer; expired and not-yet-valid tokens signed with the IdP's own key; tampered
// ones. Through the nginx door, the forward_auth door, real nginx auth_request, and the gRPC door.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startGatehouse, runGatehouse, freePort, mintCookie, registerSecret } from './lib/processes.mjs';
import { startIdp } from './lib/idp.mjs';
import { startNginx } from './lib/nginx.mjs';
import { startEchoApp } from './lib/echo_app.mjs';
import { extAuthzClient, checkRequest } from './lib/ext_authz_client.mjs';

const machineClients = [
  { client_id: 'ci-job', client_secret: 'ci-job-secret', groups: ['/ci'] },
  { client_id: 'deployer', client_secret: 'deployer-secret', groups: ['/platform-team'], email: 'deployer@gatehouse.test' },
  { client_id: 'elsewhere', client_secret: 'elsewhere-secret', groups: ['/ci'], audience: 'another-api' },
];
const partnerClients = [{ client_id: 'partner-job', client_secret: 'partner-secret', groups: ['/partners'] }];

async function auth(port, { token, cookie, path = '/oauth2/auth', headers = {} } = {}) {
  const h = { ...headers };
  if (token !== undefined) h.Authorization = `Bearer ${token}`;
  if (cookie) h.Cookie = cookie;
  return fetch(`http://127.0.0.1:${port}${path}`, { headers: h, redirect: 'manual' });
}

// A token with one character of its signature changed (and one with its payload changed, signature kept).
function tampered(token) {
  const [h, p, s] = token.split('.');
  const flipped = s.slice(0, 10) + (s[10] === 'A' ? 'B' : 'A') + s.slice(11);
  const claims = JSON.parse(Buffer.from(p, 'base64url'));
  claims.groups = ['/platform-team'];
  return { signature: `${h}.${p}.${flipped}`, payload: `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}` };
}

describe('JWT bearer tokens', () => {
  let idp, partner, stranger, gatehouse, grpcPort, grpc;
  const now = () => Math.floor(Date.now() / 1000);

  before(async () => {
    idp = await startIdp({ port: await freePort(), clients: [], machineClients });
    partner = await startIdp({ port: await freePort(), clients: [], machineClients: partnerClients,
      apiAudience: 'partner-api', kid: 'partner-key-1' });
    stranger = await startIdp({ port: await freePort(), clients: [], machineClients, kid: 'stranger-key' });
    for (const c of [...machineClients, ...partnerClients]) registerSecret(c.client_secret);
    grpcPort = await freePort();
    gatehouse = await startGatehouse([`--oidc-issuer-url=${idp.issuer}`, '--skip-jwt-bearer-tokens',
      `--extra-jwt-issuers=${partner.issuer}=partner-api`, '--set-xauthrequest', '--pass-access-token',
      `--grpc-address=127.0.0.1:${grpcPort}`]);
    for (const issuer of [idp.issuer, partner.issuer])
      await gatehouse.waitForOutput(new RegExp(`loaded 1 signing key\\(s\\) from ${issuer}`));
    grpc = extAuthzClient(grpcPort);
  });
  after(async () => {
    grpc?.close();
    await gatehouse?.stop();
    await Promise.all([idp?.close(), partner?.close(), stranger?.close()]);
  });

  test('a client-credentials token from the IdP is a session: 202 with its identity, groups and the token', async () => {
    const token = await idp.clientCredentialsToken('ci-job', 'ci-job-secret');
    registerSecret(token);
    const r = await auth(gatehouse.port, { token });
    assert.equal(r.status, 202);
    assert.equal(r.headers.get('x-auth-request-user'), 'ci-job');
    assert.equal(r.headers.get('x-auth-request-groups'), '/ci');
    assert.equal(r.headers.get('x-auth-request-access-token'), token);
    // The second request is answered from this thread's memory of verified tokens, with the same answer.
    const again = await auth(gatehouse.port, { token });
    assert.equal(again.status, 202);
    assert.equal(again.headers.get('x-auth-request-user'), 'ci-job');
  });

  test('a token from the extra issuer, for its own audience', async () => {
    const token = await partner.clientCredentialsToken('partner-job', 'partner-secret');
    registerSecret(token);
    const r = await auth(gatehouse.port, { token });
    assert.equal(r.status, 202);
    assert.equal(r.headers.get('x-auth-request-user'), 'partner-job');
    assert.equal(r.headers.get('x-auth-request-groups'), '/partners');
  });

  test('authorization applies to tokens unchanged: allowed_groups on the auth URL', async () => {
    const ci = await idp.clientCredentialsToken('ci-job', 'ci-job-secret');
    const deployer = await idp.clientCredentialsToken('deployer', 'deployer-secret');
    registerSecret(ci, deployer);
    const path = '/oauth2/auth?allowed_groups=/platform-team';
    assert.equal((await auth(gatehouse.port, { token: ci, path })).status, 403);
    const ok = await auth(gatehouse.port, { token: deployer, path });
    assert.equal(ok.status, 202);
    assert.equal(ok.headers.get('x-auth-request-email'), 'deployer@gatehouse.test');
    await gatehouse.waitForOutput(/status=403 reason="not in the app's allowed_groups" .*user="ci-job"/);
  });

  test('refused tokens get 401 with an RFC 6750 challenge and a logged reason, never a redirect', async () => {
    const token = await idp.clientCredentialsToken('ci-job', 'ci-job-secret');
    const t = tampered(token);
    const wrongAudience = await idp.clientCredentialsToken('elsewhere', 'elsewhere-secret');
    const unknownIssuer = await stranger.clientCredentialsToken('ci-job', 'ci-job-secret');
    const expired = idp.signJwt({ iss: idp.issuer, sub: 'ci-job', aud: 'gatehouse', iat: now() - 3600, exp: now() - 600 });
    const notYet = idp.signJwt({ iss: idp.issuer, sub: 'ci-job', aud: 'gatehouse', iat: now(), nbf: now() + 600, exp: now() + 1200 });
    const noExpiry = idp.signJwt({ iss: idp.issuer, sub: 'ci-job', aud: 'gatehouse', iat: now() });
    registerSecret(token, t.signature, t.payload, wrongAudience, unknownIssuer, expired, notYet, noExpiry);
    const cases = [
      [t.signature, /detail="signature: /], [t.payload, /detail="signature: /],
      [wrongAudience, /detail="audience is not one this deployment accepts"/],
      [unknownIssuer, /detail="issuer '.*' is not accepted"/], [expired, /detail="token expired"/],
      [notYet, /detail="token not yet valid \(nbf\)"/], [noExpiry, /detail="no expiry \(exp\)"/],
      ['not-a-jwt', /detail="not a JWT"/],
    ];
    for (const [bad, logged] of cases) {
      for (const path of ['/oauth2/auth', '/oauth2/forward_auth']) {
        const r = await auth(gatehouse.port, { token: bad, path, headers: { Accept: 'text/html', 'X-Forwarded-Host': 'app.example.com' } });
        assert.equal(r.status, 401, `${path} ${logged}`);
        assert.equal(r.headers.get('www-authenticate'), 'Bearer error="invalid_token", error_description="the token is not valid here"');
        assert.equal(r.headers.get('location'), null);
      }
      await gatehouse.waitForOutput(new RegExp(`reason="bearer token not valid" .*${logged.source}`));
    }
  });

  // Issue 21, item 10: one verifier for the callback, the refresh and bearer tokens. A token issued to another
  // client (azp), or with a claim of the wrong JSON type, is refused here as the callback refuses it.
  test('another authorized party, or a claim of the wrong JSON type, is refused as at the callback', async () => {
    const base = { iss: idp.issuer, sub: 'ci-job', aud: 'gatehouse', iat: now(), exp: now() + 300 };
    const ours = idp.signJwt({ ...base, aud: ['gatehouse', 'reports-api'], azp: 'gatehouse' });
    registerSecret(ours);
    assert.equal((await auth(gatehouse.port, { token: ours })).status, 202, 'azp naming us, among several audiences');
    const cases = [
      [{ azp: 'another-client' }, /detail="authorized party \(azp\) 'another-client' is not the client id"/],
      [{ aud: ['gatehouse', 'another-client'] }, /detail="several audiences and no authorized party \(azp\)"/],
      [{ aud: [1] }, /detail="claim 'aud' is not a string or an array of strings"/],
      [{ aud: {} }, /detail="claim 'aud' is not a string or an array of strings"/],
      [{ sub: 42 }, /detail="claim 'sub' is not a string"/],
      [{ exp: String(now() + 300) }, /detail="claim 'exp' is not a number"/],
      [{ email: 'ci@gatehouse.test', email_verified: 'true' }, /detail="claim 'email_verified' is not a boolean"/],
      [{ groups: ['/ci', 7] }, /detail="claim 'groups' is not a string or an array of strings"/],
    ];
    for (const [changes, logged] of cases) {
      const token = idp.signJwt({ ...base, ...changes });
      registerSecret(token);
      const r = await auth(gatehouse.port, { token });
      assert.equal(r.status, 401, JSON.stringify(changes));
      await gatehouse.waitForOutput(new RegExp(`reason="bearer token not valid" .*${logged.source}`));
    }
  });

  test('without credentials, a program is told that a bearer token is accepted', async () => {
    const r = await auth(gatehouse.port);
    assert.equal(r.status, 401);
    assert.equal(r.headers.get('www-authenticate'), 'Bearer');
  });

  test('a bad token beside a valid session cookie: the cookie decides (--bearer-token-login-fallback)', async () => {
    const cookie = mintCookie({ user: 'alice-sub', email: 'alice@gatehouse.test' });
    const r = await auth(gatehouse.port, { token: 'not-a-jwt', cookie });
    assert.equal(r.status, 202);
    assert.equal(r.headers.get('x-auth-request-user'), 'alice-sub');
  });

  test('the gRPC door: a token allows with its identity; a bad one is denied 401 with the challenge', async () => {
    const token = await idp.clientCredentialsToken('deployer', 'deployer-secret');
    registerSecret(token);
    const ok = await grpc.check(checkRequest({ headers: { authorization: `Bearer ${token}` } }));
    assert.equal(ok.status.code, 0);
    assert.equal(ok.ok_response.headers.find((h) => h.header.key === 'x-auth-request-user').header.value, 'deployer');
    const bad = await grpc.check(checkRequest({ headers: { authorization: 'Bearer not-a-jwt', accept: 'text/html' } }));
    assert.equal(bad.status.code, 16);
    assert.equal(bad.denied_response.status.code, 'Unauthorized');
    assert.match(bad.denied_response.headers.find((h) => h.header.key === 'www-authenticate').header.value,
      /^Bearer error="invalid_token"/);
  });

  test('through real nginx auth_request: the token passes, and a refusal reaches the client with its challenge', async () => {
    // An API location: no error_page 401 redirect (a program cannot follow one); nginx passes the 401's
    // WWW-Authenticate from the auth request on to the client.
    const [nginxPort, appPort] = [await freePort(), await freePort()];
    const app = await startEchoApp(appPort);
    const nginx = await startNginx(nginxPort, `
  server {
    listen 127.0.0.1:${nginxPort};
    location = /_auth {
      internal;
      proxy_pass http://127.0.0.1:${gatehouse.port}/oauth2/auth;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
    }
    location /api/ {
      auth_request /_auth;
      auth_request_set $user $upstream_http_x_auth_request_user;
      proxy_set_header X-Auth-Request-User $user;
      proxy_pass http://127.0.0.1:${appPort};
    }
  }`);
    try {
      const token = await idp.clientCredentialsToken('ci-job', 'ci-job-secret');
      registerSecret(token);
      const ok = await fetch(`http://127.0.0.1:${nginxPort}/api/builds`, { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(ok.status, 200);
      assert.equal((await ok.json()).headers['x-auth-request-user'], 'ci-job');
      const refused = await fetch(`http://127.0.0.1:${nginxPort}/api/builds`, { headers: { Authorization: 'Bearer not-a-jwt' } });
      assert.equal(refused.status, 401);
      assert.match(refused.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token"/);
    } finally {
      await nginx.stop('SIGQUIT');
      await new Promise((r) => app.close(r));
    }
  });
});

describe('bearer token settings', () => {
  test('without --skip-jwt-bearer-tokens a valid token is no session', async () => {
    const idp = await startIdp({ port: await freePort(), clients: [], machineClients });
    const gh = await startGatehouse([`--oidc-issuer-url=${idp.issuer}`]);
    try {
      await gh.waitForOutput(/loaded 1 signing key/);
      const token = await idp.clientCredentialsToken('ci-job', 'ci-job-secret');
      registerSecret(token);
      const r = await auth(gh.port, { token });
      assert.equal(r.status, 401);
      assert.equal(r.headers.get('www-authenticate'), null);
    } finally {
      await gh.stop();
      await idp.close();
    }
  });

  test('--bearer-token-login-fallback=false: a bad token is refused 403 even beside a valid cookie', async () => {
    const idp = await startIdp({ port: await freePort(), clients: [], machineClients });
    const gh = await startGatehouse([`--oidc-issuer-url=${idp.issuer}`, '--skip-jwt-bearer-tokens',
      '--bearer-token-login-fallback=false']);
    try {
      const r = await auth(gh.port, { token: 'not-a-jwt', cookie: mintCookie({ user: 'alice-sub' }) });
      assert.equal(r.status, 403);
    } finally {
      await gh.stop();
      await idp.close();
    }
  });

  test('a malformed --extra-jwt-issuers is a one-line error naming the flag, exit 2', async () => {
    const { code, output } = await runGatehouse(['--provider=oidc', '--oidc-issuer-url=https://idp', '--client-id=a',
      '--client-secret=b', '--cookie-secret=q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=', '--email-domain=*',
      '--skip-jwt-bearer-tokens', '--extra-jwt-issuers=https://other-issuer']);
    assert.equal(code, 2);
    assert.match(output, /--extra-jwt-issuers: 'https:\/\/other-issuer' is not issuer=audience/);
  });
});
