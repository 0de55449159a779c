// `gatehouse doctor` on the example configuration (deploy/kubernetes' Deployment arguments) against the real
// test IdP: discovery, keys and clock asked for real, the session cookie measured with tokens the IdP issued
// in a real authorization-code sign-in; then the classic mistakes, each reported with its fix and a failing
// exit status.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot, freePort, tempDir, runGatehouse, cookieSecret, registerSecret } from './lib/processes.mjs';
import { startIdp } from './lib/idp.mjs';
import { Browser } from './lib/browser.mjs';
import { toLoginForm, submitLoginForm } from './lib/login_steps.mjs';

const deployment = parseAllDocuments(fs.readFileSync(path.join(repoRoot, 'deploy/kubernetes/deployment.yaml'), 'utf8'))
  .map((d) => d.toJS()).find((d) => d.kind === 'Deployment');
const appUrls = ['https://app1.example.com/', 'https://app2.example.com/dashboard?x=1'];
const clientSecret = 'doctor-test-secret';
const callback = 'https://auth.example.com/oauth2/callback';

// A real sign-in at the IdP as an OAuth client would do it (PKCE, code, token endpoint): the JSON answer
// an operator would capture to measure the cookie.
async function realTokenAnswer(idp, user) {
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  const authorize = new URL(`${idp.issuer}/auth`);
  authorize.search = new URLSearchParams({ client_id: 'gatehouse', response_type: 'code', redirect_uri: callback,
    scope: 'openid email profile', state: 'doctor-state', nonce: 'doctor-nonce',
    code_challenge: challenge, code_challenge_method: 'S256' }).toString();
  const browser = new Browser();
  const toForm = await toLoginForm(browser, authorize.toString());
  const next = await submitLoginForm(browser, toForm.at(-1).location, user);
  const hops = await browser.follow(next, { stopAt: (u) => u.startsWith(callback) });
  assert.ok(hops.at(-1).location, `the IdP did not send the browser back: ${JSON.stringify(hops.map((h) => [h.url, h.status, h.body.slice(0, 300)]))}`);
  const code = new URL(hops.at(-1).location).searchParams.get('code');
  assert.ok(code, 'the IdP sent a code');
  const res = await fetch(`${idp.issuer}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`gatehouse:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: callback, code_verifier: verifier }),
  });
  assert.equal(res.status, 200);
  const answer = await res.json();
  assert.ok(answer.id_token && answer.access_token);
  registerSecret(answer.id_token, answer.access_token, ...(answer.refresh_token ? [answer.refresh_token] : []));
  return answer;
}

describe('gatehouse doctor', () => {
  let idp, secrets, args, tokenFile;
  before(async () => {
    idp = await startIdp({ port: await freePort(), clients: [{ client_id: 'gatehouse', client_secret: clientSecret,
      redirect_uris: [callback] }] });
    secrets = tempDir('doctor-secrets');
    fs.writeFileSync(path.join(secrets, 'client-secret'), `${clientSecret}\n`);
    fs.writeFileSync(path.join(secrets, 'cookie-secret'), `${cookieSecret}\n`);
    // The example's own arguments; only the secret mount and the IdP differ on this machine.
    args = deployment.spec.template.spec.containers[0].args.map((a) => a
      .replace('/secrets/', `${secrets}/`)
      .replace(/^--oidc-issuer-url=.*/, `--oidc-issuer-url=${idp.issuer}`));
    tokenFile = path.join(secrets, 'token.json');
    fs.writeFileSync(tokenFile, JSON.stringify(await realTokenAnswer(idp, 'alice')));
  });
  after(async () => { await idp?.close(); });

  const doctor = (extra) => runGatehouse(['doctor', ...args, ...appUrls.map((u) => `--protected-url=${u}`),
    `--sample-token-file=${tokenFile}`, ...extra]);

  test('the example configuration is clean: IdP, keys, clock and a cookie measured with real tokens', async () => {
    const { code, output } = await doctor([]);
    assert.equal(code, 0, output);
    assert.match(output, /^gatehouse doctor: 2 protected URL\(s\), IdP http:\/\/127\.0\.0\.1:\d+\/realms\/internal$/m);
    assert.match(output, /^ {2}ok {7}idp: discovery at http:\/\/127\.0\.0\.1:\d+\/realms\/internal\/\.well-known\/openid-configuration answered; the signing keys load$/m);
    assert.match(output, /^ {2}ok {7}clock: in step with the IdP \([01] s apart\)$/m);
    assert.match(output, /^ {2}ok {7}cookie-domain: the session cookie reaches every protected host \(--cookie-domain=\.example\.com\)$/m);
    assert.match(output, /^ {2}ok {7}whitelist-domain: /m);
    assert.match(output, /^ {2}ok {7}cookie-size: the session cookie takes \d+ bytes in 1 cookie \(2 groups\)$/m);
    assert.match(output, /^gatehouse doctor: 0 errors, 0 warnings - clean$/m);
    assert.doesNotMatch(output, new RegExp(clientSecret));
  });

  test('the classic mistakes, each with its fix, fail the run', async () => {
    const { code, output } = await doctor(['--cookie-domain=.example.org', '--cookie-samesite=strict',
      '--protected-url=http://legacy.example.com/', '--set-xauthrequest=false', '--whitelist-domain=app1.example.com']);
    assert.equal(code, 1, output);
    // --cookie-domain and --whitelist-domain are lists: the example's values stay, ours are added.
    assert.match(output, /ERROR {4}cookie-secure: http:\/\/legacy\.example\.com\/ is plain http.*login loop/);
    assert.match(output, /WARNING {2}identity-headers: --set-xauthrequest is off/);
    assert.match(output, /ERROR {4}cookie-samesite: --cookie-samesite=strict with the IdP on another site.*\n {11}fix: --cookie-samesite=lax/);
    assert.match(output, /gatehouse doctor: \d+ errors?, \d+ warnings? - to fix$/m);
    const hostOnly = await runGatehouse(['doctor', ...args.filter((a) => !/^--(cookie|whitelist)-domain=/.test(a)),
      '--protected-url=https://app1.example.com/', '--offline']);
    assert.equal(hostOnly.code, 1);
    assert.match(hostOnly.output, /ERROR {4}cookie-domain: https:\/\/app1\.example\.com\/: the session cookie is host-only on auth\.example\.com.*\n {11}fix: --cookie-domain=\.example\.com/);
    assert.match(hostOnly.output, /ERROR {4}whitelist-domain: https:\/\/app1\.example\.com\/ is not an allowed redirect target \(no --whitelist-domain\).*\n {11}fix: --whitelist-domain=\.example\.com/);
    assert.match(hostOnly.output, /skipped {2}idp: --offline/);
  });

  test('a session cookie past what nginx accepts is an error that advises Redis', async () => {
    const fat = JSON.parse(fs.readFileSync(tokenFile, 'utf8'));
    // The real answer, with an access token as large as Azure's with many groups.
    fat.access_token = `${fat.access_token}${'x'.repeat(9000)}`;
    const fatFile = path.join(secrets, 'fat-token.json');
    fs.writeFileSync(fatFile, JSON.stringify(fat));
    const { code, output } = await runGatehouse(['doctor', ...args, `--protected-url=${appUrls[0]}`,
      `--sample-token-file=${fatFile}`]);
    assert.equal(code, 1);
    assert.match(output, /ERROR {4}cookie-size: the session cookie takes \d+ bytes in [3-9] cookies.*Request Header Or Cookie Too Large"\n {11}fix: --session-store-type=redis/);
  });

  test('an unreachable IdP is an error; a bad flag is a configuration error (exit 2)', async () => {
    const downPort = await freePort();
    const down = await runGatehouse(['doctor', ...args.map((a) => a.replace(/^--oidc-issuer-url=.*/,
      `--oidc-issuer-url=http://127.0.0.1:${downPort}/realms/internal`)), `--protected-url=${appUrls[0]}`]);
    assert.equal(down.code, 1);
    assert.match(down.output, /ERROR {4}idp: discovery failed: .*refused.*\n {11}fix: check --oidc-issuer-url/);
    const bad = await runGatehouse(['doctor', ...args, '--cookie-samesite=sideways']);
    assert.equal(bad.code, 2);
    assert.match(bad.output, /^gatehouse: --cookie-samesite: /);
    const badUrl = await runGatehouse(['doctor', ...args, '--protected-url=app.example.com']);
    assert.equal(badUrl.code, 2);
    assert.equal(badUrl.output, "gatehouse doctor: --protected-url: 'app.example.com' is not an absolute http(s) URL\n");
  });
});
