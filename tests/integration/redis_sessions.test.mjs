// Sessions in a real Redis: the whole SSO stack (oidc-provider, nginx as ingress-nginx, the sample app)
// with --session-store-type=redis. The cookie holds a ticket; replicas share sessions; sign-out and the
// IdP's back-channel logout end them everywhere; Redis trouble fails closed and heals by itself.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startSsoStack, restartIdpForgettingGrants } from './lib/sso_stack.mjs';
import { Browser } from './lib/browser.mjs';
import { startGatehouse, baseFlags, runGatehouse, freePort, mintRedisSessions, waitForReady } from './lib/processes.mjs';
import { makeCertificates } from './lib/tls.mjs';
import { login } from './lib/login_steps.mjs';
import { httpGet } from './lib/client.mjs';
import { startRedis } from './lib/redis.mjs';

describe('Redis sessions, end to end', () => {
  let redis;
  let stack;
  const others = [];  // extra Gatehouse processes started by tests
  const browser = () => new Browser({ ca: stack.certs.ca });
  const redisFlags = () => ['--session-store-type=redis', `--redis-connection-url=${redis.url}`, '--redis-timeout=500ms'];
  const authWith = (port, cookie) => httpGet(port, '/oauth2/auth', { cookie: `_oauth2_proxy=${cookie}` });

  before(async () => {
    redis = await startRedis();
    stack = await startSsoStack({
      gatehouseFlags: redisFlags(),
      clientExtras: (gatehousePort) => ({
        backchannel_logout_uri: `http://127.0.0.1:${gatehousePort}/oauth2/backchannel_logout`,
        backchannel_logout_session_required: true,
      }),
    });
  });
  after(async () => {
    for (const g of others) await g.stop();
    await stack?.stop();
    await redis?.stop();
  });

  test('the cookie carries only a ticket; the session lives in Redis, unreadable there', async () => {
    const b = browser();
    const [, afterLogin] = await login(b, `${stack.base('app1')}/`);
    assert.equal(afterLogin.at(-1).status, 200);
    assert.equal(JSON.parse(afterLogin.at(-1).body).headers['x-auth-request-email'], 'alice@gatehouse.test');
    const ticket = b.cookie('_oauth2_proxy').value;
    assert.ok(ticket.length < 200, `a ticket, not a session: ${ticket.length} bytes`);
    const keys = redis.cli('KEYS', '_oauth2_proxy:session:*').split('\n').filter(Boolean);
    assert.ok(keys.length >= 1);
    const stored = redis.cli('--no-raw', 'GET', keys.at(-1));
    assert.ok(!stored.includes('alice@gatehouse.test'), 'Redis holds no e-mail in clear');
    const ttl = Number(redis.cli('TTL', keys.at(-1)));
    assert.ok(ttl > 167 * 3600 && ttl <= 168 * 3600, `TTL follows --cookie-expire (168h): ${ttl}`);
  });

  test('a second Gatehouse shares the sessions, and they survive a Gatehouse restart', async () => {
    const b = browser();
    await login(b, `${stack.base('app1')}/`);
    const ticket = b.cookie('_oauth2_proxy').value;
    const second = await startGatehouse([...redisFlags(), '--set-xauthrequest=true']);
    others.push(second);
    const seen = await authWith(second.port, ticket);
    assert.equal(seen.status, 202);
    assert.equal(seen.headers['x-auth-request-email'], 'alice@gatehouse.test');

    // Restart the stack's Gatehouse on the same port: the browser's session still opens app1.
    const port = stack.gatehouse.port;
    const flags = stack.gatehouse.child.spawnargs.slice(1 + baseFlags(port).length);
    await stack.gatehouse.stop();
    stack.gatehouse = await startGatehouse(flags, { port });
    await waitForReady(port);
    const page = await b.get(`${stack.base('app1')}/after-restart`);
    assert.equal(page.status, 200);
    assert.equal(JSON.parse(page.body).headers['x-auth-request-user'], 'alice');
  });

  test('sign-out deletes the session, so a copied ticket stops working on every replica', async () => {
    const b = browser();
    await login(b, `${stack.base('app1')}/`);
    const copied = b.cookie('_oauth2_proxy').value;
    assert.equal((await authWith(stack.gatehouse.port, copied)).status, 202);
    const out = await b.get(`${stack.base('auth')}/oauth2/sign_out`);
    assert.equal(out.status, 302);
    assert.equal(b.cookie('_oauth2_proxy'), undefined);
    assert.equal((await authWith(stack.gatehouse.port, copied)).status, 401);
    const second = others[0] ?? await startGatehouse(redisFlags());
    assert.equal((await authWith(second.port, copied)).status, 401);
    await stack.gatehouse.waitForOutput(/reason="session not in the store/);
  });

  test('the IdP ending its session logs the user out through the back channel', async () => {
    const b = browser();
    await login(b, `${stack.base('app1')}/`);
    const ticket = b.cookie('_oauth2_proxy').value;
    assert.equal((await authWith(stack.gatehouse.port, ticket)).status, 202);

    // At the IdP (its own cookies in the same browser): end the IdP session, confirming on its page.
    const page = await b.get(`${stack.idp.issuer}/session/end`);
    assert.equal(page.status, 200);
    const xsrf = page.body.match(/name="xsrf" value="([^"]+)"/)[1];
    const action = new URL(page.body.match(/action="([^"]+)"/)[1], page.url).toString();
    const confirmed = await b.post(action, { xsrf, logout: 'yes' });
    assert.ok([302, 303].includes(confirmed.status), `end_session confirm answered ${confirmed.status}`);

    await stack.gatehouse.waitForOutput(/backchannel logout: ended 1 session\(s\) of sub "alice" sid "[^"]+"/);
    assert.equal((await authWith(stack.gatehouse.port, ticket)).status, 401);
    const app = await b.get(`${stack.base('app1')}/`);
    assert.equal(app.status, 302, 'the browser is sent to sign in again');
  });

  test('the back-channel endpoint refuses anything but a valid logout token', async () => {
    const url = `http://127.0.0.1:${stack.gatehouse.port}/oauth2/backchannel_logout`;
    const get = await fetch(url);
    assert.equal(get.status, 405);
    const form = (body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    assert.equal((await form('nothing=here')).status, 400);
    const forged = await form('logout_token=eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.');
    assert.equal(forged.status, 400);
    assert.equal((await forged.json()).error, 'invalid_request');
    await stack.gatehouse.waitForOutput(/backchannel logout: refused a logout token: signature/);
    // An ID token is signed by the IdP too, but it is not a logout token.
    const b = browser();
    await login(b, `${stack.base('app1')}/`);
    const signOut = await b.get(`${stack.base('auth')}/oauth2/sign_out`);
    const idToken = new URL(signOut.location).searchParams.get('id_token_hint');
    const replayed = await form(`logout_token=${idToken}`);
    assert.equal(replayed.status, 400);
    await stack.gatehouse.waitForOutput(/refused a logout token: (no back-channel logout event|carries a nonce)/);
    // A body on any other endpoint is still refused.
    const auth = await fetch(`http://127.0.0.1:${stack.gatehouse.port}/oauth2/auth`, { method: 'POST', body: 'x=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(auth.status, 413);
  });

  test('Redis stopped: requests fail closed within the timeout; service resumes within a second', async () => {
    const b = browser();
    await login(b, `${stack.base('app1')}/`);
    const ticket = b.cookie('_oauth2_proxy').value;
    redis.pause();
    try {
      const started = Date.now();
      const down = await authWith(stack.gatehouse.port, ticket);
      assert.equal(down.status, 503);
      assert.ok(Date.now() - started < 1500, `answered within the 500 ms timeout (+ margin): ${Date.now() - started} ms`);
      const viaNginx = await b.get(`${stack.base('app1')}/`);
      assert.equal(viaNginx.status, 500, 'nginx turns the auth 503 into an error, never into access');
      await stack.gatehouse.waitForOutput(/reason="session store unavailable"/);
      await stack.gatehouse.waitForOutput(/session store: cannot read a session: redis .* (no reply within 500 ms|unavailable)/);
    } finally {
      redis.resume();
    }
    const resumed = Date.now();
    let status = 0;
    while (Date.now() - resumed < 3000) {
      status = (await authWith(stack.gatehouse.port, ticket)).status;
      if (status === 202) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(status, 202);
    assert.ok(Date.now() - resumed < 1000, `service resumed ${Date.now() - resumed} ms after Redis did`);
  });

  test('/ready reports the session store', async () => {
    const b = browser();
    await login(b, `${stack.base('app1')}/`);
    const ticket = b.cookie('_oauth2_proxy').value;
    assert.equal((await httpGet(stack.gatehouse.port, '/ready')).status, 200);
    redis.pause();
    try {
      // A paused Redis keeps its connections open: a connection learns of it when a command times out.
      const deadline = Date.now() + 3000;
      let ready;
      do {
        await authWith(stack.gatehouse.port, ticket);
        ready = await httpGet(stack.gatehouse.port, '/ready');
      } while (ready.status === 200 && Date.now() < deadline);
      assert.equal(ready.status, 503);
      assert.match(ready.body, /session store/);
    } finally {
      redis.resume();
    }
  });
});

describe('--cookie-refresh with Redis sessions', () => {
  let redis;
  let stack;
  before(async () => {
    redis = await startRedis();
    stack = await startSsoStack({ gatehouseFlags: ['--session-store-type=redis', `--redis-connection-url=${redis.url}`,
      '--cookie-refresh=1s'] });
  });
  after(async () => {
    await stack?.stop();
    await redis?.stop();
  });

  test('renews the stored session once for parallel requests; the same ticket sees it; a refused refresh ends it', async () => {
    const b = new Browser({ ca: stack.certs.ca });
    await login(b, `${stack.base('app1')}/`);
    const ticket = b.cookie('_oauth2_proxy').value;
    const key = redis.cli('KEYS', '_oauth2_proxy:session:*');
    const before = redis.cli('GET', key);
    await new Promise((r) => setTimeout(r, 2100));  // due: whole seconds, strictly older than 1 s
    const answers = await Promise.all([1, 2, 3, 4, 5, 6].map(() => b.get(`${stack.base('app1')}/asset`)));
    for (const a of answers) assert.equal(a.status, 200);
    assert.equal((stack.gatehouse.output.match(/refresh: asking the IdP/g) ?? []).length, 1,
      `one call to the IdP:\n${stack.gatehouse.output.match(/^.*(refresh|auth):.*$/gm)?.join('\n')}`);
    assert.notEqual(redis.cli('GET', key), before, 'the stored session was renewed in place');
    assert.equal(redis.cli('KEYS', '_oauth2_proxy:session:*'), key, 'under the same ticket');
    // A copy of the cookie from before the refresh is the same ticket: it sees the renewed session, not due.
    const copy = await httpGet(stack.gatehouse.port, '/oauth2/auth', { cookie: `_oauth2_proxy=${ticket}` });
    assert.equal(copy.status, 202);
    assert.equal((stack.gatehouse.output.match(/refresh: asking the IdP/g) ?? []).length, 1, 'the copy needs no refresh');

    // The IdP forgets its grants (restart with new keys): the next refresh is refused and the session ends,
    // in Redis too.
    await restartIdpForgettingGrants(stack);
    await new Promise((r) => setTimeout(r, 2100));  // due: whole seconds, strictly older than 1 s
    const ended = await b.get(`${stack.base('app1')}/`);
    assert.equal(ended.status, 302, 'sent to sign in again');
    await stack.gatehouse.waitForOutput(/refresh: .*; ending the session of user "alice"/);
    assert.equal(redis.cli('EXISTS', key), '0', 'the session is gone from Redis');
  });
});

// Issue 21, item 7: the per-user and per-IdP-session indexes that a back-channel logout reads got their TTL only
// when the session was made; refreshes kept the session alive past it, and the logout then found nothing to end.
describe('back-channel logout of a session kept alive by refreshes (Redis)', () => {
  let redis;
  let stack;
  before(async () => {
    redis = await startRedis();
    stack = await startSsoStack({
      gatehouseFlags: ['--session-store-type=redis', `--redis-connection-url=${redis.url}`, '--cookie-refresh=1s',
        '--cookie-expire=4s'],
      clientExtras: (gatehousePort) => ({
        backchannel_logout_uri: `http://127.0.0.1:${gatehousePort}/oauth2/backchannel_logout`,
        backchannel_logout_session_required: true,
      }),
    });
  });
  after(async () => {
    await stack?.stop();
    await redis?.stop();
  });

  test('refreshed past the first --cookie-expire, the session is still ended by the IdP\'s logout', async () => {
    const b = new Browser({ ca: stack.certs.ca });
    await login(b, `${stack.base('app1')}/`);
    const signedIn = Date.now();
    const ticket = b.cookie('_oauth2_proxy').value;
    const indexes = () => ['sub', 'sid'].flatMap((k) => redis.cli('KEYS', `_oauth2_proxy:${k}:*`).split('\n').filter(Boolean));
    assert.equal(indexes().length, 2, 'the user\'s index and the IdP session\'s');
    for (const index of indexes()) assert.ok(Number(redis.cli('PTTL', index)) <= 4000, 'first TTL: --cookie-expire');

    // Kept in use for 9 s, more than twice the first TTL: refreshed (at the IdP) whenever due, each time
    // extending the session in Redis by another 4 s.
    while (Date.now() - signedIn < 9000) {
      const r = await httpGet(stack.gatehouse.port, '/oauth2/auth', { cookie: `_oauth2_proxy=${ticket}` });
      assert.equal(r.status, 202, `the session lives on (${Date.now() - signedIn} ms after sign-in)`);
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    const renewals = (stack.gatehouse.output.match(/refresh: renewed the session of user "alice"/g) ?? []).length;
    assert.ok(renewals >= 3, `renewed ${renewals} times`);
    assert.equal(indexes().length, 2, 'both indexes outlive their first TTL with the session');
    for (const index of indexes()) assert.ok(Number(redis.cli('PTTL', index)) > 0, `${index} lives as long as the session`);

    // The IdP session ends (at the IdP, in the same browser): its logout token names the user and the IdP session.
    const page = await b.get(`${stack.idp.issuer}/session/end`);
    const xsrf = page.body.match(/name="xsrf" value="([^"]+)"/)[1];
    const action = new URL(page.body.match(/action="([^"]+)"/)[1], page.url).toString();
    const confirmed = await b.post(action, { xsrf, logout: 'yes' });
    assert.ok([302, 303].includes(confirmed.status), `end_session confirm answered ${confirmed.status}`);
    await stack.gatehouse.waitForOutput(/backchannel logout: ended \d+ session\(s\) of sub "alice"/);
    assert.match(stack.gatehouse.output, /backchannel logout: ended 1 session\(s\) of sub "alice"/);
    assert.equal((await httpGet(stack.gatehouse.port, '/oauth2/auth', { cookie: `_oauth2_proxy=${ticket}` })).status, 401);
  });
});

describe('rediss:// (Redis over TLS)', () => {
  let redis;
  let certs;
  let tlsPort;
  const started = [];
  before(async () => {
    certs = makeCertificates(['localhost', '127.0.0.1']);
    tlsPort = await freePort();
    // A plain port beside the TLS one, only for the test to mint sessions with.
    redis = await startRedis(['--tls-port', String(tlsPort), '--tls-cert-file', certs.cert,
      '--tls-key-file', certs.key, '--tls-ca-cert-file', certs.caFile, '--tls-auth-clients', 'no']);
  });
  after(async () => {
    for (const g of started) await g.stop();
    await redis?.stop();
  });
  const start = async (flags) => {
    const g = await startGatehouse(['--session-store-type=redis', '--redis-timeout=500ms', ...flags]);
    started.push(g);
    return g;
  };

  test('verifies the server against --redis-ca-path, and sessions work over TLS', async () => {
    const g = await start([`--redis-connection-url=rediss://localhost:${tlsPort}`, `--redis-ca-path=${certs.caFile}`]);
    const [ticket] = mintRedisSessions(redis.url, 1);
    const answer = await httpGet(g.port, '/oauth2/auth', { cookie: `_oauth2_proxy=${ticket}` });
    assert.equal(answer.status, 202);
    await g.waitForOutput(/redis: connected to localhost:\d+/);
  });

  test('refuses a server its CA does not vouch for, fails closed, and says why', async () => {
    const g = await start([`--redis-connection-url=rediss://localhost:${tlsPort}`]);
    const [ticket] = mintRedisSessions(redis.url, 1);
    const answer = await httpGet(g.port, '/oauth2/auth', { cookie: `_oauth2_proxy=${ticket}` });
    assert.equal(answer.status, 503);
    await g.waitForOutput(/redis: cannot connect to localhost:\d+: TLS handshake failed: certificate verify failed/);
  });

  test('--redis-insecure-skip-tls-verify connects without checking', async () => {
    const g = await start([`--redis-connection-url=rediss://localhost:${tlsPort}`,
      '--redis-insecure-skip-tls-verify=true']);
    const [ticket] = mintRedisSessions(redis.url, 1);
    assert.equal((await httpGet(g.port, '/oauth2/auth', { cookie: `_oauth2_proxy=${ticket}` })).status, 202);
  });

  test('an unreadable --redis-ca-path is a configuration error', async () => {
    const { code, output } = await runGatehouse([...baseFlags(await freePort()), '--session-store-type=redis',
      `--redis-connection-url=rediss://localhost:${tlsPort}`, '--redis-ca-path=/nonexistent/ca.pem']);
    assert.equal(code, 2);
    assert.match(output, /^gatehouse: --redis-ca-path: cannot load \/nonexistent\/ca.pem/m);
  });
});
