// nginx auth_request in front of a sample app, Gatehouse as the auth service: allow, deny, and the
// identity headers the app receives. Sessions are minted with the real session code
// (gatehouse-mint-session); [sign-in] replaces that with a real login.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { freePort, startGatehouse, mintCookie } from './lib/processes.mjs';
import { startNginx, authRequestServer } from './lib/nginx.mjs';
import { startEchoApp } from './lib/echo_app.mjs';
import { httpGet } from './lib/client.mjs';

const signinUrl = 'https://auth.example.test/oauth2/start';

async function stack(gatehouseFlags, authQuery = '') {
  const appPort = await freePort();
  const nginxPort = await freePort();
  const app = await startEchoApp(appPort);
  const gatehouse = await startGatehouse(gatehouseFlags);
  const nginx = await startNginx(nginxPort,
    authRequestServer({ listenPort: nginxPort, gatehousePort: gatehouse.port, appPort, signinUrl, authQuery }));
  return {
    app, gatehouse, nginx, nginxPort,
    async stop() {
      await nginx.stop('SIGQUIT');
      await gatehouse.stop();
      await new Promise((r) => app.close(r));
    },
  };
}

describe('nginx auth_request with --set-xauthrequest --pass-access-token', () => {
  let s;
  before(async () => {
    s = await stack(['--set-xauthrequest=true', '--pass-access-token=true', '--reverse-proxy=true',
      '--email-domain=example.com']);
  });
  after(async () => { await s?.stop(); });

  test('a request without a session is sent to sign-in with the original URL', async () => {
    const res = await httpGet(s.nginxPort, '/reports?q=1', { Host: 'app1.example.test' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.location, `${signinUrl}?rd=http://app1.example.test/reports?q=1`);
  });

  test('a valid session reaches the app with the identity headers', async () => {
    const cookie = mintCookie({ user: 'u-123', email: 'alice@example.com', 'preferred-username': 'alice',
      groups: '/platform-team,/dev', 'access-token': 'at-xyz' });
    const res = await httpGet(s.nginxPort, '/reports', { Host: 'app1.example.test', Cookie: cookie });
    assert.equal(res.status, 200);
    const seen = JSON.parse(res.body).headers;
    assert.equal(seen['x-auth-request-user'], 'u-123');
    assert.equal(seen['x-auth-request-email'], 'alice@example.com');
    assert.equal(seen['x-auth-request-preferred-username'], 'alice');
    assert.equal(seen['x-auth-request-groups'], '/platform-team,/dev');
    assert.equal(seen['x-auth-request-access-token'], 'at-xyz');
  });

  test('identity headers sent by the client never reach the app as identity', async () => {
    const spoof = { 'X-Auth-Request-User': 'mallory', 'X-Auth-Request-Email': 'mallory@evil.test',
      'X-Auth-Request-Groups': '/admins' };
    const denied = await httpGet(s.nginxPort, '/', { Host: 'app1.example.test', ...spoof });
    assert.equal(denied.status, 302);
    const cookie = mintCookie({ user: 'u-1', email: 'bob@example.com' });
    const res = await httpGet(s.nginxPort, '/', { Host: 'app1.example.test', Cookie: cookie, ...spoof });
    assert.equal(res.status, 200);
    const seen = JSON.parse(res.body).headers;
    assert.equal(seen['x-auth-request-user'], 'u-1');
    assert.equal(seen['x-auth-request-email'], 'bob@example.com');
    // The session has no groups, so nginx sends no groups header at all: the client's value is gone.
    assert.equal(seen['x-auth-request-groups'], undefined);
  });

  test('an expired session is sent to sign-in', async () => {
    const cookie = mintCookie({ 'expires-in': '-5' });
    const res = await httpGet(s.nginxPort, '/', { Host: 'app1.example.test', Cookie: cookie });
    assert.equal(res.status, 302);
    await s.gatehouse.waitForOutput(/reason="session expired"/);
  });

  test('a tampered cookie is sent to sign-in and the reason is logged', async () => {
    const cookie = mintCookie({ email: 'alice@example.com' });
    const eq = cookie.indexOf('=');
    const flipped = cookie.slice(0, eq + 20) + (cookie[eq + 20] === 'A' ? 'B' : 'A') + cookie.slice(eq + 21);
    const res = await httpGet(s.nginxPort, '/', { Host: 'app1.example.test', Cookie: flipped });
    assert.equal(res.status, 302);
    await s.gatehouse.waitForOutput(/reason="session cookie failed authentication"/);
  });

  test('a user outside --email-domain gets 403, not a sign-in loop', async () => {
    const cookie = mintCookie({ email: 'eve@elsewhere.test' });
    const res = await httpGet(s.nginxPort, '/', { Host: 'app1.example.test', Cookie: cookie });
    assert.equal(res.status, 403);
    await s.gatehouse.waitForOutput(/status=403 reason="email domain not allowed".*email="eve@elsewhere.test"/);
  });

  test('a session split into several cookies passes through nginx', async () => {
    const cookie = mintCookie({ email: 'alice@example.com', 'group-padding': '400' });
    assert.match(cookie, /_oauth2_proxy_1=/);
    const res = await httpGet(s.nginxPort, '/', { Host: 'app1.example.test', Cookie: cookie });
    assert.equal(res.status, 200);
    assert.match(JSON.parse(res.body).headers['x-auth-request-groups'], /\/padding\/group-399$/);
  });
});

describe('nginx auth_request with --allowed-group', () => {
  let s;
  before(async () => { s = await stack(['--set-xauthrequest', '--allowed-group=/platform-team']); });
  after(async () => { await s?.stop(); });

  test('a member passes', async () => {
    const cookie = mintCookie({ groups: '/dev,/platform-team' });
    const res = await httpGet(s.nginxPort, '/', { Host: 'app2.example.test', Cookie: cookie });
    assert.equal(res.status, 200);
  });

  test('a signed-in non-member gets 403', async () => {
    const cookie = mintCookie({ groups: '/dev' });
    const res = await httpGet(s.nginxPort, '/', { Host: 'app2.example.test', Cookie: cookie });
    assert.equal(res.status, 403);
    await s.gatehouse.waitForOutput(/reason="not in an allowed group"/);
  });
});

describe('per-app rules as query parameters on the auth URL (ingress-nginx auth-url)', () => {
  let s;
  before(async () => {
    s = await stack(['--set-xauthrequest'], '?allowed_groups=/platform-team,/sre&allowed_email_domains=example.com');
  });
  after(async () => { await s?.stop(); });

  test('a user matching every rule passes', async () => {
    const cookie = mintCookie({ email: 'alice@example.com', groups: '/sre' });
    const res = await httpGet(s.nginxPort, '/', { Host: 'app3.example.test', Cookie: cookie });
    assert.equal(res.status, 200);
  });

  test('a user outside allowed_groups gets 403 with the reason logged', async () => {
    const cookie = mintCookie({ email: 'bob@example.com', groups: '/dev' });
    const res = await httpGet(s.nginxPort, '/', { Host: 'app3.example.test', Cookie: cookie });
    assert.equal(res.status, 403);
    await s.gatehouse.waitForOutput(/status=403 reason="not in the app's allowed_groups".*email="bob@example.com"/);
  });

  test('a user in the group but outside allowed_email_domains gets 403', async () => {
    const cookie = mintCookie({ email: 'carol@contractor.test', groups: '/platform-team' });
    const res = await httpGet(s.nginxPort, '/', { Host: 'app3.example.test', Cookie: cookie });
    assert.equal(res.status, 403);
    await s.gatehouse.waitForOutput(/reason="email domain not in the app's allowed_email_domains"/);
  });
});

describe('--authenticated-emails-file', () => {
  let s;
  let file;
  before(async () => {
    const { tempDir } = await import('./lib/processes.mjs');
    const path = await import('node:path');
    file = path.join(tempDir('emails'), 'emails.txt');
    fs.writeFileSync(file, '# partners allowed in\nguest@partner.test\n');
    s = await stack(['--email-domain=example.com', `--authenticated-emails-file=${file}`]);
  });
  after(async () => { await s?.stop(); });

  test('lets in listed addresses besides --email-domain, and picks up edits without a restart', async () => {
    const get = (email) => httpGet(s.nginxPort, '/', { Host: 'app.example.test', Cookie: mintCookie({ email }) });
    assert.equal((await get('alice@example.com')).status, 200);
    assert.equal((await get('guest@partner.test')).status, 200);
    assert.equal((await get('other@partner.test')).status, 403);
    await s.gatehouse.waitForOutput(/status=403 reason="email not allowed".*email="other@partner.test"/);
    fs.appendFileSync(file, 'other@partner.test\n');
    const deadline = Date.now() + 5000;
    let status;
    while (Date.now() < deadline && (status = (await get('other@partner.test')).status) !== 200) {
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(status, 200, 'the edited file is used within a few seconds');
  });
});

describe('--skip-auth-route behind nginx', () => {
  let s;
  before(async () => {
    s = await stack(['--reverse-proxy=true', '--set-xauthrequest', '--skip-auth-route=GET=^/public/']);
  });
  after(async () => { await s?.stop(); });

  test('a public path passes without a session and without identity headers', async () => {
    const res = await httpGet(s.nginxPort, '/public/logo.png', { Host: 'app.example.test' });
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.body).headers['x-auth-request-user'], undefined);
  });

  test('paths no two servers read alike (dot segments, encoded separators) are refused', async () => {
    for (const path of ['/public/%2e%2e/admin', '/public/..;/admin', '/public;x/../admin', '/public%2F..%2Fadmin',
      '/public/secret%23/x', '/public/a%3Fb']) {
      const res = await httpGet(s.nginxPort, path, { Host: 'app.example.test' });
      assert.equal(res.status, 403, path);
    }
  });

  test('another method on a public path still needs a session', async () => {
    const { request } = await import('node:http');
    const status = await new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: s.nginxPort, path: '/public/x', method: 'DELETE',
        headers: { Host: 'app.example.test' } }, (res) => { res.resume(); resolve(res.statusCode); });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 302);
  });
});

describe('--policy-file behind nginx', () => {
  let s;
  let file;
  const policy = (adminGroup) => `rules:
  - host: app.example.test
    path: /public
    public: true
  - host: app.example.test
    path: /admin
    allow:
      groups: [${adminGroup}]
  - host: app.example.test
    allow:
      email_domains: [example.com]
`;
  before(async () => {
    const { tempDir } = await import('./lib/processes.mjs');
    file = `${tempDir('policy')}/policy.yaml`;
    fs.writeFileSync(file, policy('/admins'));
    s = await stack(['--reverse-proxy=true', `--policy-file=${file}`]);
  });
  after(async () => { await s?.stop(); });

  const get = (path, email, groups = '') => httpGet(s.nginxPort, path,
    { Host: 'app.example.test', ...(email ? { Cookie: mintCookie({ email, groups }) } : {}) });

  test('public, group and domain rules each decide their paths; the first match wins', async () => {
    assert.equal((await get('/public/x')).status, 200);
    assert.equal((await get('/admin')).status, 302, 'not signed in: sign in first');
    assert.equal((await get('/admin', 'alice@example.com', '/admins')).status, 200);
    assert.equal((await get('/admin', 'bob@example.com', '/dev')).status, 403);
    await s.gatehouse.waitForOutput(/status=403 reason="the policy rule does not admit this user".*email="bob@example.com"/);
    assert.equal((await get('/reports', 'bob@example.com', '/dev')).status, 200);
    assert.equal((await get('/reports', 'eve@elsewhere.test')).status, 403);
  });

  test('an edit takes effect without a restart; a broken edit keeps the last good policy', async () => {
    fs.writeFileSync(file, policy('/dev'));
    let status;
    for (const deadline = Date.now() + 5000; Date.now() < deadline;) {
      if ((status = (await get('/admin', 'bob@example.com', '/dev')).status) === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(status, 200);
    await s.gatehouse.waitForOutput(/reloaded .*policy.yaml/);
    fs.writeFileSync(file, 'rules:\n  - host: app.example.test\n    colour: red\n');
    await s.gatehouse.waitForOutput(/--policy-file: .*policy.yaml: line 3: unknown key 'colour'.*keeping the previous version/);
    assert.equal((await get('/admin', 'bob@example.com', '/dev')).status, 200);
  });
});
