// Issue 27: a cold attack on how the gRPC ext_authz port refuses malformed HTTP/2 requests (answered 400 instead of
// reset, since D26) and on what it remembers of header fields it checked (http/h2_session's CheckedFields), straight
// and through real nginx (grpc_pass, an upstream of two Gatehouses, max_fails=1 fail_timeout=10s by default).
// Each finding (D27-F1 …) asserts the SAFE outcome and FAILS on the binary attacked (atk-d27 at 45b09c1). The
// `held` block keeps what was tried and held, as passing tests.
// Run: GATEHOUSE_BUILD_DIR=$PWD/build node --test tests/integration/attack/d27_findings.test.mjs
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startGatehouse, freePort, mintCookie } from '../lib/processes.mjs';
import { envoyWireCheckRequest } from '../lib/ext_authz_client.mjs';
import { startNginx, readErrorLog } from '../lib/nginx.mjs';
import { startCaddyReverseProxy } from '../lib/caddy_reverse_proxy.mjs';
import { flood, twentyStreams, checksBatch, kMaxRatio, ratioMessage } from './hpack_flood.mjs';
import {
  RawH2, Type, Flag, frame, encodeHeaders, hpackInteger, dataFrames, grpcFrame, grpcMessageOf, checkVerdict,
  headerBlockFrames as split, hpackWithIndexing as withIndexing, hpackWithoutIndexing as withoutIndexing,
  hpackIndexed as indexed,
} from '../lib/h2_frames.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CHECK = '/envoy.service.auth.v3.Authorization/Check';
const callFields = () => [[':method', 'POST'], [':scheme', 'http'], [':path', CHECK], [':authority', 'ext-authz'],
  ['content-type', 'application/grpc'], ['te', 'trailers']];
const alice = () => mintCookie({ user: 'alice', email: 'alice@example.com' });
const checkMessage = (cookie) => envoyWireCheckRequest({ host: 'app.example.com', path: '/private', cookie });

// One Check on a new raw connection: grpc-status, grpc-message and the verdict (ok / denied) when answered.
const checkOn = async (port, message, fields = callFields(), timeoutMs = 5000) => {
  const c = await RawH2.connect(port);
  try {
    c.call(1, grpcFrame(message), fields);
    const a = await c.stream(1, timeoutMs);
    let kind = '';
    try { kind = checkVerdict(grpcMessageOf(a.data)).kind; } catch {}
    return { status: a.grpcStatus, message: a.grpcMessage, kind, rst: a.rst, httpStatus: a.headers?.[':status'] };
  } finally {
    c.destroy();
  }
};
const outcome = (a) => (a.status === '0' ? `ok ${a.kind}` : `:status ${a.httpStatus} grpc-status ${a.status}`);

const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

// Two Gatehouses behind one nginx grpc_pass upstream (nginx's defaults: max_fails=1, fail_timeout=10s).
const nginxPair = (flags = []) => {
  const ctx = { ghs: [] };
  before(async () => {
    ctx.cookie = alice();
    for (let i = 0; i < 2; i++) {
      const p = await freePort();
      const g = await startGatehouse([`--grpc-address=127.0.0.1:${p}`, '--email-domain=example.com', ...flags]);
      await g.waitForOutput(/gRPC ext_authz and health on/);
      g.grpcPort = p;
      ctx.ghs.push(g);
    }
    ctx.port = await freePort();
    ctx.nginx = await startNginx(ctx.port, `upstream gh { ${ctx.ghs.map((g) => `server 127.0.0.1:${g.grpcPort};`).join(' ')} }
      server { listen 127.0.0.1:${ctx.port} http2; location / { grpc_pass grpc://gh; } }`);
  });
  after(async () => {
    await ctx.nginx?.stop();
    for (const g of ctx.ghs) await g.stop();
  });
  return ctx;
};
// Four other clients' well-formed Checks through nginx, right after the attack.
const othersServed = async (ctx, attack) => {
  const message = checkMessage(ctx.cookie);
  assert.equal(outcome(await checkOn(ctx.port, message)), 'ok ok', 'served before');
  const attacks = [];
  for (let i = 0; i < 2; i++) attacks.push(await attack(message));
  const after = [];
  for (let i = 0; i < 4; i++) after.push(outcome(await checkOn(ctx.port, message)));
  const log = readErrorLog(ctx.nginx.prefix).split('\n').filter((l) => /upstream|no live/.test(l))
    .map((l) => l.replace(/^.*?\[(\w+)\] \d+#\d+: \*\d+ /, '[$1] ').replace(/, client:.*$/, '')).slice(0, 4);
  assert.deepEqual(after, ['ok ok', 'ok ok', 'ok ok', 'ok ok'],
    `after two attack requests (${attacks.join('; ')}), other clients' Checks: ${after.join(', ')}; nginx: ${log.join(' | ')}`);
};

describe('D27-F1: through nginx, a header list over twice --max-header-bytes makes nginx take every Gatehouse out', () => {
  // Through nginx 1.22 (grpc_pass, two Gatehouses with default flags; the test nginx has large_client_header_buffers
  // 4 32k): a Check with 300 extra fields `x-N: <200 bytes>` (60 KB as nginx counts them, 70 KB as RFC 9113 §6.5.2
  // counts them, name + value + 32 a field; nginx forwards them as they came). Past 2 x 32768 Gatehouse's on_header
  // returns NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE: RST_STREAM INTERNAL_ERROR, no answer. nginx logs "upstream
  // rejected request with error 2" and "upstream server temporarily disabled"; after one such request per server,
  // every other client's Check gets 502 "no live upstreams" for 10 s. (Between 1x and 2x the call answers
  // RESOURCE_EXHAUSTED, which nginx passes on: only the reset is the problem.)
  // Safe: a header list too large to read on is answered too (Trailers-Only, :status 431 or 200 with
  // RESOURCE_EXHAUSTED, then RST_STREAM NO_ERROR while the request is unfinished, as a malformed one is), and
  // nghttp2 left to skip the rest of the block.
  const ctx = nginxPair();
  test('after one oversized header list per upstream server, another client\'s well-formed Check is still allowed', async () => {
    const extra = Array.from({ length: 300 }, (_, k) => [`x-${k}`, 'a'.repeat(200)]);
    await othersServed(ctx, async (message) => outcome(await checkOn(ctx.port, message, [...callFields(), ...extra])));
  });
});

describe('D27-F2: through nginx, a request body that trickles in makes Gatehouse close the connection, and nginx take it out', () => {
  // Through nginx (grpc_pass streams the request body to the upstream as it comes; its client_body_timeout is 60 s
  // between reads), two Gatehouses run with --header-read-timeout=2s (10 s by default; nginx's fail_timeout is 10 s
  // too): a client sends a Check's HEADERS and 10 bytes of its body, then nothing. Gatehouse's sweeper closes the
  // whole upstream connection ("closed gRPC connection: a request did not arrive whole within 2000 ms"), without an
  // answer on the stream nor a GOAWAY; nginx logs "upstream prematurely closed connection while reading response
  // header" and disables the server. Two such clients and every other client gets 502 "no live upstreams". Straight
  // (Envoy, or Caddy, multiplexing many clients' Checks on one connection) the same close fails every other call in
  // flight on that connection.
  // Safe: the late stream alone is answered (Trailers-Only, DEADLINE_EXCEEDED / :status 408, then RST_STREAM
  // NO_ERROR), and the connection closed only when nothing else is open on it.
  const ctx = nginxPair(['--header-read-timeout=2s']);
  test('after one trickling request per upstream server, another client\'s well-formed Check is still allowed', async () => {
    await othersServed(ctx, async (message) => {
      const c = await RawH2.connect(ctx.port);
      try {
        c.send(frame(Type.HEADERS, Flag.END_HEADERS, 1, encodeHeaders(callFields())),
          ...dataFrames(1, grpcFrame(message).subarray(0, 10)));
        const a = await c.stream(1, 4000).catch(() => c.streamSoFar(1));
        return `slow body: :status ${a.headers?.[':status']}`;
      } finally {
        c.destroy();
      }
    });
  });
});
describe('D27-F2 (through Caddy): the trickling request closes the connection Caddy shares with other clients\' calls', () => {
  // Through Caddy 2 (reverse_proxy h2c://, which multiplexes every client's requests on one upstream connection),
  // Gatehouse with --header-read-timeout=2s: client B opens a health Watch (a call in flight on the shared upstream
  // connection); client A sends a Check's HEADERS and 10 bytes of its body, then nothing. After 2 s Gatehouse closes
  // the upstream connection; Caddy ends B's Watch with an empty DATA ending the stream, no grpc-status (a gRPC client
  // reads INTERNAL / "stream ended without status"). Any other Check in flight on that connection fails the same way.
  // Safe: only A's stream is answered (DEADLINE_EXCEEDED / 408) and reset; B's Watch stays open.
  let gh;
  let caddy;
  let port;
  before(async () => {
    const p = await freePort();
    gh = await startGatehouse([`--grpc-address=127.0.0.1:${p}`, '--email-domain=example.com', '--header-read-timeout=2s']);
    await gh.waitForOutput(/gRPC ext_authz and health on/);
    port = await freePort();
    caddy = await startCaddyReverseProxy(port, `h2c://127.0.0.1:${p}`);
  });
  after(async () => {
    await caddy?.stop();
    await gh?.stop();
  });

  test('another client\'s health Watch survives a trickling Check on the same upstream connection', async () => {
    const watchFields = callFields().map(([n, v]) => [n, n === ':path' ? '/grpc.health.v1.Health/Watch' : v]);
    const b = await RawH2.connect(port);
    const a = await RawH2.connect(port);
    try {
      b.call(1, grpcFrame(Buffer.alloc(0)), watchFields);
      await b.waitFor((f) => f.type === Type.DATA && f.streamId === 1, 3000, 'the Watch\'s first answer');
      a.send(frame(Type.HEADERS, Flag.END_HEADERS, 1, encodeHeaders(callFields())),
        ...dataFrames(1, grpcFrame(checkMessage(alice())).subarray(0, 10)));
      await sleep(3500);
      const watch = b.streamSoFar(1);
      const ended = watch.frames.some((f) => (f.flags & Flag.END_STREAM) || f.type === Type.RST_STREAM);
      assert.equal(ended, false, `B's Watch after A's trickling Check: ${b.summary()} (grpc-status ${watch.grpcStatus}); ` +
        `Gatehouse: ${gh.output.split('\n').filter((l) => /closed gRPC/.test(l)).join(' ')}`);
    } finally {
      a.destroy();
      b.destroy();
    }
  });
});



describe('HPACK references against the remembered-fields shortcut (--max-header-bytes=1048576)', () => {
  let gh;
  let port;
  let body;
  let checks;
  before(async () => {
    port = await freePort();
    gh = await startGatehouse([`--grpc-address=127.0.0.1:${port}`, '--email-domain=example.com', '--max-header-bytes=1048576']);
    await gh.waitForOutput(/gRPC ext_authz and health on/);
    body = grpcFrame(checkMessage(alice()));
    checks = await flood(port, gh.pid, { batch: checksBatch(body) });
  });
  after(async () => { await gh?.stop(); });

  test('D27-F3: a table entry\'s long name with a new literal value each time is not rescanned: CPU per byte within 10x of Checks', async () => {
    // Sent straight: one connection puts a field with a 3,900-byte name (a valid token) and an empty value in the
    // dynamic table (index 62), and :path (63); then each request is :method, :scheme (static), :path (1 byte),
    // :authority, and 260 "literal without indexing, indexed name 62, value ''" (3 bytes each on the wire, ~800 bytes
    // a request, a 1 MB header list). CheckedFields remembers (name buffer, value buffer) PAIRS: the value is a new
    // buffer each time, so the pair is never remembered and the 3,900-byte name is scanned byte by byte (all_of) on
    // every reference, ~1 MB scanned a request. Happened: ~0.5 ms of server CPU per KiB received, 40-70x well-formed
    // Checks (~0.01 ms/KiB); one-byte references to the same whole entry cost ~5x. At the default 32 KiB the same
    // shape (8 references a request) measured ~45x.
    // Safe: a name buffer that passed the name checks is remembered as a checked NAME (and a value buffer as a checked
    // value), so a reference to either costs what a remembered pair does: within kMaxRatio of well-formed Checks.
    const name = 'a'.repeat(3900);
    const refs = Buffer.concat(Array.from({ length: 260 }, () => Buffer.from([...hpackInteger(62, 4, 0x00), 0x00])));
    const r = await flood(port, gh.pid, {
      setup: [withIndexing(4, CHECK), withIndexing(name, '')],
      batch: twentyStreams((id) => split(id, Buffer.concat([indexed(3), indexed(6), indexed(63), withoutIndexing(1, 'a'), refs]), { endStream: true })),
    });
    assert.ok(r.perKib / checks.perKib <= kMaxRatio, ratioMessage('indexed name, new value', r, checks));
  });

  test('D27-F4: references cycling through nine table entries of 400 bytes: CPU per byte within 10x of Checks', async () => {
    // Sent straight: nine fields `aaa…a<k>: ` of 410 bytes are put in the dynamic table (all nine fit its 4 KiB),
    // then each request is the pseudo-header fields and 2,300 one-byte references cycling through them (a 1 MB header
    // list, ~2.3 KB on the wire). CheckedFields holds the last EIGHT pairs: every reference is a miss, scanned
    // byte by byte, then held (evicting the entry the cycle needs next). h2_session.hpp's comment knows this ("a
    // client cycling through nine entries to miss them all has fields of 450 bytes at most, each one byte on the
    // wire") and calls it cheap; measured: ~0.22 ms of server CPU per KiB received, ~20-30x well-formed Checks (the
    // same at the default 32 KiB with 70 references a request).
    // Safe: the shortcut covers every entry the table can hold (4096 / (128 + 32) = 25 fields of 128 bytes or more,
    // fewer than 32 slots), or a header block's scanned bytes are bounded by what the block's wire bytes could
    // justify: within kMaxRatio of well-formed Checks.
    const setup = [withIndexing(4, CHECK), ...Array.from({ length: 9 }, (_, k) => withIndexing('a'.repeat(409) + k, ''))];
    const refs = Buffer.from(Array.from({ length: 2300 }, (_, k) => 0xbe + (k % 9)));  // indices 62..70
    const r = await flood(port, gh.pid, {
      setup,
      batch: twentyStreams((id) => split(id, Buffer.concat([indexed(3), indexed(6), indexed(71), withoutIndexing(1, 'a'), refs]), { endStream: true })),
    });
    assert.ok(r.perKib / checks.perKib <= kMaxRatio, ratioMessage('nine-entry cycle', r, checks));
  });
});

describe('D27-F5: an idle connection keeps the buffers of header fields that can never be referenced again', () => {
  // Sent straight, default flags: 300 connections, each sends one Check whose header block also carries
  // `x-a: <32,000 bytes>` and `x-b: <33,000 bytes>` as literals WITHOUT indexing (they are not in the HPACK table,
  // and at 32 KB could not be: it holds 4 KiB), answered RESOURCE_EXHAUSTED; then the connections stay open, idle.
  // Both fields passed the checks, so CheckedFields holds their nghttp2 buffers until the connection closes: ~80 KiB
  // of RSS per idle connection, against ~30 KiB for the same request refused at an earlier field (not held) and ~19
  // KiB for a plain Check. With --max-header-bytes=1048576 a well-formed, ALLOWED Check with two 65,000-byte fields
  // leaves ~145 KiB per connection. --max-connections is 16384 by default: 1.3-2.4 GB held by idle connections,
  // for buffers no HPACK reference can name (only table entries can be referenced).
  // Safe: only a field that is in the dynamic table is worth remembering (it fits the table: under 4 KiB); a field
  // sent without indexing, or larger than the table, is not held; an idle connection costs what a refused one does.
  let gh;
  let port;
  const conns = [];
  before(async () => {
    port = await freePort();
    gh = await startGatehouse([`--grpc-address=127.0.0.1:${port}`, '--email-domain=example.com']);
    await gh.waitForOutput(/gRPC ext_authz and health on/);
  });
  after(async () => {
    for (const c of conns) c.destroy();
    await gh?.stop();
  });

  test('300 idle connections after a request with two 32 KB literal fields hold no more than after a refused one', async () => {
    const body = grpcFrame(checkMessage(alice()));
    const open = async (extra) => {
      const c = await RawH2.connect(port);
      c.send(...split(1, encodeHeaders([...callFields(), ...extra])), ...dataFrames(1, body, { endStream: true }));
      const a = await c.stream(1, 10000);
      c.frames.length = 0;
      conns.push(c);
      return a.grpcStatus;
    };
    const big = [['x-a', 'a'.repeat(32000)], ['x-b', 'b'.repeat(33000)]];
    await open([]);
    await sleep(200);
    const r0 = rssKiB(gh.pid);
    const refused = [];
    for (let i = 0; i < 300; i++) refused.push(await open([['x-z', ' leading space'], ...big]));
    await sleep(300);
    const r1 = rssKiB(gh.pid);
    const held = [];
    for (let i = 0; i < 300; i++) held.push(await open(big));
    await sleep(300);
    const r2 = rssKiB(gh.pid);
    assert.ok(refused.every((s) => s === '13') && held.every((s) => s === '8'), 'answers: 400/INTERNAL, RESOURCE_EXHAUSTED');
    const perRefused = (r1 - r0) / 300;
    const perHeld = (r2 - r1) / 300;
    assert.ok(perHeld <= perRefused + 8, `RSS per idle connection: ${perHeld.toFixed(1)} KiB after the RESOURCE_EXHAUSTED ` +
      `request, ${perRefused.toFixed(1)} KiB after the same fields refused at an earlier one`);
  });
});

describe('held', () => {
  let gh;
  let port;
  let cookie;
  let body;
  before(async () => {
    port = await freePort();
    gh = await startGatehouse([`--grpc-address=127.0.0.1:${port}`, '--email-domain=example.com']);
    await gh.waitForOutput(/gRPC ext_authz and health on/);
    cookie = alice();
    body = grpcFrame(checkMessage(cookie));
  });
  after(async () => { await gh?.stop(); });

  // A connection whose stream 1 is a well-formed Check that puts :path, then `entries`, in the dynamic table (newest
  // first: the last entry is index 62).
  const primed = async (entries) => {
    const c = await RawH2.connect(port);
    await c.waitFor((f) => f.type === Type.SETTINGS && !(f.flags & Flag.ACK));
    c.send(frame(Type.HEADERS, Flag.END_HEADERS, 1, Buffer.concat([indexed(3), indexed(6), withIndexing(4, CHECK),
      encodeHeaders(callFields().slice(3)), ...entries])),
      ...dataFrames(1, body, { endStream: true }));
    return { c, first: await c.stream(1) };
  };
  const answerOf = async (c, id) => {
    const a = await c.stream(id);
    return `${a.headers?.[':status']} ${a.grpcStatus}${a.grpcMessage ? ` ${decodeURIComponent(a.grpcMessage)}` : ''}`;
  };

  test('remembered fields still go through the counting rules: twice, order, trailers (each a 400, the connection serves on)', async () => {
    const longHost = `${'h'.repeat(150)}.example.com`;
    const { c, first } = await primed([withIndexing('x-long', 'v'.repeat(200))]);  // 63, 62
    try {
      assert.equal(first.grpcStatus, '0');
      const base = [indexed(3), indexed(6), indexed(63)];
      const hdrs = (id, parts, flags = Flag.END_HEADERS) => frame(Type.HEADERS, flags, id, Buffer.concat(parts));
      // :authority of 150+ bytes remembered in stream 3 (a well-formed call), referenced twice in stream 5.
      c.send(hdrs(3, [...base, withIndexing(1, longHost), encodeHeaders([['content-type', 'application/grpc']])]),
        ...dataFrames(3, body, { endStream: true }));
      assert.equal((await c.stream(3)).grpcStatus, '0');  // :authority now index 62, x-long 63, :path 64
      const b2 = [indexed(3), indexed(6), indexed(64)];
      c.send(hdrs(5, [...b2, indexed(62), indexed(62)], Flag.END_HEADERS | Flag.END_STREAM));
      assert.match(await answerOf(c, 5), /^400 13 malformed HTTP\/2 request: pseudo-header field ':authority' twice/);
      // The remembered regular field before a pseudo-header field.
      c.send(hdrs(7, [indexed(3), indexed(63), indexed(6), indexed(64), indexed(62)], Flag.END_HEADERS | Flag.END_STREAM));
      assert.match(await answerOf(c, 7), /after a regular field/);
      // The remembered regular field in trailers that do not end the stream; then in trailers that do (allowed).
      c.send(hdrs(9, [...b2, indexed(62), encodeHeaders([['content-type', 'application/grpc']])]), ...dataFrames(9, body),
        hdrs(9, [indexed(63)]));
      assert.match(await answerOf(c, 9), /trailers that do not end the stream/);
      c.send(hdrs(11, [...b2, indexed(62), encodeHeaders([['content-type', 'application/grpc']])]), ...dataFrames(11, body),
        hdrs(11, [indexed(63)], Flag.END_HEADERS | Flag.END_STREAM));
      assert.equal((await c.stream(11)).grpcStatus, '0');
      // A remembered :authority referenced in trailers: a pseudo-header field there.
      c.send(hdrs(13, [...b2, indexed(62), encodeHeaders([['content-type', 'application/grpc']])]), ...dataFrames(13, body),
        hdrs(13, [indexed(62)], Flag.END_HEADERS | Flag.END_STREAM));
      assert.match(await answerOf(c, 13), /pseudo-header field ':authority' in trailers/);
    } finally {
      c.destroy();
    }
  });

  test('malformed bytes in the table are refused on every reference, after a table size update and a re-insertion too', async () => {
    const bad = 'a\x01'.repeat(100);
    const { c, first } = await primed([]);
    try {
      assert.equal(first.grpcStatus, '0');
      const b = [indexed(3), indexed(6), indexed(62), withoutIndexing(1, 'a')];
      const stream = (id, parts) => frame(Type.HEADERS, Flag.END_HEADERS | Flag.END_STREAM, id, Buffer.concat(parts));
      c.send(stream(3, [...b, withIndexing('x-bad', bad)]));  // refused, but in the table (index 62; :path 63)
      assert.match(await answerOf(c, 3), /^400 13 .*'x-bad' has a control byte/);
      const b2 = [indexed(3), indexed(6), indexed(63), withoutIndexing(1, 'a')];
      c.send(stream(5, [...b2, indexed(62)]));
      assert.match(await answerOf(c, 5), /'x-bad' has a control byte/);
      // Dynamic table size update to 0 (evicts all), back to 4096, the same bytes inserted again, referenced.
      c.send(stream(7, [Buffer.from([0x20]), Buffer.from(hpackInteger(4096, 5, 0x20)), withIndexing(4, CHECK),
        withIndexing('x-bad', bad), indexed(62)]));
      assert.match(await answerOf(c, 7), /'x-bad' has a control byte/);
      c.call(9, body, callFields());
      assert.equal((await c.stream(9)).grpcStatus, '0', 'the connection serves on');
    } finally {
      c.destroy();
    }
  });

  test('the 400\'s why echoes at most 64 characters of a name, never a value', async () => {
    const a = await checkOn(port, checkMessage(cookie), [...callFields(), [`X-${'Secret'.repeat(700)}`, 'v']]);
    assert.equal(a.httpStatus, '400');
    assert.ok(a.message.length < 300, `grpc-message of ${a.message.length} bytes`);
    const b = await checkOn(port, checkMessage(cookie), [...callFields(), ['authorization', 'Bearer hunter2\x01']]);
    assert.equal(b.httpStatus, '400');
    assert.doesNotMatch(decodeURIComponent(b.message), /hunter2/);
  });

  describe('through nginx grpc_pass (two upstreams), refusals nginx does not count as failures', () => {
    const ctx = nginxPair(['--grpc-max-message-bytes=1024']);
    for (const [what, make] of [
      ['a body over --grpc-max-message-bytes', (m) => ({ body: grpcFrame(Buffer.concat([m, Buffer.alloc(2000, 0x41)])) })],
      ['grpc-timeout junk', (m) => ({ fields: [...callFields(), ['grpc-timeout', 'junk']], body: grpcFrame(m) })],
      ['invalid protobuf', () => ({ body: grpcFrame(Buffer.from([0xff, 0xff, 0xff])) })],
      ['a control byte in a field (the D26-F3 fix)', (m) => ({ fields: [...callFields(), ['x-a', 'a\x01b']], body: grpcFrame(m) })],
    ]) {
      test(`${what}: answered, and other clients' Checks still served`, async () => {
        await othersServed(ctx, async (message) => {
          const { fields = callFields(), body: b } = make(message);
          const c = await RawH2.connect(ctx.port);
          try {
            c.call(1, b, fields);
            const a = await c.stream(1, 5000);
            return `:status ${a.headers?.[':status']} grpc-status ${a.grpcStatus}`;
          } finally {
            c.destroy();
          }
        });
        await sleep(50);
      });
    }
  });
});
