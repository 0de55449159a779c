// Configuration as an operator meets it: flags, OAUTH2_PROXY_* variables, a cfg file, and the answer to a
// bad value (one line naming the flag, exit 2).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runGatehouse, startGatehouse, freePort, tempDir, cookieSecret, mintCookie } from './lib/processes.mjs';
import { httpGet } from './lib/client.mjs';

describe('configuration', () => {
  test('--version and --help exit 0', async () => {
    const v = await runGatehouse(['--version']);
    assert.equal(v.code, 0);
    assert.match(v.output, /^gatehouse \d+\.\d+\.\d+\n$/);
    const h = await runGatehouse(['--help']);
    assert.equal(h.code, 0);
    assert.match(h.output, /--cookie-secret/);
    assert.match(h.output, /OAUTH2_PROXY_COOKIE_SECRET/);
  });

  test('a bad value exits 2 with one line naming the flag', async () => {
    const port = await freePort();
    const { code, output } = await runGatehouse(['--oidc-issuer-url=https://idp', '--client-id=a',
      '--client-secret=b', '--cookie-secret=tooshort', '--email-domain=*', `--http-address=127.0.0.1:${port}`]);
    assert.equal(code, 2);
    assert.equal(output, 'gatehouse: --cookie-secret: must be 16, 24 or 32 bytes, raw or base64 (got 8 characters)\n');
  });

  test('a skip route with a method and no regex (it would make every such request public) exits 2, from every source', async () => {
    const base = ['--oidc-issuer-url=https://idp', '--client-id=a', '--client-secret=b',
      `--cookie-secret=${cookieSecret}`, '--email-domain=*', `--http-address=127.0.0.1:${await freePort()}`];
    const flag = await runGatehouse([...base, '--skip-auth-route=GET=']);
    assert.equal(flag.code, 2);
    assert.equal(flag.output, "gatehouse: --skip-auth-route: 'GET=' has no path regex (an empty one would match every path)\n");
    const env = await runGatehouse(base, { OAUTH2_PROXY_SKIP_AUTH_ROUTES: 'GET=' });
    assert.equal(env.code, 2);
    assert.match(env.output, /^gatehouse: OAUTH2_PROXY_SKIP_AUTH_ROUTES: 'GET=' has no path regex/);
  });

  test('a bad flag and bad policy, htpasswd and emails files are all reported at once, one line each, exit 2', async () => {
    const dir = tempDir('bad-files');
    const policy = path.join(dir, 'policy.yaml');
    fs.writeFileSync(policy, 'rules:\n  - host: app.example.com\n    colour: red\n    public: true\n'
      + '  - host: app.example.com\n    path: admin\n    public: true\n');
    const users = path.join(dir, 'users');
    fs.writeFileSync(users, 'legacy:{SHA}bOWgjgJew8XNjPXTyFghAc+ha1M=\nno-colon-here\n');
    const emails = path.join(dir, 'missing-emails.txt');
    const { code, output } = await runGatehouse(['--oidc-issuer-url=https://idp', '--client-id=a', '--client-secret=b',
      '--cookie-secret=tooshort', '--email-domain=*', `--http-address=127.0.0.1:${await freePort()}`,
      `--policy-file=${policy}`, `--htpasswd-file=${users}`, `--authenticated-emails-file=${emails}`]);
    assert.equal(code, 2);
    assert.deepEqual(output.trimEnd().split('\n').sort(), [
      'gatehouse: --cookie-secret: must be 16, 24 or 32 bytes, raw or base64 (got 8 characters)',
      `gatehouse: --authenticated-emails-file: cannot read ${emails}`,
      `gatehouse: --policy-file: ${policy}: line 3: unknown key 'colour' (expected host, path, methods, allow or public)`,
      `gatehouse: --policy-file: ${policy}: line 6: path must start with /`,
      `gatehouse: --htpasswd-file: ${users}: line 1: user 'legacy' has a {SHA} (SHA-1) password; only bcrypt is accepted (make it with: htpasswd -B FILE legacy)`,
      `gatehouse: --htpasswd-file: ${users}: line 2: not user:hash`,
    ].sort());
  });

  test('an unreadable TLS certificate exits 2 naming the flag', async () => {
    const { code, output } = await runGatehouse(['--oidc-issuer-url=https://idp', '--client-id=a', '--client-secret=b',
      '--cookie-secret=0123456789abcdef', '--email-domain=*', `--http-address=127.0.0.1:${await freePort()}`,
      `--https-address=127.0.0.1:${await freePort()}`, '--tls-cert-file=/nonexistent/cert.pem',
      '--tls-key-file=/nonexistent/key.pem']);
    assert.equal(code, 2);
    assert.match(output, /^gatehouse: --tls-cert-file: cannot load \/nonexistent\/cert.pem/m);
  });

  test('an oauth2-proxy setting Gatehouse does not support is refused by name, as a flag or a variable', async () => {
    let { code, output } = await runGatehouse(['--logging-filename=/var/log/oauth2-proxy.log']);
    assert.equal(code, 2);
    assert.match(output, /^gatehouse: --logging-filename: not supported by Gatehouse \(Gatehouse logs to standard output/m);
    ({ code, output } = await runGatehouse([], { OAUTH2_PROXY_SESSION_COOKIE_MINIMAL: 'true' }));
    assert.equal(code, 2);
    assert.match(output, /^gatehouse: OAUTH2_PROXY_SESSION_COOKIE_MINIMAL: not supported by Gatehouse \(use --session-store-type=redis/m);
  });

  test('an OAUTH2_PROXY_* variable Gatehouse does not read stops the start, naming it (once ignored: its restriction was lost)', async () => {
    const { baseFlags } = await import('./lib/processes.mjs');
    const flags = baseFlags(await freePort());
    for (const name of ['OAUTH2_PROXY_ALLOWED_GROUPZ', 'OAUTH2_PROXY_ALLOWED_EMAILS']) {
      const { code, output } = await runGatehouse(flags, { [name]: '/admins' });
      assert.equal(code, 2, name);
      assert.equal(output, `gatehouse: ${name}: unknown setting (gatehouse --help lists the variables it reads)\n`);
    }
    const both = await runGatehouse(flags, { OAUTH2_PROXY_ALLOWED_GROUP: 'admins', OAUTH2_PROXY_ALLOWED_GROUPS: 'ops' });
    assert.equal(both.code, 2);
    assert.match(both.output, /^gatehouse: OAUTH2_PROXY_ALLOWED_GROUPS?: conflicts with OAUTH2_PROXY_ALLOWED_GROUPS?/m);
  });

  test('OAUTH2_PROXY_GOOGLE_GROUP, the singular oauth2-proxy reads, is --google-group', async () => {
    const { baseFlags } = await import('./lib/processes.mjs');
    const flags = baseFlags(await freePort());
    let { code, output } = await runGatehouse(flags, { OAUTH2_PROXY_GOOGLE_GROUP: 'admins@example.com' });
    assert.equal(code, 2);
    assert.equal(output, 'gatehouse: OAUTH2_PROXY_GOOGLE_GROUP: only applies to --provider=google\n');
    // With Google, a group asks for the Directory API's credentials, as --google-group does.
    ({ code, output } = await runGatehouse([...flags, '--provider=google', '--google-admin-email=it@example.com'],
      { OAUTH2_PROXY_GOOGLE_GROUP: 'admins@example.com' }));
    assert.equal(code, 2);
    assert.equal(output, 'gatehouse: --google-service-account-json: missing (groups are read with a service account\'s key)\n');
  });

  test('Kubernetes service-link variables of Services named oauth2-proxy* are not settings; singular list names are read', async () => {
    const port = await freePort();
    const gh = await startGatehouse([], { port, env: {
      OAUTH2_PROXY_SERVICE_HOST: '10.96.12.7', OAUTH2_PROXY_SERVICE_PORT: '4180', OAUTH2_PROXY_SERVICE_PORT_HTTP: '4180',
      OAUTH2_PROXY_PORT: 'tcp://10.96.12.7:4180', OAUTH2_PROXY_PORT_4180_TCP: 'tcp://10.96.12.7:4180',
      OAUTH2_PROXY_PORT_4180_TCP_PROTO: 'tcp', OAUTH2_PROXY_PORT_4180_TCP_PORT: '4180',
      OAUTH2_PROXY_PORT_4180_TCP_ADDR: '10.96.12.7', OAUTH2_PROXY_REDIS_MASTER_SERVICE_HOST: '10.96.40.2',
      OAUTH2_PROXY_REDIS_MASTER_PORT_6379_TCP_ADDR: '10.96.40.2',
      OAUTH2_PROXY_ALLOWED_GROUP: 'admins' } });
    try {
      const outsider = await httpGet(port, '/oauth2/auth', { Cookie: mintCookie({ user: 'bob', groups: 'dev' }) });
      assert.equal(outsider.status, 403, 'OAUTH2_PROXY_ALLOWED_GROUP restricts as --allowed-group');
      const admin = await httpGet(port, '/oauth2/auth', { Cookie: mintCookie({ user: 'ann', groups: 'admins' }) });
      assert.equal(admin.status, 202);
    } finally {
      await gh.stop();
    }
  });

  test('OAUTH2_PROXY_* variables configure the server', async () => {
    const port = await freePort();
    const gh = await startGatehouse([], {
      port,
      env: { OAUTH2_PROXY_SET_XAUTHREQUEST: 'true', OAUTH2_PROXY_COOKIE_NAME: '_from_env' },
    });
    try {
      const cookie = mintCookie({ 'cookie-name': '_from_env', user: 'env-user' });
      const res = await httpGet(port, '/oauth2/auth', { Cookie: cookie });
      assert.equal(res.status, 202);
      assert.equal(res.headers['x-auth-request-user'], 'env-user');
    } finally {
      await gh.stop();
    }
  });

  test('a cfg file in oauth2-proxy format configures the server; flags override it', async () => {
    const dir = tempDir('cfg');
    const port = await freePort();
    const cfg = path.join(dir, 'oauth2-proxy.cfg');
    fs.writeFileSync(cfg, [
      'provider = "oidc"',
      'oidc_issuer_url = "https://idp.example.com"',
      'client_id = "from-file"',
      'client_secret = "file-secret"',
      `cookie_secret = "${cookieSecret}"`,
      'email_domains = ["example.com"]',
      `http_address = "127.0.0.1:${port}"`,
      'set_xauthrequest = true',
      'cookie_name = "_file_cookie"',
      '',
    ].join('\n'));
    const { Proc, gatehouseBin, waitForPort } = await import('./lib/processes.mjs');
    const gh = new Proc(gatehouseBin, [`--config=${cfg}`, '--cookie-name=_flag_cookie'], { env: { PATH: process.env.PATH } });
    try {
      await waitForPort(port);
      const ok = await httpGet(port, '/oauth2/auth',
        { Cookie: mintCookie({ 'cookie-name': '_flag_cookie', email: 'a@example.com', user: 'cfg-user' }) });
      assert.equal(ok.status, 202);
      assert.equal(ok.headers['x-auth-request-user'], 'cfg-user');
      const wrongDomain = await httpGet(port, '/oauth2/auth',
        { Cookie: mintCookie({ 'cookie-name': '_flag_cookie', email: 'a@other.test' }) });
      assert.equal(wrongDomain.status, 403);
    } finally {
      await gh.stop();
    }
  });

  test('gatehouse policy check and explain', async () => {
    const dir = tempDir('policy');
    const file = path.join(dir, 'policy.yaml');
    fs.writeFileSync(file, 'rules:\n  - host: "*.example.com"\n    path: /admin\n    allow:\n      groups: [/admins]\n');
    const ok = await runGatehouse(['policy', 'check', file]);
    assert.equal(ok.code, 0);
    assert.equal(ok.output, `${file}: OK, 1 rules for 1 hosts\n`);
    const allow = await runGatehouse(['policy', 'explain', file, '--host', 'app.example.com', '--path', '/admin/x',
      '--email', 'a@example.com', '--groups', '/admins']);
    assert.equal(allow.code, 0);
    assert.match(allow.output, /^allow: rule at line 2 \(host \*\.example\.com, path \/admin\) admits a@example.com$/m);
    const deny = await runGatehouse(['policy', 'explain', file, '--host=app.example.com', '--path=/other']);
    assert.equal(deny.code, 1);
    assert.match(deny.output, /^deny: no rule matches GET \/other on host app.example.com$/m);
    fs.writeFileSync(file, 'rules:\n  - host: a.example.com\n    public: yes-please\n');
    const bad = await runGatehouse(['policy', 'check', file]);
    assert.equal(bad.code, 2);
    assert.match(bad.output, new RegExp(`^${file}:3: `));
  });

  test('a cfg file error names the file and line', async () => {
    const dir = tempDir('cfg');
    const cfg = path.join(dir, 'bad.cfg');
    fs.writeFileSync(cfg, 'client_id = "x"\nemail_domains = ["a" "b"]\n');
    const { code, output } = await runGatehouse([`--config=${cfg}`]);
    assert.equal(code, 2);
    assert.match(output, new RegExp(`^gatehouse: --config ${cfg}: line 2: expected ',' or '\\]' in list email_domains$`, 'm'));
  });
});
