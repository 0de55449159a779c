// oauth2-proxy's own contrib files (fixtures/oauth2-proxy/cfg/*.cfg and alpha-config/), used unchanged except
// for where things are: each file is copied at test time, its IdP URL, redirect URL, listen address and upstream
// replaced value for value with local ones (every other line as oauth2-proxy ships it), and Gatehouse started
// with --config (and --alpha-config). A user then signs in at the local IdP and the test checks what the file
// asks for: the upstream reached with the injected headers, the cookie domain, the static answer.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, freePort, tempDir, spawnGatehouse, runGatehouse, waitForPort, waitForReady, registerSecret } from './lib/processes.mjs';
import { startIdp, users } from './lib/idp.mjs';
import { startEchoApp } from './lib/echo_app.mjs';
import { Browser } from './lib/browser.mjs';
import { login, loginUntilCallback } from './lib/login_steps.mjs';
import { oauth2ProxyFixtures } from './lib/oauth2_proxy_fixtures.mjs';

const fixtures = oauth2ProxyFixtures();

// The file's text with each [from, to] replaced; every `from` must be in it (a fixture that changed shape fails
// here, not later with a confusing login error).
function rewritten(relative, replacements) {
  let text = fs.readFileSync(path.join(fixtures, relative), 'utf8');
  for (const [from, to] of replacements) {
    assert.ok(text.includes(from), `${relative} no longer contains ${from}`);
    text = text.split(from).join(to);
  }
  return text;
}

// The IdP's users with e-mails in the files' email_domains (example.com).
const emailOf = (id) => `${id}@example.com`;
const accountClaims = (id) => ({ sub: `sub-${id}`, email: emailOf(id), email_verified: true, preferred_username: id,
  groups: users[id].groups });

// One Gatehouse started from a rewritten file (and alpha file). Returns what the test needs to drive it.
async function startFromFixture({ cfg, alpha, issuerInFile, realm, secret, redirectInFile, publicHost, httpAddressInFile,
  upstreamInFile }) {
  const port = await freePort();
  const idpPort = await freePort();
  const echoPort = await freePort();
  const echo = await startEchoApp(echoPort);
  const base = `http://${publicHost}:${port}`;
  registerSecret(secret);
  const idp = await startIdp({ port: idpPort, realm, accountClaims,
    clients: [{ client_id: 'oauth2-proxy', client_secret: secret, redirect_uris: [`${base}/oauth2/callback`] }] });
  // Where things are: the IdP, the listener and the upstream (in the alpha file when there is one), the redirect URL
  // (always in the cfg file).
  const located = [[issuerInFile, idp.issuer], [httpAddressInFile, `127.0.0.1:${port}`]];
  if (upstreamInFile) located.push([upstreamInFile, `http://127.0.0.1:${echoPort}`]);
  const redirect = [[redirectInFile, `${base}/oauth2/callback`]];
  const dir = tempDir('contrib');
  const cfgFile = path.join(dir, path.basename(cfg));
  fs.writeFileSync(cfgFile, rewritten(cfg, alpha ? redirect : [...located, ...redirect]));
  const args = [`--config=${cfgFile}`];
  if (alpha) {
    const alphaFile = path.join(dir, path.basename(alpha));
    fs.writeFileSync(alphaFile, rewritten(alpha, located));
    args.push(`--alpha-config=${alphaFile}`);
  }
  const proc = spawnGatehouse(args);
  await Promise.race([waitForPort(port),
    proc.exited.then(({ code }) => { throw new Error(`gatehouse exited with ${code}:\n${proc.output}`); })]);
  await waitForReady(port);
  return { proc, idp, echo, base, port,
    async stop() { await proc.stop(); await idp.close?.(); echo.close(); } };
}

// Signs alice in starting from `url`; returns the browser and the last answer.
async function signIn(url) {
  const browser = new Browser();
  const [, back] = await login(browser, url);
  return { browser, last: back.at(-1) };
}

describe('oauth2-proxy contrib files, started unchanged but for addresses', () => {
  test('alpha-config/oauth2-proxy-alpha-config.yaml with cfg/oauth2-proxy-alpha-config.cfg: the upstream hears '
    + 'exactly the injected X-Forwarded-User and X-Forwarded-Email', async () => {
    const stack = await startFromFixture({ cfg: 'cfg/oauth2-proxy-alpha-config.cfg', alpha: 'alpha-config/oauth2-proxy-alpha-config.yaml',
      issuerInFile: 'http://dex.localtest.me:5556/dex', realm: '/dex', secret: 'b2F1dGgyLXByb3h5LWNsaWVudC1zZWNyZXQK',
      redirectInFile: 'http://oauth2-proxy.localtest.me:4180/oauth2/callback', publicHost: 'oauth2-proxy.localtest.me',
      httpAddressInFile: '0.0.0.0:4180', upstreamInFile: 'http://httpbin' });
    try {
      // Unsigned: the proxy sends the browser to sign in, it never reaches the upstream.
      const anonymous = await new Browser().get(`${stack.base}/anything?x=1`);
      assert.notEqual(anonymous.status, 200, anonymous.body);
      const { browser } = await signIn(`${stack.base}/oauth2/start?rd=${encodeURIComponent('/anything?x=1')}`);
      const r = await browser.get(`${stack.base}/anything?x=1`);
      assert.equal(r.status, 200, r.body);
      const seen = JSON.parse(r.body);
      assert.equal(seen.url, '/anything?x=1');
      assert.equal(seen.headers['x-forwarded-user'], 'sub-alice');
      assert.equal(seen.headers['x-forwarded-email'], 'alice@example.com');
      // Only what the file injects: none of the legacy defaults (groups, preferred username, Basic credentials).
      assert.equal(seen.headers['x-forwarded-groups'], undefined);
      assert.equal(seen.headers['x-forwarded-preferred-username'], undefined);
      assert.equal(seen.headers.authorization, undefined);
      // A client's own X-Forwarded-Email never reaches the upstream.
      const spoofed = await browser.get(`${stack.base}/anything`, { headers: { 'X-Forwarded-Email': 'mallory@example.com' } });
      assert.equal(JSON.parse(spoofed.body).headers['x-forwarded-email'], 'alice@example.com');
      // The cfg file's settings apply beside the alpha file: cookie_secure="false" let the session ride over http.
      assert.equal(browser.cookie('_oauth2_proxy').secure, false);
    } finally { await stack.stop(); }
  });

  test('the alpha file beside a flag it replaces, with a claim no session keeps: exit 2, one line per problem', async () => {
    const dir = tempDir('contrib-refused');
    const alpha = path.join(dir, 'alpha.yaml');
    fs.writeFileSync(alpha, `${fs.readFileSync(path.join(fixtures, 'alpha-config/oauth2-proxy-alpha-config.yaml'), 'utf8')}
injectResponseHeaders:
  - name: X-Nickname
    values:
      - claimSource:
          claim: nickname
`);
    const cfg = path.join(dir, 'c.cfg');
    fs.copyFileSync(path.join(fixtures, 'cfg/oauth2-proxy-alpha-config.cfg'), cfg);
    const r = await runGatehouse([`--config=${cfg}`, `--alpha-config=${alpha}`, '--set-xauthrequest'],
      { OAUTH2_PROXY_UPSTREAMS: 'static://200' });
    assert.equal(r.code, 2, r.output);
    const lines = r.output.trim().split('\n');
    assert.ok(lines.some((l) => l.includes('--set-xauthrequest: not read beside --alpha-config')), r.output);
    assert.ok(lines.some((l) => l.includes('OAUTH2_PROXY_UPSTREAMS: not read beside --alpha-config')), r.output);
    assert.ok(lines.some((l) => l.includes(`--alpha-config ${alpha}: injectResponseHeaders[0].values[0].claimSource.claim: 'nickname'`)),
      r.output);
    assert.equal(lines.length, 3, r.output);
  });

  for (const [file, issuerInFile, realm, secret, redirectInFile, host, display] of [
    ['cfg/oauth2-proxy.cfg', 'http://dex.localtest.me:5556/dex', '/dex', 'b2F1dGgyLXByb3h5LWNsaWVudC1zZWNyZXQK',
      'http://oauth2-proxy.localtest.me:4180/oauth2/callback', 'oauth2-proxy.localtest.me', 'Dex'],
    ['cfg/oauth2-proxy-keycloak.cfg', 'http://keycloak.localtest.me:9080/realms/oauth2-proxy', '/realms/oauth2-proxy',
      '72341b6d-7065-4518-a0e4-50ee15025608', 'http://oauth2-proxy.localtest.me:4180/oauth2/callback',
      'oauth2-proxy.localtest.me', 'Keycloak'],
  ]) {
    test(`${file}: proxies to its upstream after sign-in, the sign-in page names ${display}`, async () => {
      const stack = await startFromFixture({ cfg: file, issuerInFile, realm, secret, redirectInFile, publicHost: host,
        httpAddressInFile: '0.0.0.0:4180', upstreamInFile: 'http://httpbin' });
      try {
        const page = await new Browser().get(`${stack.base}/oauth2/sign_in?rd=%2Fget`);
        assert.equal(page.status, 200);
        assert.match(page.body, new RegExp(`Sign in with ${display}`));
        const { browser, last } = await signIn(`${stack.base}/oauth2/start?rd=%2Fget`);
        assert.equal(last.status, 200, last.body);
        const seen = JSON.parse(last.body);
        assert.equal(seen.url, '/get');
        // oauth2-proxy's legacy defaults (pass_user_headers, pass_basic_auth) apply to a cfg file.
        assert.equal(seen.headers['x-forwarded-email'], 'alice@example.com');
        const session = browser.cookie('_oauth2_proxy');
        if (file.endsWith('keycloak.cfg')) {
          // Its cookie_domains carry ports, which no request host ends with: the cookie stays the host's own.
          assert.equal(session.hostOnly, true);
        } else {
          assert.equal(session.domain, 'localtest.me');  // cookie_domains=[".localtest.me"]
        }
      } finally { await stack.stop(); }
    });
  }

  test('cfg/oauth2-proxy-nginx.cfg: static://200 behind nginx, the session cookie for .localtest.me', async () => {
    const stack = await startFromFixture({ cfg: 'cfg/oauth2-proxy-nginx.cfg', issuerInFile: 'http://dex.localtest.me:5556/dex',
      realm: '/dex', secret: 'b2F1dGgyLXByb3h5LWNsaWVudC1zZWNyZXQK',
      redirectInFile: 'http://oauth2-proxy.localtest.me:8080/oauth2/callback', publicHost: 'oauth2-proxy.localtest.me',
      httpAddressInFile: '0.0.0.0:4180' });
    try {
      const anonymous = await new Browser().get(`${stack.base}/oauth2/auth`);
      assert.equal(anonymous.status, 401);
      const browser = new Browser();
      const callback = await loginUntilCallback(browser, `${stack.base}/oauth2/start?rd=${encodeURIComponent('http://app.localtest.me/x')}`);
      const back = await browser.follow(callback, { stopAt: (u) => u.startsWith('http://app.localtest.me') });
      // whitelist_domains=[".localtest.me"]: the return to another host of the domain is allowed.
      assert.equal(back.at(-1).location, 'http://app.localtest.me/x');
      assert.equal(browser.cookie('_oauth2_proxy').domain, 'localtest.me');
      const auth = await browser.get(`${stack.base}/oauth2/auth`);
      assert.ok([200, 202].includes(auth.status), `${auth.status}`);
      const root = await browser.get(`${stack.base}/`);
      assert.equal(root.status, 200);  // upstreams="static://200"
    } finally { await stack.stop(); }
  });

  test('cfg/oauth2-proxy-traefik.cfg: skip_provider_button goes straight to the IdP, static://202 after sign-in',
    async () => {
      const stack = await startFromFixture({ cfg: 'cfg/oauth2-proxy-traefik.cfg', issuerInFile: 'http://dex.localhost:5556/dex',
        realm: '/dex', secret: 'b2F1dGgyLXByb3h5LWNsaWVudC1zZWNyZXQK',
        redirectInFile: 'http://oauth2-proxy.oauth2-proxy.localhost/oauth2/callback',
        publicHost: 'oauth2-proxy.oauth2-proxy.localhost', httpAddressInFile: '0.0.0.0:4180' });
      try {
        const browser = new Browser();
        // No page with a button: only redirects from the sign-in URL to the IdP.
        const hops = await browser.follow(`${stack.base}/oauth2/sign_in?rd=%2F`, { stopAt: (u) => u.startsWith(stack.idp.issuer) });
        assert.ok(hops.every((h) => h.status === 302 || h.status === 303), hops.map((h) => `${h.status} ${h.url}`).join('\n'));
        assert.ok(hops.at(-1).location.startsWith(stack.idp.issuer), hops.at(-1).location);
        await login(browser, `${stack.base}/oauth2/start?rd=%2F`);
        assert.equal(browser.cookie('_oauth2_proxy').domain, 'oauth2-proxy.localhost');
        const root = await browser.get(`${stack.base}/`);
        assert.equal(root.status, 202);  // upstreams="static://202"
      } finally { await stack.stop(); }
    });
});
