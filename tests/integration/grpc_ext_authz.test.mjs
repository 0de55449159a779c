// Envoy ext_authz over gRPC with a real gRPC client (@grpc/grpc-js) speaking Gatehouse's own .proto files.
// Envoy itself is not packaged for Debian, so the client plays Envoy; the byte-level test sends a
// CheckRequest encoded field by field the way Envoy lays it out, extra fields included.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import grpc from '@grpc/grpc-js';
import { startGatehouse, freePort, mintCookie, mintRedisSessions } from './lib/processes.mjs';
import { startRedis } from './lib/redis.mjs';
import { makeCertificates } from './lib/tls.mjs';
import { extAuthzClient, checkRequest, envoyWireCheckRequest } from './lib/ext_authz_client.mjs';

const header = (list, name) => list.find((h) => h.header.key === name);

describe('gRPC ext_authz door', () => {
  let gatehouse;
  let client;
  const alice = () => mintCookie({ user: 'alice-sub', email: 'alice@example.com', groups: '/dev,/platform-team',
    'preferred-username': 'alice' });

  before(async () => {
    const grpcPort = await freePort();
    gatehouse = await startGatehouse([`--grpc-address=127.0.0.1:${grpcPort}`, '--set-xauthrequest=true',
      '--email-domain=example.com', '--skip-auth-route=GET=^/public/']);
    await gatehouse.waitForOutput(/gRPC ext_authz and health on/);
    client = extAuthzClient(grpcPort);
  });
  after(async () => {
    client?.close();
    await gatehouse?.stop();
  });

  test('grpc.health.v1 says SERVING', async () => {
    assert.equal((await client.health()).status, 'SERVING');
  });

  test('a valid session: OK, identity headers that overwrite, look-alikes removed', async () => {
    const res = await client.check(checkRequest({ path: '/reports?x=1', headers: { cookie: alice(),
      'x-auth-request-user': 'mallory', 'x-auth-request-access-token': 'stolen', 'GAP-Auth': 'mallory' } }));
    assert.equal(res.status.code, 0);
    assert.equal(res.http_response, 'ok_response');
    const h = res.ok_response.headers;
    assert.equal(header(h, 'x-auth-request-user').header.value, 'alice-sub');
    assert.equal(header(h, 'x-auth-request-email').header.value, 'alice@example.com');
    assert.equal(header(h, 'x-auth-request-groups').header.value, '/dev,/platform-team');
    assert.equal(header(h, 'gap-auth').header.value, 'alice@example.com');
    for (const option of h) {
      assert.equal(option.append_action, 'OVERWRITE_IF_EXISTS_OR_ADD');
      assert.equal(option.append.value, false);
    }
    assert.deepEqual(res.ok_response.headers_to_remove, ['x-auth-request-access-token']);
  });

  test('look-alikes with underscores, dots or another case are in headers_to_remove, signed in or not', async () => {
    const forged = { x_auth_request_email: 'mallory@evil.test', 'x.forwarded.email': 'mallory@evil.test',
      x_forwarded_user: 'mallory', 'x-forwarded-groups': 'admins', gap_auth: 'mallory', 'x_custom': 'kept' };
    const expected = ['gap_auth', 'x-forwarded-groups', 'x.forwarded.email', 'x_auth_request_email', 'x_forwarded_user'];
    const signedIn = await client.check(checkRequest({ path: '/reports', headers: { cookie: alice(), ...forged } }));
    assert.equal(signedIn.status.code, 0);
    assert.deepEqual([...signedIn.ok_response.headers_to_remove].sort(), expected);
    const anonymous = await client.check(checkRequest({ path: '/public/logo.png', headers: forged }));
    assert.equal(anonymous.status.code, 0);
    assert.deepEqual([...anonymous.ok_response.headers_to_remove].sort(), expected);
  });

  test('no session, a browser: denied with a 302 to sign in, rd rebuilt from scheme, host and path', async () => {
    const res = await client.check(checkRequest({ host: 'app.example.com', path: '/reports?tab=2',
      headers: { accept: 'text/html,application/xhtml+xml' } }));
    assert.equal(res.status.code, 16);
    assert.equal(res.http_response, 'denied_response');
    assert.equal(res.denied_response.status.code, 'Found');
    assert.equal(header(res.denied_response.headers, 'location').header.value,
      `https://app.example.com/oauth2/start?rd=${encodeURIComponent('https://app.example.com/reports?tab=2')}`);
  });

  test('no session, a program: 401', async () => {
    const res = await client.check(checkRequest({ headers: { accept: 'application/json' } }));
    assert.equal(res.status.code, 16);
    assert.equal(res.denied_response.status.code, 'Unauthorized');
    assert.equal(header(res.denied_response.headers, 'location'), undefined);
  });

  test('per-route context (Contour authPolicy.context): outside allowed_groups is 403', async () => {
    const denied = await client.check(checkRequest({ headers: { cookie: alice() }, context: { allowed_groups: '/admins' } }));
    assert.equal(denied.status.code, 7);
    assert.equal(denied.denied_response.status.code, 'Forbidden');
    const allowed = await client.check(checkRequest({ headers: { cookie: alice(), 'user-agent': 'grpc-test/1' },
      context: { allowed_groups: '/admins,/dev' }, id: 'envoy-req-7' }));
    assert.equal(allowed.status.code, 0);
    await gatehouse.waitForOutput(/auth: door=grpc status=403 reason="not in the app's allowed_groups" client=- user="alice-sub"/);
    // The request log has the gRPC door's answers too, with Envoy's request id and the user.
    await gatehouse.waitForOutput(/^- - envoy-req-7 - alice@example\.com \[[^\]]+\] app\.example\.com GET - "\/" gRPC "grpc-test\/1" 200 0 \d+\.\d{3}$/m);
  });

  test('a public route passes without a session and carries no identity', async () => {
    const res = await client.check(checkRequest({ path: '/public/logo.png', headers: { 'x-auth-request-user': 'mallory' } }));
    assert.equal(res.status.code, 0);
    assert.deepEqual(res.ok_response.headers, []);
    assert.deepEqual(res.ok_response.headers_to_remove, ['x-auth-request-user']);
    const post = await client.check(checkRequest({ method: 'POST', path: '/public/upload' }));
    assert.notEqual(post.status.code, 0, 'the route is public for GET only');
  });

  test('a tampered or foreign cookie is no session', async () => {
    const tampered = alice().replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const res = await client.check(checkRequest({ headers: { cookie: tampered, accept: 'application/json' } }));
    assert.equal(res.denied_response.status.code, 'Unauthorized');
    await gatehouse.waitForOutput(/door=grpc status=401 reason="(session cookie failed authentication|malformed session cookie)"/);
  });

  test('malformed requests are denied, and the RPC itself still succeeds', async () => {
    for (const request of [{}, { attributes: {} }, { attributes: { request: { http: { method: 'GET', path: '/' } } } },
      { attributes: { request: { http: { method: 'GET', host: 'a.example.com', path: 'relative' } } } }]) {
      const res = await client.check(request);
      // As on every door, an original request that cannot be read is refused with 400 (original_request_unclear).
      assert.equal(res.status.code, 3, JSON.stringify(request));
      assert.equal(res.denied_response.status.code, 'BadRequest');
    }
    // Bytes that are not a CheckRequest at all: gRPC refuses the call before it reaches the door.
    await assert.rejects(client.checkRaw(Buffer.from([0x0a, 0xff, 0xff])), (e) => e.code !== 0);
    assert.equal((await client.health()).status, 'SERVING', 'still serving after garbage');
  });

  test('wire check: a CheckRequest laid out as Envoy serialises it decodes and is judged', async () => {
    const bytes = envoyWireCheckRequest({ host: 'app.example.com', path: '/wire?check=1', cookie: alice(),
      context: { allowed_groups: '/platform-team' } });
    const res = await client.checkRaw(bytes);
    assert.equal(res.status.code, 0);
    assert.equal(header(res.ok_response.headers, 'x-auth-request-user').header.value, 'alice-sub');
    const anonymous = await client.checkRaw(envoyWireCheckRequest({ host: 'app.example.com', path: '/wire' }));
    assert.equal(anonymous.denied_response.status.code, 'Found');
    // The client address Envoy reports (attributes.source.address) is in the auth log line.
    await gatehouse.waitForOutput(/auth: door=grpc status=302 reason="no session" client=10\.1\.2\.3 /);
  });
});

describe('gRPC ext_authz door with Redis sessions and TLS', () => {
  let redis;
  let gatehouse;
  let client;
  let certs;
  before(async () => {
    certs = makeCertificates(['localhost', '127.0.0.1']);
    redis = await startRedis();
    const grpcPort = await freePort();
    gatehouse = await startGatehouse([`--grpc-address=127.0.0.1:${grpcPort}`, '--grpc-tls=true',
      `--tls-cert-file=${certs.cert}`, `--tls-key-file=${certs.key}`, '--set-xauthrequest=true',
      '--session-store-type=redis', `--redis-connection-url=${redis.url}`, '--redis-timeout=300ms']);
    await gatehouse.waitForOutput(/gRPC ext_authz and health on .* \(TLS\)/);
    client = extAuthzClient(grpcPort, grpc.credentials.createSsl(certs.ca));
  });
  after(async () => {
    client?.close();
    await gatehouse?.stop();
    await redis?.stop();
  });

  test('a Redis session is judged on an I/O thread and answered over TLS', async () => {
    const [ticket] = mintRedisSessions(redis.url, 1, { user: 'redis-user', email: 'r@example.com' });
    const res = await client.check(checkRequest({ headers: { cookie: `_oauth2_proxy=${ticket}` } }));
    assert.equal(res.status.code, 0);
    assert.equal(header(res.ok_response.headers, 'x-auth-request-user').header.value, 'redis-user');
  });

  test('Redis stopped: denied 503 with UNAVAILABLE, never allowed; then back', async () => {
    const [ticket] = mintRedisSessions(redis.url, 1);
    redis.pause();
    try {
      const res = await client.check(checkRequest({ headers: { cookie: `_oauth2_proxy=${ticket}` } }));
      assert.equal(res.status.code, 14);
      assert.equal(res.denied_response.status.code, 'ServiceUnavailable');
    } finally {
      redis.resume();
    }
    let code = -1;
    for (let i = 0; i < 40 && code !== 0; ++i) {
      code = (await client.check(checkRequest({ headers: { cookie: `_oauth2_proxy=${ticket}` } }))).status.code;
      if (code !== 0) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(code, 0);
  });

  test('a plaintext client cannot talk to the TLS listener', async () => {
    const plain = extAuthzClient(Number(gatehouse.output.match(/gRPC ext_authz and health on 127.0.0.1:(\d+)/)[1]));
    await assert.rejects(plain.health(), (e) => e.code === grpc.status.UNAVAILABLE);
    plain.close();
  });
});
