// --htpasswd-file: `Authorization: Basic` against a file made at test time with Apache's `htpasswd -B`
// (apache2-utils), bcrypt checked off the I/O threads, --htpasswd-user-group, the file re-read when it changes,
// failed attempts limited per client, and files with weaker hashes refused at start.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startGatehouse, runGatehouse, tempDir, registerSecret } from './lib/processes.mjs';

const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const htpasswd = (...args) => execFileSync('htpasswd', args, { stdio: ['ignore', 'pipe', 'pipe'] });

async function auth(port, authorization, { path: p = '/oauth2/auth', headers = {} } = {}) {
  return fetch(`http://127.0.0.1:${port}${p}`, { headers: { Authorization: authorization, ...headers }, redirect: 'manual' });
}

describe('htpasswd users', () => {
  let gh, file;
  before(async () => {
    file = path.join(tempDir('htpasswd'), 'users');
    htpasswd('-cbB', file, 'ci-bot', 'ci-bot-password');
    htpasswd('-bB', file, 'backup', 'backup: password');  // a colon in a password is allowed
    htpasswd('-bB', file, 'nightly', 'nightly-password');  // used only by the rate-limit test
    registerSecret('ci-bot-password', 'backup: password', 'nightly-password', 'new-user-password');
    gh = await startGatehouse([`--htpasswd-file=${file}`, '--htpasswd-user-group=/robots', '--htpasswd-user-group=/ci',
      '--set-xauthrequest', '--email-domain=example.com', '--reverse-proxy', '--trusted-proxy-ip=127.0.0.1']);
  });
  after(async () => { await gh?.stop(); });

  test('a user of the file passes with the configured groups, even under --email-domain', async () => {
    const r = await auth(gh.port, basic('ci-bot', 'ci-bot-password'));
    assert.equal(r.status, 202);
    assert.equal(r.headers.get('x-auth-request-user'), 'ci-bot');
    assert.equal(r.headers.get('x-auth-request-groups'), '/robots,/ci');
    const colon = await auth(gh.port, basic('backup', 'backup: password'));
    assert.equal(colon.status, 202);
    // Remembered: the same header again is answered without another bcrypt check, the same way.
    assert.equal((await auth(gh.port, basic('ci-bot', 'ci-bot-password'))).status, 202);
    // Groups apply like any user's.
    assert.equal((await auth(gh.port, basic('ci-bot', 'ci-bot-password'), { path: '/oauth2/auth?allowed_groups=/admins' })).status, 403);
  });

  test('a wrong password or an unknown user: 401 with a Basic challenge and a logged reason, never a redirect', async () => {
    for (const [auth_, logged] of [[basic('ci-bot', 'guess'), /wrong password for 'ci-bot'/],
      [basic('nobody', 'ci-bot-password'), /unknown user 'nobody'/], ['Basic !!!not-base64', /not base64\(user:password\)/]]) {
      for (const p of ['/oauth2/auth', '/oauth2/forward_auth']) {
        const r = await auth(gh.port, auth_, { path: p, headers: { Accept: 'text/html', 'X-Real-IP': '198.51.100.1' } });
        assert.equal(r.status, 401);
        assert.equal(r.headers.get('www-authenticate'), 'Basic realm="gatehouse", charset="UTF-8"');
        assert.equal(r.headers.get('location'), null);
      }
      await gh.waitForOutput(new RegExp(`reason="unknown user or wrong password" .*detail="${logged.source}"`));
    }
  });

  test('more than 10 failures from one client within a minute: refused even with the right password; others unaffected', async () => {
    const from = { 'X-Real-IP': '203.0.113.9' };  // from the trusted proxy (--real-client-ip-header's default)
    for (let i = 0; i < 10; i++) assert.equal((await auth(gh.port, basic('ci-bot', `guess-${i}`), { headers: from })).status, 401);
    // A password not checked before (a header verified earlier is remembered, and is no guess) is not even checked.
    const limited = await auth(gh.port, basic('nightly', 'nightly-password'), { headers: from });
    assert.equal(limited.status, 403);
    await gh.waitForOutput(/reason="too many failed password attempts" client=203\.0\.113\.9 .*detail="more than 10 failed attempts/);
    // Another client is not slowed down by it.
    assert.equal((await auth(gh.port, basic('nightly', 'nightly-password'), { headers: { 'X-Real-IP': '203.0.113.10' } })).status, 202);
  });

  test('the file is re-read when it changes: a new user passes, a removed user is refused at once', async () => {
    const reloads = () => (gh.output.match(/reloaded .*users/g) ?? []).length;
    const reloaded = async (count) => {
      const deadline = Date.now() + 5000;
      while (reloads() < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(reloads() >= count, 'the change was picked up within 5 s');
    };
    const before = reloads();
    htpasswd('-bB', file, 'new-user', 'new-user-password');
    await reloaded(before + 1);
    assert.equal((await auth(gh.port, basic('new-user', 'new-user-password'))).status, 202);
    htpasswd('-D', file, 'ci-bot');
    await reloaded(before + 2);
    assert.equal((await auth(gh.port, basic('ci-bot', 'ci-bot-password'))).status, 401,
      'the remembered header stopped working with the new file');
  });
});

describe('the sign-in page\'s password form (--display-htpasswd-form)', () => {
  let gh, file;
  const cookiesOf = (r) => r.headers.getSetCookie().map((c) => c.slice(0, c.indexOf(';')));
  before(async () => {
    file = path.join(tempDir('htpasswd-form'), 'users');
    htpasswd('-cbB', file, 'ops', 'ops-form-password');
    htpasswd('-bB', file, 'temp', 'temp-form-password');
    registerSecret('ops-form-password', 'temp-form-password');
    gh = await startGatehouse([`--htpasswd-file=${file}`, '--htpasswd-user-group=/ops', '--set-xauthrequest',
      '--email-domain=example.com', '--cookie-secure=false', '--whitelist-domain=app.example.com']);
  });
  after(async () => { await gh?.stop(); });

  // The page, its form's CSRF token, and the cookie that must come back with it.
  async function openForm(rd = 'http://app.example.com/reports') {
    const page = await fetch(`http://127.0.0.1:${gh.port}/oauth2/sign_in?rd=${encodeURIComponent(rd)}`);
    assert.equal(page.status, 200);
    const html = await page.text();
    const csrf = html.match(/name="csrf" value="([^"]+)"/)?.[1];
    assert.ok(csrf, 'the page holds the form');
    assert.match(html, /<form class="password" method="post" action="\/oauth2\/sign_in">/);
    assert.match(html, /Sign in with OpenID Connect/, 'the IdP button stays');
    const [cookie] = cookiesOf(page);
    assert.match(page.headers.getSetCookie()[0], /^_oauth2_proxy_form=.*; Path=\/oauth2\/sign_in;.*HttpOnly; SameSite=Strict/);
    return { csrf, cookie };
  }
  const post = (fields, { cookie, headers = {} } = {}) => fetch(`http://127.0.0.1:${gh.port}/oauth2/sign_in`, {
    method: 'POST', redirect: 'manual', body: new URLSearchParams(fields).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(cookie ? { Cookie: cookie } : {}), ...headers } });

  test('the right password: a session cookie and back to the page asked for; the session passes the gate', async () => {
    const { csrf, cookie } = await openForm();
    const r = await post({ csrf, username: 'ops', password: 'ops-form-password' },
      { cookie, headers: { Origin: `http://127.0.0.1:${gh.port}` } });
    assert.equal(r.status, 302);
    assert.equal(r.headers.get('location'), 'http://app.example.com/reports');
    const session = cookiesOf(r).filter((c) => c.startsWith('_oauth2_proxy=')).join('; ');
    assert.ok(session.length > '_oauth2_proxy='.length);
    registerSecret(session.slice('_oauth2_proxy='.length));
    const auth = await fetch(`http://127.0.0.1:${gh.port}/oauth2/auth`, { headers: { Cookie: session } });
    assert.equal(auth.status, 202, 'the file vouches for the user: --email-domain does not apply');
    assert.equal(auth.headers.get('x-auth-request-user'), 'ops');
    assert.equal(auth.headers.get('x-auth-request-groups'), '/ops');
    await gh.waitForOutput(/login: signed in with a password user="ops" groups=1/);
  });

  test('a wrong password: the page again with 401 and a message, the user name kept, the cause logged', async () => {
    const { csrf, cookie } = await openForm();
    const r = await post({ csrf, username: 'ops', password: 'not-it' }, { cookie });
    assert.equal(r.status, 401);
    const html = await r.text();
    assert.match(html, /Wrong user name or password\./);
    assert.match(html, /name="username" autocomplete="username" required value="ops"/);
    assert.doesNotMatch(html, /not-it/, 'the password is never echoed');
    await gh.waitForOutput(/login: password form refused with 401: wrong password for 'ops'/);
  });

  test('login CSRF: no cookie, another token, or a form posted by another site: 403', async () => {
    const { csrf, cookie } = await openForm();
    const fields = { csrf, username: 'ops', password: 'ops-form-password' };
    assert.equal((await post(fields)).status, 403);
    await gh.waitForOutput(/password form refused with 403: the form's CSRF cookie is missing or expired/);
    assert.equal((await post({ ...fields, csrf: `${csrf}x` }, { cookie })).status, 403);
    await gh.waitForOutput(/password form refused with 403: the form's CSRF token does not match its cookie/);
    const other = await post(fields, { cookie, headers: { Origin: 'https://evil.example.com' } });
    assert.equal(other.status, 403);
    await gh.waitForOutput(/password form refused with 403: Origin 'https:\/\/evil\.example\.com' is not this host/);
  });

  test('a session made by the form ends when its user is removed from the file', async () => {
    const { csrf, cookie } = await openForm();
    const r = await post({ csrf, username: 'temp', password: 'temp-form-password' }, { cookie });
    assert.equal(r.status, 302);
    const session = cookiesOf(r).filter((c) => c.startsWith('_oauth2_proxy=')).join('; ');
    registerSecret(session.slice('_oauth2_proxy='.length));
    const auth = () => fetch(`http://127.0.0.1:${gh.port}/oauth2/auth`, { headers: { Cookie: session } });
    assert.equal((await auth()).status, 202);
    htpasswd('-D', file, 'temp');
    const deadline = Date.now() + 5000;
    let status = 202;
    while (status === 202 && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 100));
      status = (await auth()).status;
    }
    assert.equal(status, 401);
    await gh.waitForOutput(/reason="session not in the store \(signed out, revoked or expired\)" .*detail="signed in with a password, but 'temp' is no longer in --htpasswd-file"/);
  });

  test('--display-htpasswd-form=false: no form, and a POST is only the page', async () => {
    const off = await startGatehouse([`--htpasswd-file=${file}`, '--display-htpasswd-form=false']);
    try {
      const page = await (await fetch(`http://127.0.0.1:${off.port}/oauth2/sign_in`)).text();
      assert.doesNotMatch(page, /<form/);
      const r = await fetch(`http://127.0.0.1:${off.port}/oauth2/sign_in`, { method: 'POST', body: 'username=ops&password=x',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      assert.equal(r.status, 413, 'no body is read where no form is offered');
    } finally {
      await off.stop();
    }
  });
});

describe('htpasswd files Gatehouse refuses', () => {
  test('a {SHA} or MD5 entry stops the start with the line, the user and the command that fixes it', async () => {
    const dir = tempDir('htpasswd-weak');
    for (const [flag, kind] of [['-s', /a \{SHA\} \(SHA-1\) password/], ['-m', /an \$apr1\$ \(MD5\) password/]]) {
      const file = path.join(dir, `users${flag}`);
      htpasswd('-cbB', file, 'fine', 'fine-password');
      htpasswd(`-b${flag.slice(1)}`, file, 'legacy', 'legacy-password');
      registerSecret('fine-password', 'legacy-password');
      const { code, output } = await runGatehouse(['--provider=oidc', '--oidc-issuer-url=https://idp', '--client-id=a',
        '--client-secret=b', '--cookie-secret=q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=', '--email-domain=*',
        `--htpasswd-file=${file}`]);
      assert.equal(code, 2);
      assert.match(output, new RegExp(`--htpasswd-file: ${file}: line 2: user 'legacy' has ${kind.source}; only bcrypt is accepted \\(make it with: htpasswd -B FILE legacy\\)`));
    }
  });
});
