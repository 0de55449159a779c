// Interop of the gRPC door (HTTP/2 by nghttp2 on Gatehouse's own I/O threads, gRPC framing of its own) with
// clients written without it in mind: grpc++ (gRPC's C-core: tests/tools/grpc_check_client.cpp), h2load (nghttp2's
// load generator), node:http2 sending the metadata Envoy sends, grpc-js and curl on a port shared with HTTP/1.1.
// Then what a rolling update does to the door: SIGTERM with a Watch open and a Check waiting on Redis,
// --grpc-max-connection-age, and grpc-timeout against a Redis that does not answer.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import path from 'node:path';
import grpc from '@grpc/grpc-js';
import { startGatehouse, runGatehouse, baseFlags, freePort, mintCookie, mintRedisSessions, buildDir, tempDir }
  from './lib/processes.mjs';
import { startRedis } from './lib/redis.mjs';
import { makeCertificates } from './lib/tls.mjs';
import { extAuthzClient, checkRequest, checkCodec, envoyWireCheckRequest } from './lib/ext_authz_client.mjs';

const run = promisify(execFile);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const checkTool = path.join(buildDir, 'tests/tools/gatehouse-grpc-check');
const CHECK = '/envoy.service.auth.v3.Authorization/Check';
const codec = checkCodec();

// One call by the grpc++ client; its JSON line (the response in protobuf's JSON mapping, .proto field names).
async function grpcCheck(port, ...args) {
  const { stdout } = await run(checkTool, [`--target=127.0.0.1:${port}`, ...args], { timeout: 15000 });
  return JSON.parse(stdout.trim());
}
// proto3's JSON leaves out zero values: an OK google.rpc.Status has no code.
const rpcCode = (response) => response?.status?.code ?? 0;
const headerOf = (options, name) => options?.find((o) => o.header.key === name)?.header.value;

const alice = () => mintCookie({ user: 'alice-sub', email: 'alice@example.com', groups: '/dev' });

// A message in gRPC's framing: uncompressed flag, 4-byte big-endian length, the message.
function framed(message) {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

// One unary call on a node:http2 session, framed here: the answer's headers, trailers, message and timing.
function h2Call(session, { path: callPath = CHECK, headers = {}, body }) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const req = session.request({ ':method': 'POST', ':path': callPath, 'content-type': 'application/grpc',
      te: 'trailers', ...headers });
    let response = {};
    let trailers = {};
    const chunks = [];
    req.on('response', (h) => { response = h; });
    req.on('trailers', (t) => { trailers = t; });
    req.on('data', (c) => chunks.push(c));
    req.on('error', reject);
    req.on('close', () => {
      const data = Buffer.concat(chunks);
      // A Trailers-Only answer carries grpc-status in its one header block.
      resolve({ headers: response, trailers, data, elapsed: Date.now() - started,
        grpcStatus: trailers['grpc-status'] ?? response['grpc-status'],
        grpcMessage: decodeURIComponent(trailers['grpc-message'] ?? response['grpc-message'] ?? ''),
        message: data.length >= 5 ? data.subarray(5, 5 + data.readUInt32BE(1)) : undefined });
    });
    req.end(body);
  });
}

function connectH2(port) {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.once('remoteSettings', () => resolve(session));
    session.once('error', reject);
  });
}

const curl = async (...args) => (await run('curl', ['-sS', '-i', '--max-time', '5', ...args])).stdout;

describe('real gRPC clients on the h2c and TLS doors', () => {
  let gh;
  let tlsGh;
  let port;
  let tlsPort;
  let certs;
  before(async () => {
    certs = makeCertificates(['localhost', '127.0.0.1']);
    port = await freePort();
    tlsPort = await freePort();
    const common = ['--set-xauthrequest=true', '--email-domain=example.com'];
    gh = await startGatehouse([`--grpc-address=127.0.0.1:${port}`, ...common]);
    tlsGh = await startGatehouse([`--grpc-address=127.0.0.1:${tlsPort}`, '--grpc-tls=true',
      `--tls-cert-file=${certs.cert}`, `--tls-key-file=${certs.key}`, ...common]);
    await gh.waitForOutput(/gRPC ext_authz and health on 127\.0\.0\.1:\d+ \(h2c\)/);
    await tlsGh.waitForOutput(/gRPC ext_authz and health on 127\.0\.0\.1:\d+ \(TLS\)/);
  });
  after(async () => {
    await gh?.stop();
    await tlsGh?.stop();
  });

  // The same three calls over h2c (prior knowledge) and over TLS with ALPN h2, from gRPC's C-core.
  for (const transport of ['h2c', 'TLS']) {
    test(`grpc++ over ${transport}: a minted cookie is allowed with identity headers, no cookie is a 302, health SERVING`, async () => {
      const target = transport === 'TLS' ? tlsPort : port;
      const tls = transport === 'TLS' ? [`--ca-file=${certs.caFile}`] : [];
      const allowed = await grpcCheck(target, ...tls, '--host=app.example.com', '--path=/reports?tab=1',
        `--cookie=${alice()}`, '--header=accept: text/html');
      assert.equal(allowed.grpc_status, 0, JSON.stringify(allowed));
      assert.equal(rpcCode(allowed.response), 0);
      assert.equal(headerOf(allowed.response.ok_response.headers, 'x-auth-request-user'), 'alice-sub');
      assert.equal(headerOf(allowed.response.ok_response.headers, 'x-auth-request-email'), 'alice@example.com');

      const anonymous = await grpcCheck(target, ...tls, '--host=app.example.com', '--path=/reports?tab=1',
        '--header=accept: text/html');
      assert.equal(anonymous.grpc_status, 0, 'a denial is a successful RPC');
      assert.equal(rpcCode(anonymous.response), 16);  // UNAUTHENTICATED
      assert.equal(anonymous.response.denied_response.status.code, 'Found');
      assert.equal(headerOf(anonymous.response.denied_response.headers, 'location'),
        `https://app.example.com/oauth2/start?rd=${encodeURIComponent('https://app.example.com/reports?tab=1')}`);

      const health = await grpcCheck(target, ...tls, '--health');
      assert.deepEqual([health.grpc_status, health.response], [0, { status: 'SERVING' }]);
      const unknown = await grpcCheck(target, ...tls, '--health=no.such.Service');
      assert.equal(unknown.grpc_status, 5);  // NOT_FOUND, as grpc.health.v1 says for an unknown service
    });
  }

  test('grpc++ with plaintext to the TLS door fails as UNAVAILABLE, and the door keeps serving', async () => {
    const plain = await grpcCheck(tlsPort, '--health', '--timeout-ms=2000');
    assert.equal(plain.grpc_status, 14);
    const health = await grpcCheck(tlsPort, `--ca-file=${certs.caFile}`, '--health');
    assert.equal(health.response.status, 'SERVING');
  });

  test('h2load: 2000 Checks over 4 connections, 8 streams each, every one answered with the allowed response', async () => {
    const dir = tempDir('h2load');
    const bodyFile = path.join(dir, 'check.bin');
    const request = ['--host=app.example.com', '--path=/h2load', `--cookie=${alice()}`, '--id=h2load-run'];
    await run(checkTool, [`--write-body=${bodyFile}`, ...request]);
    // The allowed answer, once, by grpc++: every one of h2load's answers must be exactly this large.
    const reference = await grpcCheck(port, ...request);
    assert.equal(rpcCode(reference.response), 0);
    const { stdout } = await run('h2load', ['-n', '2000', '-c', '4', '-m', '8', '-d', bodyFile,
      '-H', 'content-type: application/grpc', '-H', 'te: trailers', `http://127.0.0.1:${port}${CHECK}`],
    { timeout: 30000 });
    const counts = stdout.match(/requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/);
    assert.ok(counts, stdout);
    assert.deepEqual(counts.slice(1).map(Number), [2000, 2000, 2000, 2000, 0, 0, 0], stdout);
    assert.match(stdout, /status codes: 2000 2xx, 0 3xx, 0 4xx, 0 5xx/);
    // DATA bytes received: one gRPC-framed CheckResponse per call, each the allowed one's size (a denial's
    // answer, a 302 with its location, would be larger; an error would have none).
    const data = Number(stdout.match(/traffic: .*\((\d+)\) data/)[1]);
    assert.equal(data, 2000 * (5 + reference.response_bytes), stdout);
    // And the request log says 200 for each of them (the id is the CheckRequest's).
    const logged = () => (gh.output.match(/ h2load-run - alice@example\.com \[[^\]]+\] app\.example\.com GET - "\/h2load" gRPC "" 200 /g) ?? []).length;
    for (let i = 0; i < 50 && logged() < 2001; ++i) await sleep(50);
    assert.equal(logged(), 2001, 'one request log line with status 200 per call (and the reference call)');
  });

  test('Envoy metadata: the HEADERS Envoy sends, a CheckRequest in Envoy\'s field layout: OK, decodes, logged with its id', async () => {
    const session = await connectH2(port);
    try {
      const id = 'c0ffee00-envoy-interop';
      const result = await h2Call(session, {
        headers: {
          ':authority': 'gatehouse-ext-authz', ':scheme': 'http', 'grpc-timeout': '200m', 'x-request-id': id,
          'x-envoy-internal': 'true', 'x-envoy-expected-rq-timeout-ms': '200',
          'user-agent': 'envoy/1.31.2/Clean/RELEASE/BoringSSL', 'grpc-accept-encoding': 'identity,deflate,gzip',
        },
        body: framed(envoyWireCheckRequest({ host: 'app.example.com', path: '/envoy?x=1', cookie: alice(), id })),
      });
      assert.equal(result.headers[':status'], 200);
      assert.equal(result.headers['content-type'], 'application/grpc');
      assert.equal(result.trailers['grpc-status'], '0', 'grpc-status 0 in the trailers, not a Trailers-Only answer');
      assert.equal(result.data[0], 0, 'uncompressed, as identity was among the accepted encodings');
      assert.equal(result.data.length, 5 + result.data.readUInt32BE(1), 'exactly one message');
      const response = codec.decodeResponse(result.message);
      assert.equal(response.status.code, 0);
      assert.equal(response.http_response, 'ok_response');
      assert.equal(headerOf(response.ok_response.headers, 'x-auth-request-user'), 'alice-sub');
      await gh.waitForOutput(new RegExp(`^10\\.1\\.2\\.3 - ${id} - alice@example\\.com \\[[^\\]]+\\] app\\.example\\.com GET - "/envoy\\?x=1" gRPC "curl/8" 200 `, 'm'));
    } finally {
      session.close();
    }
  });
});

describe('one port for HTTP/1.1 and gRPC (--grpc-address equal to --http-address)', () => {
  let gh;
  before(async () => {
    const port = await freePort();
    gh = await startGatehouse([`--grpc-address=127.0.0.1:${port}`, '--email-domain=example.com'], { port });
    await gh.waitForOutput(new RegExp(`gRPC ext_authz and health on 127\\.0\\.0\\.1:${port} \\(h2c, shared with HTTP/1\\.1\\)`));
  });
  after(async () => { await gh?.stop(); });

  test('curl speaks HTTP/1.1 and grpc-js speaks gRPC to the same port', async () => {
    const base = `http://127.0.0.1:${gh.port}`;
    assert.match(await curl(`${base}/ping`), /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nOK$/);
    assert.match(await curl(`${base}/oauth2/auth`), /^HTTP\/1\.1 401 /);
    assert.match(await curl('-H', `Cookie: ${alice()}`, `${base}/oauth2/auth`), /^HTTP\/1\.1 202 /);
    const client = extAuthzClient(gh.port, grpc.credentials.createInsecure());
    try {
      assert.equal((await client.health()).status, 'SERVING');
      const res = await client.check(checkRequest({ headers: { cookie: alice() } }));
      assert.equal(res.status.code, 0);
      // And HTTP/1.1 still works on the same port after gRPC connections came and went.
      assert.match(await curl(`${base}/ping`), /^HTTP\/1\.1 200 /);
    } finally {
      client.close();
    }
  });

  test('HTTP/2 that is not gRPC on the shared port gets gRPC\'s refusals: GET is 405 (UNIMPLEMENTED), another content-type 415 (INTERNAL)', async () => {
    const get = await curl('--http2-prior-knowledge', `http://127.0.0.1:${gh.port}/ping`);
    assert.match(get, /^HTTP\/2 405 \r\n/);
    assert.match(get, /\r\ncontent-type: application\/grpc\r\n/);
    assert.match(get, /\r\ngrpc-status: 12\r\n/);
    const post = await curl('--http2-prior-knowledge', '-H', 'content-type: text/plain', '--data', 'hello',
      `http://127.0.0.1:${gh.port}/ping`);
    assert.match(post, /^HTTP\/2 415 \r\n/);
    assert.match(post, /\r\ngrpc-status: 13\r\n/);
  });

  test('--max-connections counts HTTP/1.1 and HTTP/2 connections of the shared port together', async () => {
    const port = await freePort();
    const capped = await startGatehouse([`--grpc-address=127.0.0.1:${port}`, '--max-connections=2'], { port });
    const held = [];
    try {
      // One keep-alive HTTP/1.1 connection that has been answered, one HTTP/2 session past its SETTINGS.
      const h1 = net.connect(port, '127.0.0.1');
      held.push(h1);
      const first = await new Promise((resolve, reject) => {
        h1.once('data', (d) => resolve(String(d)));
        h1.once('error', reject);
        h1.write('GET /ping HTTP/1.1\r\nHost: gatehouse\r\n\r\n');
      });
      assert.match(first, /^HTTP\/1\.1 200 /);
      const h2 = await connectH2(port);
      held.push(h2);
      // A third connection is refused, whichever protocol it would have spoken: the server cannot know before
      // reading, so it answers as the port's HTTP/1.1 side does (503) and closes.
      const refused = await new Promise((resolve, reject) => {
        const s = net.connect(port, '127.0.0.1');
        let got = '';
        s.on('data', (d) => { got += d; });
        s.on('close', () => resolve(got));
        s.on('error', reject);
      });
      assert.match(refused, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
      const client = extAuthzClient(port, grpc.credentials.createInsecure());
      await assert.rejects(client.health(), (e) => e.code === grpc.status.UNAVAILABLE);
      client.close();
      await capped.waitForOutput(/refused a connection: --max-connections=2 reached \(answered 503\)/);
      // Both free their place when they close.
      h1.destroy();
      h2.close();
      await sleep(200);
      const again = extAuthzClient(port, grpc.credentials.createInsecure());
      assert.equal((await again.health()).status, 'SERVING');
      assert.match(await curl(`http://127.0.0.1:${port}/ping`), /^HTTP\/1\.1 200 /);
      again.close();
    } finally {
      for (const h of held) h.destroy();
      await capped.stop();
    }
  });

  test('--grpc-tls on the --http-address is refused at start (exit 2, naming --grpc-address)', async () => {
    const certs = makeCertificates(['127.0.0.1']);
    const port = await freePort();
    const { code, output } = await runGatehouse([...baseFlags(port), `--grpc-address=127.0.0.1:${port}`,
      '--grpc-tls=true', `--tls-cert-file=${certs.cert}`, `--tls-key-file=${certs.key}`]);
    assert.equal(code, 2, output);
    assert.match(output, /--grpc-address: the address of another listener that cannot also serve it/);
  });
});

describe('drain: SIGTERM and --grpc-max-connection-age', () => {
  let redis;
  before(async () => { redis = await startRedis(); });
  after(async () => { await redis?.stop(); });

  test('SIGTERM: an open Watch gets NOT_SERVING and ends OK, a Check waiting on Redis is answered, exit 0', async () => {
    const port = await freePort();
    const gh = await startGatehouse([`--grpc-address=127.0.0.1:${port}`, '--set-xauthrequest=true',
      '--session-store-type=redis', `--redis-connection-url=${redis.url}`, '--redis-timeout=3s']);
    const client = extAuthzClient(port, grpc.credentials.createInsecure());
    try {
      const [ticket] = mintRedisSessions(redis.url, 1, { user: 'drain-user', email: 'drain@example.com' });
      const cookie = { cookie: `_oauth2_proxy=${ticket}` };
      assert.equal((await client.check(checkRequest({ headers: cookie }))).status.code, 0, 'Redis is connected');

      const watch = client.watch('');
      const seen = [];
      const watchEnded = new Promise((resolve) => watch.on('status', resolve));
      watch.on('data', (m) => seen.push(m.status));
      watch.on('error', () => {});  // reported by 'status' too
      while (seen.length === 0) await sleep(20);
      assert.deepEqual(seen, ['SERVING']);

      redis.pause();
      let slow;
      try {
        slow = client.check(checkRequest({ path: '/slow', headers: cookie }));
        await sleep(200);  // the call has reached the server and waits for Redis
        process.kill(gh.pid, 'SIGTERM');
        await gh.waitForOutput(/received signal 15, draining/);
        await sleep(300);
      } finally {
        redis.resume();
      }
      const res = await slow;
      assert.equal(res.status.code, 0, 'the in-flight Check is answered after the drain began');
      assert.equal(headerOf(res.ok_response.headers, 'x-auth-request-user'), 'drain-user');
      const status = await watchEnded;
      assert.equal(status.code, grpc.status.OK, status.details);
      assert.deepEqual(seen, ['SERVING', 'NOT_SERVING']);
      const exit = await Promise.race([gh.exited, sleep(5000).then(() => 'still running')]);
      assert.deepEqual(exit, { code: 0, signal: null });
    } finally {
      client.close();
      await gh.stop();
    }
  });

  test('--grpc-max-connection-age=1s: a quiet session sees GOAWAY(NO_ERROR) after about a second, an open Watch ends NOT_SERVING', async () => {
    const port = await freePort();
    const gh = await startGatehouse([`--grpc-address=127.0.0.1:${port}`, '--grpc-max-connection-age=1s']);
    const client = extAuthzClient(port, grpc.credentials.createInsecure());
    try {
      // A session that says nothing after its SETTINGS: the age is kept by the clock, not by the client's frames.
      const session = await connectH2(port);
      session.on('error', () => {});
      const started = Date.now();
      const goaway = new Promise((resolve) => {
        session.once('goaway', (code, lastStreamId) => resolve({ code, lastStreamId, after: Date.now() - started }));
        setTimeout(() => resolve({ after: 'never' }), 4000);
      });
      // A Watch is a stream that never ends by itself: the age ends it as a drain does.
      const watch = client.watch('');
      const seen = [];
      watch.on('data', (m) => seen.push(m.status));
      watch.on('error', () => {});
      const watchEnded = new Promise((resolve) => watch.on('status', (st) => resolve({ ...st, after: Date.now() - started })));

      const quiet = await goaway;
      session.destroy();
      assert.equal(quiet.code, http2.constants.NGHTTP2_NO_ERROR, JSON.stringify(quiet));
      assert.equal(quiet.lastStreamId, 0);
      // The worker's sweeper notices the age on its tick (a quarter of the shortest timeout, at most 1 s), so the
      // GOAWAY comes between one and two seconds.
      assert.ok(quiet.after >= 900 && quiet.after < 2500, `GOAWAY after ${quiet.after} ms`);
      const status = await Promise.race([watchEnded, sleep(4000).then(() => ({ after: 'never' }))]);
      assert.equal(status.code, grpc.status.OK, JSON.stringify(status));
      assert.ok(status.after >= 900 && status.after < 2500, `Watch ended after ${status.after} ms`);
      assert.deepEqual(seen, ['SERVING', 'NOT_SERVING']);
      // The client reconnects on a fresh connection.
      assert.equal((await client.health()).status, 'SERVING');
    } finally {
      client.close();
      await gh.stop();
    }
  });

  test('--grpc-max-connection-age below a second is refused by name', async () => {
    const port = await freePort();
    const { code, output } = await runGatehouse([...baseFlags(port), `--grpc-address=127.0.0.1:${port}`,
      '--grpc-max-connection-age=500ms']);
    assert.equal(code, 2, output);
    assert.match(output, /--grpc-max-connection-age.*must be at least 1s/);
  });
});

describe('grpc-timeout while Redis does not answer', () => {
  let redis;
  let gh;
  before(async () => {
    redis = await startRedis();
    const port = await freePort();
    gh = await startGatehouse([`--grpc-address=127.0.0.1:${port}`, '--session-store-type=redis',
      `--redis-connection-url=${redis.url}`, '--redis-timeout=3s']);
    gh.grpcPort = port;
  });
  after(async () => {
    await gh?.stop();
    await redis?.stop();
  });

  test('grpc-timeout 100m: DEADLINE_EXCEEDED within 100–400 ms; after Redis is back the same call succeeds', async () => {
    const [ticket] = mintRedisSessions(redis.url, 1, { user: 'timeout-user', email: 't@example.com' });
    const body = framed(codec.encodeRequest(checkRequest({ headers: { cookie: `_oauth2_proxy=${ticket}` } })));
    const session = await connectH2(gh.grpcPort);
    try {
      const call = () => h2Call(session, { headers: { 'grpc-timeout': '100m' }, body });
      const warm = await call();
      assert.equal(warm.grpcStatus, '0', 'Redis answers in time while it runs');
      redis.pause();
      let late;
      try {
        late = await call();
      } finally {
        redis.resume();
      }
      assert.equal(late.headers[':status'], 200);
      assert.equal(late.grpcStatus, '4', JSON.stringify(late.headers));
      assert.match(late.grpcMessage, /deadline exceeded/);
      assert.equal(late.message, undefined, 'no CheckResponse: the call failed, it was not judged');
      assert.ok(late.elapsed >= 95 && late.elapsed <= 400, `DEADLINE_EXCEEDED after ${late.elapsed} ms`);

      let again;
      for (let i = 0; i < 40; ++i) {
        again = await call();
        if (again.grpcStatus === '0') break;
        await sleep(50);
      }
      assert.equal(again.grpcStatus, '0');
      assert.equal(codec.decodeResponse(again.message).status.code, 0);
      // The session itself survived: the late answer for the timed-out call changed nothing.
      assert.equal((await call()).grpcStatus, '0');
    } finally {
      session.close();
    }
  });
});
