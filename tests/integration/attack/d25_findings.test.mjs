// Issue 25: a cold attack on Gatehouse's lingering close (a plain-TCP connection the server ends is half-closed and
// drained for at most 1 s and 1 MiB) and on the HTTP/2 request-body budget (a connection's open streams hold at most
// max(4 MiB, 2 x (--grpc-max-message-bytes + 5)) of request bodies), straight and through real Caddy and nginx.
// Each finding (D25-F1 …) asserts the SAFE outcome and failed on main as of 84d6ee3; D25-F3 and the first D25-F4 are
// left as todos (see there). The `held` block keeps what was tried and held.
// Run: GATEHOUSE_BUILD_DIR=$PWD/build node --test tests/integration/attack/d25_findings.test.mjs
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import path from 'node:path';
import grpc from '@grpc/grpc-js';
import { startGatehouse, freePort, mintCookie, mintRedisSessions, tempDir, Proc, waitForPort, residentMb, openDescriptors } from '../lib/processes.mjs';
import { startRedis } from '../lib/redis.mjs';
import { startCaddyReverseProxy } from '../lib/caddy_reverse_proxy.mjs';
import { startNginx, readErrorLog } from '../lib/nginx.mjs';
import { extAuthzClient, checkRequest, envoyWireCheckRequest } from '../lib/ext_authz_client.mjs';
import {
  RawH2, Type, Flag, ErrorCode, frame, settingsFrame, rstStream, encodeHeaders, grpcRequestHeaders, grpcFrame,
  dataFrames, PREFACE,
} from '../lib/h2_frames.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Sanitizer builds (make test-asan / test-tsan) keep freed memory in a quarantine: resident memory measures it there.
const memoryMeasured = { skip: Boolean(process.env.ASAN_OPTIONS || process.env.TSAN_OPTIONS) && 'resident memory under a sanitizer measures its quarantine' };


describe('D25-F1: a stream reset after its body gives the budget back while its call still holds the body', () => {
  // Found: the budget counts a stream's body until the stream closes, but a Check that waits for the session store
  // (Redis) or the IdP holds its call, and the call's body, until that wait ends (--redis-timeout). A client that
  // ends each stream's body and then resets the stream (RST_STREAM CANCEL, as a cancelled gRPC call does) gets the
  // budget back at once and can send the next body: 40 cancelled Checks of 3.5 MiB on one connection held ~145 MB
  // while Redis was slow (the budget: 8 MiB), 60 held ~217 MB, straight, through Caddy's reverse_proxy h2c:// or
  // through nginx's grpc_pass.
  // Envoy does the same on its own: it resets a Check at its ext_authz timeout (200 ms by default), so a slow Redis
  // makes every Check's body outlive the budget's count for --redis-timeout.
  let redis;
  let gh;
  let port;
  let ticket;
  // A Gatehouse of its own for each test: memory a previous test left to glibc would hide the growth.
  const startOwnGatehouse = async () => {
    port = await freePort();
    gh = await startGatehouse([`--grpc-address=127.0.0.1:${port}`, '--session-store-type=redis',
      `--redis-connection-url=${redis.url}`, '--redis-timeout=10s']);
    await gh.waitForOutput(/gRPC ext_authz and health/);
  };
  before(async () => {
    redis = await startRedis();
    [ticket] = mintRedisSessions(redis.url, 1);
  });
  after(async () => {
    try { redis?.resume(); } catch {}
    await gh?.stop();
    await redis?.stop();
  });

  // A gRPC client (grpc-js) on a new connection to `to`: `count` Checks of ~3.5 MiB carrying the session cookie,
  // each cancelled (RST_STREAM CANCEL) `pauseMs` after it started, its message sent by then. Returns how far the
  // server's resident memory rose (MB) until 2 s after the last.
  const checkThenCancel = async (to, count, pauseMs) => {
    const message = envoyWireCheckRequest({ host: 'app.example.com', path: '/', cookie: `_oauth2_proxy=${ticket}`,
      context: { pad: 'x'.repeat(3.5 * 1024 * 1024) } });
    const client = new grpc.Client(`127.0.0.1:${to}`, grpc.credentials.createInsecure(),
      { 'grpc.max_send_message_length': -1 });
    const before = residentMb(gh.pid);
    let peak = before;
    const outcomes = {};
    try {
      for (let i = 0; i < count; i++) {
        const call = client.makeUnaryRequest('/envoy.service.auth.v3.Authorization/Check', (b) => b, (b) => b,
          message, (err) => { const k = err ? grpc.status[err.code] : 'OK'; outcomes[k] = (outcomes[k] ?? 0) + 1; });
        await sleep(pauseMs);
        call.cancel();
        peak = Math.max(peak, residentMb(gh.pid));
      }
      for (let i = 0; i < 8; i++) {
        await sleep(250);
        peak = Math.max(peak, residentMb(gh.pid));
      }
    } finally {
      client.close();
    }
    return { grew: peak - before, outcomes };
  };

  test('D25-F1: 40 Checks of 3.5 MiB on one connection, each cancelled once sent while Redis is slow: the server stays within 64 MB', memoryMeasured, async () => {
    await startOwnGatehouse();
    redis.pause();
    try {
      const { grew, outcomes } = await checkThenCancel(port, 40, 150);
      assert.ok(grew < 64, `resident memory grew by ${Math.round(grew)} MB on one connection (budget 8 MiB); ` +
        JSON.stringify(outcomes));
    } finally {
      redis.resume();
      await gh.stop();
    }
  });

  test('D25-F1 through Caddy (reverse_proxy h2c://): 40 Checks of 3.5 MiB, each cancelled once sent: within 64 MB', memoryMeasured, async () => {
    await startOwnGatehouse();
    const caddyPort = await freePort();
    const caddy = await startCaddyReverseProxy(caddyPort, `h2c://127.0.0.1:${port}`);
    redis.pause();
    try {
      const { grew, outcomes } = await checkThenCancel(caddyPort, 40, 150);
      assert.ok(grew < 64, `resident memory grew by ${Math.round(grew)} MB through one Caddy connection (budget 8 MiB); ` +
        JSON.stringify(outcomes));
    } finally {
      redis.resume();
      await caddy.stop();
      await gh.stop();
    }
  });

  test('D25-F1 through nginx (grpc_pass, client_max_body_size 16m): 40 Checks of 3.5 MiB, each cancelled once sent: within 64 MB', memoryMeasured, async () => {
    await startOwnGatehouse();
    const nginxPort = await freePort();
    const nginx = await startNginx(nginxPort, `server { listen 127.0.0.1:${nginxPort} http2; client_max_body_size 16m;
      location / { grpc_pass grpc://127.0.0.1:${port}; } }`);
    redis.pause();
    try {
      const { grew, outcomes } = await checkThenCancel(nginxPort, 40, 150);
      assert.ok(grew < 64, `resident memory grew by ${Math.round(grew)} MB through nginx (budget 8 MiB a connection); ` +
        JSON.stringify(outcomes));
    } finally {
      redis.resume();
      await nginx.stop();
      await gh.stop();
    }
  });
});

// Sends `first` on a new half-open connection to `port`, then `chunk` bytes every `everyMs` until the server has
// closed its side entirely (the next write fails, EPIPE or ECONNRESET). Returns when the answer came, its first
// line, and how long after the answer the connection was still taking bytes (ms, to within `everyMs`).
function sendOnAfterAnswer(port, first, { everyMs = 50, chunk = 1, timeoutMs = 6000 } = {}) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    s.setNoDelay(true);
    const started = Date.now();
    let answerAt = null;
    let timer;
    const chunks = [];
    const done = (how) => {
      clearInterval(timer);
      clearTimeout(giveUp);
      s.destroy();
      const answer = Buffer.concat(chunks);
      resolve({ how, answer, first: answer.toString('latin1').split('\r\n')[0],
        heldAfterAnswer: answerAt === null ? null : Date.now() - started - answerAt });
    };
    const giveUp = setTimeout(() => done('still open'), timeoutMs);
    s.on('connect', () => {
      s.write(first);
      timer = setInterval(() => { if (!s.destroyed) s.write(Buffer.alloc(chunk, 0x41)); }, everyMs);
    });
    s.on('data', (d) => {
      if (answerAt === null) answerAt = Date.now() - started;
      chunks.push(d);
    });
    s.on('error', (e) => done(e.code));
    s.on('close', () => done('closed'));
  });
}

describe('D25-F2: a lingering close ends within ~1 s of the answer with the default timeouts', () => {
  // Found: the linger's 1 s deadline is armed on the registration and enforced by the worker's sweeper, whose tick is
  // a quarter of the shortest timeout but at most 1 s: with the defaults (--header-read-timeout=10s) it ticks every
  // second, so a client that keeps sending a byte every 50 ms after a refusal holds the connection (and its
  // --max-connections slot) ~2 s, not ~1 s; three in a row (each starting right after the previous one ended, just
  // after a sweep) were held 1.95-2.05 s each, straight and on the gRPC port after a GOAWAY.
  let gh;
  let grpcPort;
  before(async () => {
    grpcPort = await freePort();
    gh = await startGatehouse([`--grpc-address=127.0.0.1:${grpcPort}`]);
    await gh.waitForOutput(/gRPC ext_authz and health/);
  });
  after(async () => { await gh?.stop(); });

  test('D25-F2: HTTP/1.1 431, then a byte every 50 ms: the connection is closed within 1.5 s of the answer, three times', async () => {
    const big = `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'a'.repeat(40000)}\r\n\r\n`;
    for (let i = 0; i < 3; i++) {
      const r = await sendOnAfterAnswer(gh.port, big);
      assert.match(r.first, /^HTTP\/1\.1 431 /);
      assert.ok(r.heldAfterAnswer < 1500, `connection ${i + 1} still read bytes ${r.heldAfterAnswer} ms after the 431 (${r.how})`);
    }
  });

  test('D25-F2: HTTP/2 GOAWAY (DATA on an idle stream), then a byte every 50 ms: closed within 1.5 s, three times', async () => {
    const bad = Buffer.concat([PREFACE, settingsFrame({}), frame(Type.DATA, 0, 1, Buffer.alloc(4))]);
    for (let i = 0; i < 3; i++) {
      const r = await sendOnAfterAnswer(grpcPort, bad);
      assert.ok(r.answer.length > 0, 'the server\'s SETTINGS and GOAWAY were read');
      assert.ok(r.heldAfterAnswer < 1500, `connection ${i + 1} still read bytes ${r.heldAfterAnswer} ms after the GOAWAY (${r.how})`);
    }
  });
});

describe('D25-F3: the 503 (or GOAWAY) at --max-connections reaches a client that is still sending', () => {
  // Fixed in session 16: a refused connection is closed the lingering way too (half-closed, drained for a second at
  // most), at most 64 at once over the process (lingering_close.hpp); past that, at once as before, so that a flood
  // holds no more than 64 descriptors beyond --max-connections, for a second.
  // Found: a connection over --max-connections is answered 503 (HTTP/2 port: SETTINGS + GOAWAY REFUSED_STREAM) and
  // closed at once, without the lingering close every other refusal gets: the request bytes it had not read make
  // the kernel reset the connection, and a client still sending its body meets EPIPE before it reads the answer
  // (10 of 10 uploads of 300 KB saw no 503, 4 of 10 gRPC clients no GOAWAY). A GET alone, or nginx in front (it
  // buffers the body), still reads the 503.
  let gh;
  let grpcPort;
  let holders = [];
  before(async () => {
    grpcPort = await freePort();
    gh = await startGatehouse([`--grpc-address=127.0.0.1:${grpcPort}`, '--max-connections=1', '--workers=1']);
    await gh.waitForOutput(/gRPC ext_authz and health/);
    for (const p of [gh.port, grpcPort]) {
      const s = net.connect(p, '127.0.0.1');
      s.on('error', () => {});
      holders.push(s);
    }
    holders[1].write(PREFACE);
    await sleep(200);
  });
  after(async () => {
    holders.forEach((s) => s.destroy());
    await gh?.stop();
  });

  // The answer to `first` then `more` written at once on a new connection to `port` (the server's bytes, the error).
  const refusedWhileSending = (port, first, more) => new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    const chunks = [];
    let error = null;
    s.on('connect', () => { s.write(first); s.write(more); });
    s.on('data', (d) => chunks.push(d));
    s.on('error', (e) => { error = e.code; });
    s.on('close', () => resolve({ answer: Buffer.concat(chunks), error }));
    setTimeout(() => s.destroy(), 3000);
  });

  test('D25-F3: a POST of 300 KB over the cap reads the 503, five times out of five', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await refusedWhileSending(gh.port, 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 300000\r\n\r\n',
        Buffer.alloc(300000, 0x41));
      assert.match(r.answer.toString('latin1'), /^HTTP\/1\.1 503 /, `attempt ${i + 1}: ${r.answer.length} bytes read, then ${r.error}`);
    }
  });

  test('D25-F3: a gRPC client sending a 300 KB body over the cap reads the GOAWAY, ten times out of ten', async () => {
    for (let i = 0; i < 10; i++) {
      const r = await refusedWhileSending(grpcPort, Buffer.concat([PREFACE, settingsFrame({}),
        frame(Type.HEADERS, Flag.END_HEADERS, 1, encodeHeaders(grpcRequestHeaders()))]), Buffer.alloc(300000, 0));
      assert.equal(r.answer.length, 26, `attempt ${i + 1}: ${r.answer.length} bytes read (SETTINGS + GOAWAY are 26), then ${r.error}`);
    }
  });

  test('a flood of 300 refused connections that never close holds at most 64 descriptors past the cap, for about a second', async () => {
    const descriptors = () => openDescriptors(gh.pid);
    const before = descriptors();
    const flood = [];
    for (let i = 0; i < 300; i++) {
      const s = net.connect(gh.port, '127.0.0.1');
      s.on('error', () => {});
      s.on('connect', () => s.write('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n'));
      flood.push(s);
    }
    try {
      let most = 0;
      const until = Date.now() + 500;
      while (Date.now() < until) {
        most = Math.max(most, descriptors() - before);
        await sleep(20);
      }
      assert.ok(most <= 64 + 4, `${most} descriptors more than before while 300 refused clients kept their connections open`);
      await sleep(1500);
      assert.ok(descriptors() - before <= 2, `${descriptors() - before} descriptors more than before 2 s after the flood`);
      const r = await refusedWhileSending(gh.port, 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 300000\r\n\r\n',
        Buffer.alloc(300000, 0x41));
      assert.match(r.answer.toString('latin1'), /^HTTP\/1\.1 503 /, 'the next refused upload still reads its 503');
    } finally {
      flood.forEach((s) => s.destroy());
    }
  });
});

describe('D25-F4: through a proxy that multiplexes clients on one connection, one client cannot spend the others\' budget', () => {
  // Found: the budget is per connection, and Caddy's reverse_proxy h2c:// carries every client's calls on one
  // upstream connection: one client that sends two bodies of nearly a whole 4 MiB message each (never ended, with
  // flow control respected) fills it, and every other client's Check through Caddy is reset ENHANCE_YOUR_CALM, which
  // Caddy answers 502 (gRPC UNAVAILABLE): 5 of 5 failed, for as long as the bodies are held (--header-read-timeout,
  // and again at once; with two Health/Watch calls of ~4 MiB, which stay open, for as long as the client likes). Only the first refusal is logged on that long-lived connection. Straight, each client has its
  // own connection and is not touched.
  let gh;
  let port;
  let caddy;
  let caddyPort;
  before(async () => {
    port = await freePort();
    gh = await startGatehouse([`--grpc-address=127.0.0.1:${port}`]);
    await gh.waitForOutput(/gRPC ext_authz and health/);
    caddyPort = await freePort();
    caddy = await startCaddyReverseProxy(caddyPort, `h2c://127.0.0.1:${port}`);
  });
  after(async () => {
    await caddy?.stop();
    await gh?.stop();
  });

  // Fixed (session 15): the budget stays per connection, but a chunk that finds it full makes the stream holding the
  // most give way (reset ENHANCE_YOUR_CALM, logged with why) when that stream holds more than the chunk's would:
  // the hog's 4 MiB bodies give way to the Checks of a few KiB.
  test('D25-F4: through Caddy, a client holding two unfinished 4 MiB bodies leaves other clients\' Checks answered', async () => {
    const cookie = mintCookie({ user: 'alice', email: 'alice@example.com' });
    const legit = extAuthzClient(caddyPort);
    const hog = http2.connect(`http://127.0.0.1:${caddyPort}`);
    hog.on('error', () => {});
    try {
      assert.equal((await legit.check(checkRequest({ headers: { cookie } }))).status.code, 0, 'answered before');
      const max = 4 * 1024 * 1024;  // --grpc-max-message-bytes' default: the budget is 2 x (max + 5)
      for (let k = 0; k < 2; k++) {
        const req = hog.request({ ':method': 'POST', ':path': '/envoy.service.auth.v3.Authorization/Check',
          'content-type': 'application/grpc', te: 'trailers' });
        req.on('error', () => {});
        const body = Buffer.alloc(max + 4, 0x41);  // the whole message but its last byte
        body[0] = 0;
        body.writeUInt32BE(max, 1);
        req.write(body);
      }
      const mark = gh.output.length;
      await sleep(1500);
      // Rounds of 5 Checks until one finds the budget full (the hog's bodies all in: later under a sanitizer), and
      // the hog's largest body gives way; every round's Checks are answered.
      const gaveWay = /reset stream \d+ of a gRPC connection from 127\.0\.0\.1: its streams' request bodies would hold more than \d+ bytes, and it held the most request-body bytes \(41943\d\d\) when stream \d+ needed room/;
      for (let round = 0; round < 8 && !gaveWay.test(gh.output.slice(mark)); round++) {
        if (round > 0) await sleep(1000);
        const results = await Promise.all(Array.from({ length: 5 }, () => legit.check(checkRequest({ headers: { cookie } }))
          .then((r) => `status ${r.status.code}`, (e) => `${grpc.status[e.code]}: ${e.details}`)));
        assert.deepEqual(results, Array(5).fill('status 0'), `round ${round + 1}`);
      }
      assert.match(gh.output.slice(mark), gaveWay);
    } finally {
      hog.destroy();
      legit.close();
    }
  });

  test('D25-F4: through Caddy, two Health/Watch calls of ~4 MiB each do not refuse other clients\' Checks past --idle-timeout', async () => {
    // Watch streams stay open (no deadline: they are the handler's), so their request bodies stay counted: the
    // shared upstream connection's budget stays full for as long as the client keeps them, past every timeout.
    const ownPort = await freePort();
    const own = await startGatehouse([`--grpc-address=127.0.0.1:${ownPort}`, '--header-read-timeout=2s', '--idle-timeout=2s']);
    await own.waitForOutput(/gRPC ext_authz and health/);
    const ownCaddyPort = await freePort();
    const ownCaddy = await startCaddyReverseProxy(ownCaddyPort, `h2c://127.0.0.1:${ownPort}`);
    const cookie = mintCookie({ user: 'alice', email: 'alice@example.com' });
    const hog = extAuthzClient(ownCaddyPort);
    const legit = extAuthzClient(ownCaddyPort);
    try {
      for (let k = 0; k < 2; k++) hog.watch('s'.repeat(4 * 1024 * 1024 - 16)).on('error', () => {});
      await sleep(5000);  // past --header-read-timeout and --idle-timeout
      const results = await Promise.all(Array.from({ length: 5 }, () => legit.check(checkRequest({ headers: { cookie } }))
        .then((r) => `status ${r.status.code}`, (e) => `${grpc.status[e.code]}: ${e.details}`)));
      assert.deepEqual(results, Array(5).fill('status 0'));
    } finally {
      hog.close();
      legit.close();
      await ownCaddy.stop();
      await own.stop();
    }
  });
});

describe('D25-F5: a refusal reaches a client (nginx) whose body goes on past 1 MiB', () => {
  // Found: the lingering close drops at most 1 MiB, then closes with what is left unread, so the kernel resets the
  // connection. nginx (proxy_pass, buffering the request as it does by default) sends the whole body before it reads
  // the answer, and a reset while it sends is a 502 to its client: a POST of 2 MB to a path that takes no body got
  // nginx's 502 in 2 of 3 tries instead of Gatehouse's 413 (8 MB straight from Node: EPIPE in 1 of 3). The 1 s
  // bound is what holds a slow client off (nginx's own lingering close has a time limit and no byte limit); the
  // byte limit cuts fast ones.
  let gh;
  let nginx;
  let nginxPort;
  before(async () => {
    gh = await startGatehouse([]);
    nginxPort = await freePort();
    nginx = await startNginx(nginxPort, `server { listen 127.0.0.1:${nginxPort}; client_max_body_size 64m;
      location / { proxy_pass http://127.0.0.1:${gh.port}; proxy_http_version 1.1; proxy_set_header Connection ""; } }`);
  });
  after(async () => {
    await nginx?.stop();
    await gh?.stop();
  });

  const post = (port, size) => new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/ping', agent: false,
      headers: { 'content-length': size } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', (e) => resolve(e.code));
    req.end(Buffer.alloc(size, 0x41));
  });

  test('D25-F5: through nginx proxy_pass, a POST of 2 MB to a path that takes no body gets Gatehouse\'s 413, six times', async () => {
    const got = [];
    for (let i = 0; i < 6; i++) got.push(await post(nginxPort, 2000000));
    assert.deepEqual(got, Array(6).fill(413), readErrorLog(nginx.prefix).split('\n').filter((l) => /upstream/.test(l)).slice(0, 2).join('\n'));
  });

  test('held: through nginx proxy_pass, a POST of 900 KB (under the 1 MiB the linger drops) gets the 413, six times', async () => {
    const got = [];
    for (let i = 0; i < 6; i++) got.push(await post(nginxPort, 900000));
    assert.deepEqual(got, Array(6).fill(413));
  });
});

describe('held: what was tried on the lingering close and the body budget and held', () => {
  let gh;
  let grpcPort;
  before(async () => {
    grpcPort = await freePort();
    gh = await startGatehouse([`--grpc-address=127.0.0.1:${grpcPort}`, '--grpc-max-message-bytes=1048576']);
    await gh.waitForOutput(/gRPC ext_authz and health/);
  });
  after(async () => { await gh?.stop(); });

  test('a request pipelined after one with Connection: close is never answered (dropped by the linger)', async () => {
    const r = await sendOnAfterAnswer(gh.port, 'GET /ping HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n' +
      'GET /ping HTTP/1.1\r\nHost: a\r\n\r\n', { everyMs: 100, chunk: 1 });
    assert.equal(r.answer.toString('latin1').match(/HTTP\/1\.1 /g).length, 1);
  });

  // The linger is bounded by time alone since D25-F5 (a byte bound cut off fast senders before they read the answer).
  test('a 400 followed by 64 KiB every 10 ms: the answer is read, and the connection ends within the linger\'s second', async () => {
    const r = await sendOnAfterAnswer(gh.port, 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', { everyMs: 10, chunk: 65536 });
    assert.match(r.first, /^HTTP\/1\.1 400 /);
    assert.ok(r.heldAfterAnswer < 1500, `${r.heldAfterAnswer} ms`);
  });

  test('streams reset by the client mid-body give their budget back: 20 x 1 MiB reset, then 4 x 1 MiB are all kept', async () => {
    const body = Buffer.alloc(1048576, 0x41);
    body[0] = 0;
    body.writeUInt32BE(1048576 - 5 + 4, 1);  // never complete
    const c = await RawH2.connect(grpcPort);
    try {
      let id = 1;
      for (let i = 0; i < 20; i++, id += 2) {
        c.headers(id, grpcRequestHeaders());
        c.send(...dataFrames(id, body), rstStream(id, ErrorCode.CANCEL));
      }
      for (let i = 0; i < 4; i++, id += 2) {
        c.headers(id, grpcRequestHeaders());
        c.send(...dataFrames(id, body));
      }
      await sleep(800);
      assert.deepEqual(c.frames.filter((f) => f.type === Type.RST_STREAM), [], c.summary());
      c.headers(id, grpcRequestHeaders());  // the 5th is past the budget (4 MiB)
      c.send(...dataFrames(id, body));
      // Since D25-F4 one of the four holding 1 MiB gives way to the 5th (smaller while it arrives): the budget held
      // exactly those four.
      const rst = await c.waitFor((f) => f.type === Type.RST_STREAM);
      assert.ok(rst.streamId >= id - 8 && rst.streamId < id, `stream ${rst.streamId} reset (the four: ${id - 8}..${id - 2})`);
      assert.equal(rst.errorCode, ErrorCode.ENHANCE_YOUR_CALM);
    } finally {
      c.destroy();
    }
  });

  test('a drain (SIGTERM) ends 10 lingering connections that keep sending at once', async () => {
    const own = await startGatehouse([`--grpc-address=127.0.0.1:${await freePort()}`]);
    const sockets = [];
    try {
      for (let i = 0; i < 10; i++) {
        await new Promise((resolve) => {
          const s = net.connect({ port: own.port, host: '127.0.0.1', allowHalfOpen: true });
          s.on('error', () => {});
          s.on('data', resolve);
          s.on('connect', () => s.write('GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'));
          sockets.push(s);
        });
      }
      const timer = setInterval(() => sockets.forEach((s) => !s.destroyed && s.write('A')), 50);
      await sleep(100);
      const started = Date.now();
      const { code } = await own.stop('SIGTERM', 5000);
      clearInterval(timer);
      assert.equal(code, 0);
      // Under a sanitizer, the exit's own leak check takes its time too.
      const bound = memoryMeasured.skip ? 3000 : 500;
      assert.ok(Date.now() - started < bound, `exited after ${Date.now() - started} ms`);
    } finally {
      sockets.forEach((s) => s.destroy());
      await own.stop();
    }
  });
});
