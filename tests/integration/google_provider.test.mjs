// --provider=google against local stand-ins for Google (accounts.google.com and the Admin SDK cannot be reached
// from here): the npm oidc-provider (lib/idp.mjs) speaking OpenID Connect as Google does, with Google's `hd`
// (hosted domain) claim for Workspace accounts; beside it, a service account's token endpoint (RFC 7523: it
// checks the assertion's RS256 signature with the service account's public key, its issuer, subject, audience,
// scope and lifetime, as Google's does) and the Directory API's groups/{group}/hasMember/{member}, which counts
// nested groups and accepts only the tokens that endpoint issued.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnGatehouse, freePort, waitForPort, waitForReady, cookieSecret, tempDir, registerSecret, runGatehouse }
  from './lib/processes.mjs';
import { startIdp } from './lib/idp.mjs';
import { Browser } from './lib/browser.mjs';
import { login } from './lib/login_steps.mjs';

const serviceAccount = 'gatehouse-groups@acme-project.iam.gserviceaccount.test';
const admin = 'it-admin@acme.test';
const claimsOf = {
  alice: { sub: '1001', email: 'alice@acme.test', email_verified: true, hd: 'acme.test' },
  // A consumer Google account made with a company address: no hd.
  bob: { sub: '1002', email: 'bob@acme.test', email_verified: true },
  carol: { sub: '1003', email: 'carol@acme.test', email_verified: true, hd: 'acme.test' },
};
// Group -> direct members (users or groups).
const directory = { 'platform@acme.test': ['eng@acme.test'], 'eng@acme.test': ['alice@acme.test'],
  'sales@acme.test': ['carol@acme.test'] };
const isMember = (group, member, seen = new Set()) => (directory[group] ?? []).some((m) => m === member ||
  (!seen.has(m) && directory[m] && isMember(m, member, seen.add(m))));

describe('--provider=google', () => {
  let idp, idpPort, gh, port, keyFile;
  const standin = { tokenRequests: 0, tokens: new Set(), refusals: [] };

  before(async () => {
    idpPort = await freePort();
    port = await freePort();
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
    registerSecret(pem.split('\n').filter((l) => l && !l.startsWith('-----')).join(''));
    const tokenUri = `http://127.0.0.1:${idpPort}/sa/token`;
    keyFile = path.join(tempDir('google-sa'), 'key.json');
    fs.writeFileSync(keyFile, JSON.stringify({ type: 'service_account', project_id: 'acme-project', private_key_id: 'k-1',
      private_key: pem, client_email: serviceAccount, client_id: '1234567890', token_uri: tokenUri }));
    const refuse = (res, why) => {
      standin.refusals.push(why);
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_grant', error_description: why }));
      return true;
    };
    idp = await startIdp({ port: idpPort, realm: '/google', extraClaims: ['hd'], accountClaims: (id) => claimsOf[id],
      clients: [{ client_id: 'google-app', client_secret: 'google-secret', redirect_uris: [`http://127.0.0.1:${port}/oauth2/callback`] }],
      routes: async (req, res) => {
        const url = new URL(req.url, `http://127.0.0.1:${idpPort}`);
        if (req.method === 'POST' && url.pathname === '/sa/token') {
          standin.tokenRequests += 1;
          let body = '';
          for await (const chunk of req) body += chunk;
          const form = new URLSearchParams(body);
          if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return refuse(res, 'grant_type');
          const [h, c, s] = (form.get('assertion') ?? '').split('.');
          if (!crypto.verify('sha256', Buffer.from(`${h}.${c}`), publicKey, Buffer.from(s ?? '', 'base64url'))) return refuse(res, 'signature');
          const header = JSON.parse(Buffer.from(h, 'base64url'));
          const claims = JSON.parse(Buffer.from(c, 'base64url'));
          const now = Math.floor(Date.now() / 1000);
          if (header.alg !== 'RS256' || header.kid !== 'k-1') return refuse(res, 'header');
          if (claims.iss !== serviceAccount || claims.sub !== admin || claims.aud !== tokenUri) return refuse(res, 'iss/sub/aud');
          if (claims.scope !== 'https://www.googleapis.com/auth/admin.directory.group.readonly') return refuse(res, 'scope');
          if (!(claims.iat <= now + 5 && claims.exp > now && claims.exp - claims.iat <= 3600)) return refuse(res, 'lifetime');
          const token = `ya29.${crypto.randomBytes(16).toString('hex')}`;
          registerSecret(token);
          standin.tokens.add(token);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ access_token: token, expires_in: 3599, token_type: 'Bearer' }));
          return true;
        }
        const m = url.pathname.match(/^\/admin\/directory\/v1\/groups\/([^/]+)\/hasMember\/([^/]+)$/);
        if (!m) return false;
        if (!standin.tokens.has((req.headers.authorization ?? '').replace(/^Bearer /, ''))) {
          res.writeHead(401, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 401, message: 'Invalid Credentials' } }));
          return true;
        }
        const [group, member] = [decodeURIComponent(m[1]), decodeURIComponent(m[2])];
        res.writeHead(directory[group] ? 200 : 404, { 'content-type': 'application/json' });
        res.end(JSON.stringify(directory[group] ? { isMember: isMember(group, member) } : { error: { code: 404 } }));
        return true;
      } });
    gh = spawnGatehouse(['--provider=google', `--oidc-issuer-url=${idp.issuer}`, '--client-id=google-app',
      '--client-secret=google-secret', `--cookie-secret=${cookieSecret}`, '--email-domain=acme.test',
      `--http-address=127.0.0.1:${port}`, '--workers=2', '--cookie-secure=false', '--set-xauthrequest',
      '--skip-provider-button', `--google-service-account-json=${keyFile}`, `--google-admin-email=${admin}`,
      '--google-group=platform@acme.test', '--google-group=no-such-group@acme.test',
      `--google-directory-url=http://127.0.0.1:${idpPort}`]);
    await waitForPort(port);
    await waitForReady(port);
  });
  after(async () => { await gh?.stop(); await idp?.close(); });

  const callbackOf = (hops) => hops.find((h) => h.url.includes('/oauth2/callback'));
  async function signIn(user) {
    const browser = new Browser();
    const [toIdp, back] = await login(browser, `http://127.0.0.1:${port}/oauth2/start?rd=%2Fhome`, user);
    return { browser, toIdp, callback: callbackOf(back) };
  }

  test('a Workspace account in a --google-group (through a nested group) signs in; the login asked for hd and offline access', async () => {
    const { browser, toIdp, callback } = await signIn('alice');
    assert.equal(callback.status, 302, callback.body);
    const authorize = new URL(toIdp.find((h) => h.url.includes('/oauth2/start')).location);
    assert.equal(authorize.searchParams.get('hd'), 'acme.test');
    assert.equal(authorize.searchParams.get('access_type'), 'offline');
    const auth = await browser.get(`http://127.0.0.1:${port}/oauth2/auth`);
    assert.equal(auth.status, 202);
    assert.equal(auth.headers['x-auth-request-email'], 'alice@acme.test');
    assert.equal(auth.headers['x-auth-request-groups'], 'platform@acme.test');
    assert.deepEqual(standin.refusals, [], 'the assertion passed every check of the token endpoint');
  });

  test('an account without the domain\'s hd, and one in none of the groups, are refused with the cause; the service account\'s token is reused', async () => {
    const bob = await signIn('bob');
    assert.equal(bob.callback.status, 403);
    assert.match(bob.callback.body, /Your account is not allowed to sign in here/);
    await gh.waitForOutput(/login: failed with 403: 'bob@acme.test' is not a Google Workspace account \(no hd claim\), so not of --email-domain/);
    const carol = await signIn('carol');
    assert.equal(carol.callback.status, 403);
    await gh.waitForOutput(/login: failed with 403: 'carol@acme.test' is in none of --google-group/);
    assert.equal(standin.tokenRequests, 1, 'one token for every Directory call so far');
  });

  test('a service account key that is not one stops the start with the flag named', async () => {
    const bad = path.join(tempDir('google-bad'), 'key.json');
    fs.writeFileSync(bad, JSON.stringify({ type: 'service_account', client_email: serviceAccount, private_key: 'not a key' }));
    const r = await runGatehouse(['--provider=google', '--client-id=a', '--client-secret=b', `--cookie-secret=${cookieSecret}`,
      '--email-domain=acme.test', `--google-service-account-json=${bad}`, `--google-admin-email=${admin}`]);
    assert.equal(r.code, 2);
    assert.match(r.output, new RegExp(`^gatehouse: --google-service-account-json: ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} holds no usable RSA private_key$`, 'm'));
  });
});
