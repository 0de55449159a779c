// A real OpenID Provider for the tests and the demo: the npm package oidc-provider, mounted under
// /realms/internal like a Keycloak realm, with users that have a password, an e-mail and groups, one
// confidential client, and a minimal login form of our own (oidc-provider leaves the UI to its host).
import http from 'node:http';
import { generateKeyPairSync, sign } from 'node:crypto';
import Provider from 'oidc-provider';

export const realmPath = '/realms/internal';

export const users = {
  alice: { password: 'alice-password', email: 'alice@gatehouse.test', name: 'Alice Example',
    groups: ['/platform-team', '/dev'] },
  bob: { password: 'bob-password', email: 'bob@gatehouse.test', name: 'Bob Example', groups: ['/dev'] },
  carol: { password: 'carol-password', email: 'carol@gatehouse.test', name: 'Carol Example', groups: ['/sales'] },
};

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function loginPage(uid, error, realm = realmPath) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Sign in to the internal realm</title></head><body>
<h1>Internal realm</h1>${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${realm}/interaction/${uid}/login">
<label>Username <input name="username" autocomplete="username" autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button></form></body></html>`;
}

function readForm(req) {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => resolve(Object.fromEntries(new URLSearchParams(body))));
  });
}

// Starts the IdP on 127.0.0.1:port. `clients`: [{ client_id, client_secret, redirect_uris, post_logout_redirect_uris }].
// `issuer` overrides the public address (an HTTPS front in front of this plain-HTTP server).
// `machineClients`: [{ client_id, client_secret, groups, email, audience, claims }]: programs that get a JWT access
// token with the client-credentials grant (scope `api`), for `audience` (default `apiAudience`), valid
// `apiTokenTtl` seconds, carrying their `groups` (and `email` and other `claims`, when given) as claims.
// To stand in for another IdP: `realm` (the issuer's path), `accountClaims(id)` (an account's claims instead of
// the usual ones, given the account and 'id_token' or 'userinfo'; `_claim_names`/`_claim_sources` make
// distributed claims), `extraClaims` (claim names besides
// the usual, in the ID token), `routes(req, res, provider)` (answers a request outside the realm, e.g. an API
// of that IdP; returns true when it did).
export async function startIdp({ port, clients, kid = 'realm-key-1', issuer: front, machineClients = [],
  apiAudience = 'gatehouse', apiTokenTtl = 300, realm = realmPath, accountClaims, extraClaims = [], routes }) {
  const issuer = `${front ?? `http://127.0.0.1:${port}`}${realm}`;
  const machines = Object.fromEntries(machineClients.map((m) => [m.client_id, m]));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
  const provider = new Provider(issuer, {
    clients: [
      ...clients.map((c) => ({ grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic', ...c })),
      ...machineClients.map(({ client_id, client_secret }) => ({ client_id, client_secret,
        grant_types: ['client_credentials'], response_types: [], redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic' })),
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: ['gatehouse-test-idp-cookie-key'] },
    claims: { openid: ['sub', ...extraClaims], email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username', 'groups'] },
    // Keycloak puts the scope claims into the ID token too; oidc-provider does so only with this off.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true },
      backchannelLogout: { enabled: true },
      clientCredentials: { enabled: true },
      // JWT access tokens (RFC 9068) for the machine clients only: a browser login keeps its usual tokens.
      resourceIndicators: {
        enabled: true,
        defaultResource: (ctx) => (ctx.oidc.params?.grant_type === 'client_credentials' ? 'urn:gatehouse:api' : undefined),
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resource, client) => ({ scope: 'api',
          audience: machines[client.clientId]?.audience ?? apiAudience, accessTokenFormat: 'jwt',
          accessTokenTTL: apiTokenTtl, jwt: { sign: { alg: 'RS256' } } }),
      } },
    extraTokenClaims: async (ctx, token) => {
      const m = machines[token.clientId];
      if (!m || token.kind !== 'ClientCredentials') return undefined;
      return { groups: m.groups ?? [], ...(m.email ? { email: m.email, email_verified: true } : {}), ...(m.claims ?? {}) };
    },
    interactions: { url: (ctx, interaction) => `${realm}/interaction/${interaction.uid}` },
    // Consent is implied for this first-party client: grant the requested scopes.
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile offline_access');
      await grant.save();
      return grant;
    },
    // Every login gets a refresh token (Gatehouse's --cookie-refresh uses it); rotated on each use.
    issueRefreshToken: async () => true,
    findAccount: async (ctx, id) => {
      const u = users[id];
      if (!u) return undefined;
      return {
        accountId: id,
        // `use`: 'id_token' or 'userinfo', for an IdP that puts some claims in one only.
        claims: async (use) => (accountClaims ? accountClaims(id, use) : { sub: id, email: u.email, email_verified: true,
          name: u.name, preferred_username: id, groups: u.groups }),
      };
    },
  });
  if (front?.startsWith('https:')) provider.proxy = true;  // trust X-Forwarded-Proto from the TLS front
  const callback = provider.callback();
  const server = http.createServer(async (req, res) => {
    try {
      if (routes && await routes(req, res, provider)) return undefined;
      const m = req.url.startsWith(`${realm}/interaction/`) && req.url.slice(realm.length).match(/^\/interaction\/([^/?]+)(\/login)?/);
      if (m) {
        const details = await provider.interactionDetails(req, res);
        if (req.method === 'GET') {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          return res.end(loginPage(details.uid, undefined, realm));
        }
        const form = await readForm(req);
        const user = users[form.username];
        if (!user || user.password !== form.password) {
          res.writeHead(401, { 'content-type': 'text/html; charset=utf-8' });
          return res.end(loginPage(details.uid, 'Invalid username or password.', realm));
        }
        return provider.interactionFinished(req, res, { login: { accountId: form.username } },
          { mergeWithLastSubmission: false });
      }
      if (req.url.startsWith(realm)) {
        req.originalUrl = req.url;
        req.url = req.url.slice(realm.length) || '/';
        return callback(req, res);
      }
      res.writeHead(404).end();
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
    }
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  // Signs `claims` with the realm's own key, the way its access tokens are signed: for tokens the IdP would not
  // issue on request (already expired, not yet valid).
  const signJwt = (claims) => {
    const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const input = `${part({ alg: 'RS256', typ: 'at+jwt', kid })}.${part(claims)}`;
    return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
  };
  // A JWT access token for a machine client, by the client-credentials grant.
  const clientCredentialsToken = async (clientId, clientSecret) => {
    const r = await fetch(`${issuer}/token`, { method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
      body: 'grant_type=client_credentials&scope=api' });
    const body = await r.json();
    if (r.status !== 200) throw new Error(`client_credentials for ${clientId}: ${r.status} ${JSON.stringify(body)}`);
    return body.access_token;
  };
  return { issuer, server, provider, signJwt, clientCredentialsToken,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }) };
}

// Run standalone (used by `make demo`): node idp.mjs PORT REDIRECT_URI POST_LOGOUT_URI CLIENT_SECRET
if (import.meta.url === `file://${process.argv[1]}`) {
  const [port, redirectUri, postLogout, secret] = process.argv.slice(2);
  startIdp({ port: Number(port), clients: [{ client_id: 'gatehouse', client_secret: secret,
    redirect_uris: [redirectUri], post_logout_redirect_uris: [postLogout] }] })
    .then(({ issuer }) => console.log(`IdP ready: ${issuer}`));
}
