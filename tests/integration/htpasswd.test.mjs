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
