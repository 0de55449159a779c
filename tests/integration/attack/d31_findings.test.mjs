// Issue 31: a cold attack on the gRPC ext_authz port's stream caps (D30-F2's fix: 4,096 streams an I/O thread, each
// connection's share), the answers a client leaves unread, and the header-block shortcuts, straight and through
// real nginx (grpc_pass) and Caddy (reverse_proxy h2c://). Each finding (D31-F1 …) asserts the SAFE outcome and
// FAILS on the binary attacked (atk-d31 at 092d8fd). The `held` block keeps what was tried and held, as passing
// tests.
// Run: cd tests/integration && GATEHOUSE_BUILD_DIR=$PWD/../../build node --test attack/d31_findings.test.mjs
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { startGatehouse, freePort, residentMb } from '../lib/processes.mjs';
import { flood, checksBatch, kMaxRatio, ratioMessage } from './hpack_flood.mjs';
import { CHECK, callFields, alice, checkMessage, checkOn, startBehindProxies, percentPathCheck } from './check_probe.mjs';
import {
  RawH2, Type, Flag, Setting, frame, encodeHeaders, dataFrames, grpcFrame,
  headerBlockFrames as split, hpackWithIndexing as withIndexing, hpackIndexed as indexed,
} from '../lib/h2_frames.mjs';

const sanitized = Boolean(process.env.ASAN_OPTIONS || process.env.TSAN_OPTIONS);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const WATCH = '/grpc.health.v1.Health/Watch';

// --- D31-F1's attack: many connections (so each connection's share of a thread's 4,096 streams falls to its floor
// of 4) and enough held streams to put both threads past 4,096.
// `idle` connections that only say hello (preface, SETTINGS), then `holders` connections announcing
// SETTINGS_INITIAL_WINDOW_SIZE 0, each sending 100 whole Checks: each answer (DATA) waits for a window that never
// opens, so its stream stays open (until --idle-timeout, 120 s).
async function crowdThreads(port, { idle = 2200, holders = 100 } = {}) {
  const conns = [];
  for (let k = 0; k < idle; k++) {
    conns.push(await RawH2.connect(port));
    if (k % 200 === 199) await sleep(20);
  }
  const hdr = encodeHeaders(callFields());
  const body = grpcFrame(checkMessage(alice()));
  for (let k = 0; k < holders; k++) {
    const c = await RawH2.connect(port, { settings: { [Setting.INITIAL_WINDOW_SIZE]: 0 } });
    const parts = [];
    for (let i = 0; i < 100; i++) parts.push(frame(Type.HEADERS, Flag.END_HEADERS, 1 + 2 * i, hdr), ...dataFrames(1 + 2 * i, body, { endStream: true }));
    c.send(...parts);
    conns.push(c);
  }
  await sleep(1500);
  return conns;
}

// An Envoy-like client: one connection carrying `n` Checks at once (Envoy multiplexes its ext_authz calls over a
// connection per worker). Each Check's gRPC status.
async function multiplexedChecks(port, n = 20) {
  const c = await RawH2.connect(port);
  try {
    const hdr = encodeHeaders(callFields());
    const body = grpcFrame(checkMessage(alice()));
    const ids = Array.from({ length: n }, (_, i) => 1 + 2 * i);
    c.send(...ids.flatMap((id) => [frame(Type.HEADERS, Flag.END_HEADERS, id, hdr), ...dataFrames(id, body, { endStream: true })]));
    const out = [];
    for (const id of ids) out.push((await c.stream(id, 5000).catch(() => c.streamSoFar(id))).grpcStatus);
    return out;
  } finally {
    c.destroy();
  }
}
const tally = (results) => results.reduce((m, r) => ({ ...m, [r]: (m[r] ?? 0) + 1 }), {});

describe('D31-F1: a thread\'s stream share falls to 4 a connection under many connections: multiplexed clients (Caddy, Envoy) lose their Checks', () => {
  // Sent straight, default flags (2 I/O threads, --grpc-max-concurrent-streams 100): 2,200 connections that only
  // send the preface and SETTINGS (each counts as a session of its thread: ~1,100 a thread), and 100 connections
  // announcing SETTINGS_INITIAL_WINDOW_SIZE 0, each with 100 whole Checks whose answers wait for a window that never
  // opens (10,000 open streams, ~5,000 a thread, past 4,096; held until --idle-timeout, 120 s; ~4.5 MB sent once).
  // over_its_share_of_streams() then finds every connection's share at its floor, max(4, 4,096 / ~1,100) = 4, and
  // any connection carrying a 5th concurrent call has it answered `grpc-status 8 the server has too many streams open`.
  // That is exactly the shape of the legitimate clients: Caddy's reverse_proxy h2c:// carries all its clients' Checks
  // on one upstream connection (20 concurrent clients through Caddy: 8 to 11 of 20 refused), and Envoy carries its
  // ext_authz calls on one connection per worker (straight, 2 connections x 20 concurrent Checks: up to 32 of 40
  // refused, from the 5th on a connection). Through nginx grpc_pass (a new upstream connection per call) and for clients
  // with one Check a connection, Checks are served (held, below). The share rule punishes multiplexing, not holding.
  // Safe: other clients' Checks are served whatever their connection's concurrency: the streams that are held (an
  // unread answer, a connection's count of long-held streams, idle connections' sessions) are what is refused or
  // bounded, not a busy proxy's fresh calls.
  // Fixed (session 15): no share per connection any more. Past the thread's 4,096 streams (or 16 MiB of answer bytes
  // not taken), the thread's OLDEST streams are reset to make room, whatever their connection: held streams are old,
  // a Check lives a millisecond.
  test('2,200 idle connections + 10,000 unread answers: 20 concurrent Checks via Caddy and 2 x 20 multiplexed straight are allowed', async () => {
    const doors = await startBehindProxies();
    let conns = [];
    try {
      const message = checkMessage(alice());
      assert.deepEqual([await checkOn(doors.port, message), await checkOn(doors.caddyPort, message)], ['ok ok', 'ok ok'], 'served before');
      conns = await crowdThreads(doors.port);
      const caddy = await Promise.all(Array.from({ length: 20 }, () => checkOn(doors.caddyPort, message)));
      const straight = [...await multiplexedChecks(doors.port), ...await multiplexedChecks(doors.port)];
      assert.deepEqual({ caddy: tally(caddy), straight: tally(straight) }, { caddy: { 'ok ok': 20 }, straight: { 0: 40 } },
        doors.gh.output.split('\n').filter((l) => /refused stream/.test(l)).slice(-1).join(''));
    } finally {
      conns.forEach((c) => c.destroy());
      await doors.stop();
    }
  });
});

// --- D31-F2 (percentPathCheck: a denial ~3x its request, before --max-url-length refused such URLs).
// `connections` node http2 client sessions to `port` (flow control obeyed, so nginx and Caddy take the bodies), each
// announcing SETTINGS_INITIAL_WINDOW_SIZE 0 and sending `streams` whole Checks of `body`, never reading an answer.
async function unreadAnswers(port, body, connections, streams = 1) {
  const sessions = [];
  let answered = 0;
  for (let k = 0; k < connections; k++) {
    const s = http2.connect(`http://127.0.0.1:${port}`, { settings: { initialWindowSize: 0 } });
    s.on('error', () => {});
    for (let i = 0; i < streams; i++) {
      const r = s.request({ ':method': 'POST', ':path': CHECK, 'content-type': 'application/grpc', te: 'trailers' });
      r.on('error', () => {});
      r.on('response', () => { answered++; });
      r.pause();
      r.end(body);
    }
    sessions.push(s);
    await sleep(30);
  }
  return { sessions, answered: () => answered };
}

describe('D31-F2: the answers a client leaves unread are held in no budget: 3x their request bytes, hundreds of MB, straight, via nginx, via Caddy', () => {
  // Sent straight, through nginx grpc_pass and through Caddy reverse_proxy h2c://, default flags: clients that announce
  // SETTINGS_INITIAL_WINDOW_SIZE 0 send whole Checks whose HttpRequest.path is '/?' and ~4 MiB of '%' (1 MB through
  // nginx: its client_max_body_size). Each is denied; the denial's Location carries the path percent-encoded
  // ('%25' an input byte), a ~12.6 MB answer (3 MB via nginx) copied whole into the stream's `out` and waiting there
  // for a window that never opens. Since D30-F1's fix the request's bytes leave the thread's budget once dispatched,
  // and the answer's bytes are counted nowhere: nothing refuses the next call. Measured growth of Gatehouse's resident
  // memory: straight, 16 clients x 4 MiB (67 MB sent): ~270-310 MB (30 streams on one raw connection: 500 MB, and it stayed after the
  // connection closed); nginx (its grpc window stops reading the answer): 30 clients x 1 MB: ~100 MB; Caddy (it takes
  // 4 MiB of each answer, Gatehouse keeps the rest): 30 clients x 4 MiB: ~205 MB. Held until --idle-timeout (120 s),
  // then again on reconnect; 4,096 streams a thread x 12.6 MB would be ~50 GB. The claim is ~50 MB over the start.
  // Safe: growth within 50 MB: answer bytes waiting for a window are counted in a budget (per connection and per
  // thread) that refuses or ends calls past it, or an answer is not built larger than a bound.
  // Fixed (session 15): a CheckRequest whose URL is longer than --max-url-length (8 KiB) is refused 400 before any
  // rule, as the HTTP server answers 414, so no denial repeats it; answer bytes not taken count in a thread limit of
  // 16 MiB (the oldest streams reset past it); buffers of 1 MiB or more are mapped on their own (mallopt), so glibc
  // gives them back. Then: straight 65 MB (16 x 4 MiB bodies: what glibc's arenas keep of the two threads' 16 MiB
  // request budgets), nginx and Caddy under 50 MB. The bound is 100 MB: the findings were 100-500 MB and growing with
  // each answer.
  const cases = [
    ['straight', (d) => d.port, 16, 1, 4194000],
    ['nginx', (d) => d.nginxPort, 30, 1, 1000000],
    ['caddy', (d) => d.caddyPort, 30, 1, 4194000],
  ];
  for (const [name, portOf, connections, streams, n] of cases) {
    test(`${name}: ${connections} connection(s) x ${streams} unread ~${(3 * n / 1e6).toFixed(0)} MB answer(s): resident memory grows by less than 100 MB`, { skip: sanitized && 'resident memory under a sanitizer measures its quarantine' }, async () => {
      const doors = await startBehindProxies();
      let sent;
      try {
        const body = grpcFrame(percentPathCheck(n));
        assert.equal(await checkOn(portOf(doors), checkMessage(alice())), 'ok ok', 'served before');
        const before = residentMb(doors.gh.pid);
        sent = await unreadAnswers(portOf(doors), body, connections, streams);
        await sleep(4000);
        const grown = residentMb(doors.gh.pid) - before;
        assert.ok(grown < 100, `${sent.answered()} of ${connections * streams} answers begun, unread: resident memory grew ` +
          `${grown.toFixed(1)} MB (from ${before.toFixed(1)} MB), ${(connections * streams * body.length / 1e6).toFixed(0)} MB sent`);
      } finally {
        sent?.sessions.forEach((s) => s.destroy());
        await doors.stop();
      }
    });
  }
});

describe('held: what was tried on the stream caps, Watches and header blocks and held', () => {
  test('a CheckRequest whose URL is longer than --max-url-length is denied 400 before any rule, straight, via nginx, via Caddy', async () => {
    // D31-F2's fix: as the HTTP server answers 414, and without a Location that would repeat the URL.
    const doors = await startBehindProxies();
    try {
      const long = checkMessage(alice(), `/${'a'.repeat(8200)}`);
      const fits = checkMessage(alice(), `/${'a'.repeat(8000)}`);
      for (const p of [doors.port, doors.nginxPort, doors.caddyPort]) {
        assert.equal(await checkOn(p, long), 'ok denied', `port ${p}: past the limit`);
        assert.equal(await checkOn(p, fits), 'ok ok', `port ${p}: within it`);
      }
      await doors.gh.waitForOutput(/status=400 reason="the original request cannot be read one way only".*detail="the CheckRequest's URL is longer than --max-url-length"/);
    } finally {
      await doors.stop();
    }
  });
  test('during D31-F1\'s attack: clients with one Check a connection, straight and via nginx (20 concurrent each), are allowed', async () => {
    const doors = await startBehindProxies();
    let conns = [];
    try {
      conns = await crowdThreads(doors.port);
      const message = checkMessage(alice());
      const straight = await Promise.all(Array.from({ length: 20 }, () => checkOn(doors.port, message)));
      const nginx = await Promise.all(Array.from({ length: 20 }, () => checkOn(doors.nginxPort, message)));
      assert.deepEqual({ straight: tally(straight), nginx: tally(nginx) }, { straight: { 'ok ok': 20 }, nginx: { 'ok ok': 20 } });
    } finally {
      conns.forEach((c) => c.destroy());
      await doors.stop();
    }
  });

  test('straight: 30 connections x 100 Watches: at most 1,024 a thread stay open, the rest RESOURCE_EXHAUSTED; Checks served', async () => {
    const port = await freePort();
    const gh = await startGatehouse([`--grpc-address=127.0.0.1:${port}`, '--email-domain=example.com']);
    const conns = [];
    try {
      await gh.waitForOutput(/gRPC ext_authz and health on/);
      const hdr = encodeHeaders(callFields(WATCH));
      for (let k = 0; k < 30; k++) {
        const c = await RawH2.connect(port);
        const parts = [];
        for (let i = 0; i < 100; i++) parts.push(frame(Type.HEADERS, Flag.END_HEADERS, 1 + 2 * i, hdr), frame(Type.DATA, Flag.END_STREAM, 1 + 2 * i, grpcFrame(Buffer.alloc(0))));
        c.send(...parts);
        conns.push(c);
      }
      await sleep(1500);
      let open = 0;
      let refused = 0;
      for (const c of conns) {
        for (const f of c.frames) {
          if (f.type !== Type.HEADERS) continue;
          if (f.headers['grpc-status'] === undefined) open++;
          else if (f.headers['grpc-status'] === '8') refused++;
        }
      }
      assert.ok(open <= 2048 && open + refused === 3000, `open ${open}, refused ${refused}`);
      assert.equal(await checkOn(port, checkMessage(alice())), 'ok ok');
    } finally {
      conns.forEach((c) => c.destroy());
      await gh.stop();
    }
  });

  test('straight: two failing 1,990-byte regular values referenced in turn (one "failed" slot) cost within 1.5x of 1-byte ones', async () => {
    // 100 streams a write: POST, http, :path /, then a reference alternating between entries 62 and 63 (x-a, x-b:
    // 1,990 bytes, a control byte, one more byte). The one remembered failing value is the other one each time, so
    // each stream rescans 1,990 bytes; measured 1.13x the twin (1-byte failing values), 16x Checks: the scan for
    // control bytes is cheap next to a stream's own cost. Failing NAMES of 1,991 bytes the same way: 1.38x (held, not
    // kept as a test: close to the bound on a shared machine).
    const port = await freePort();
    const gh = await startGatehouse([`--grpc-address=127.0.0.1:${port}`, '--email-domain=example.com']);
    try {
      await gh.waitForOutput(/gRPC ext_authz and health on/);
      const checks = await flood(port, gh.pid, { batch: checksBatch(grpcFrame(checkMessage(alice()))) });
      const streams = (id) => {
        const parts = [];
        let s = id;
        for (let k = 0; k < 100; k++, s += 2) parts.push(...split(s, Buffer.concat([indexed(3), indexed(6), indexed(4), indexed(62 + (k & 1))]), { endStream: true }));
        return { buf: Buffer.concat(parts), last: s - 2 };
      };
      const bad = (c) => `${'a'.repeat(1990)}${c}a`;
      const twin = await flood(port, gh.pid, { setup: [withIndexing('x-a', '\x01'), withIndexing('x-b', '\x02')], batch: streams });
      const r = await flood(port, gh.pid, { setup: [withIndexing('x-a', bad('\x01')), withIndexing('x-b', bad('\x02'))], batch: streams });
      const message = `${ratioMessage('alternating failing values', r, checks)}; twin ${(twin.perKib / checks.perKib).toFixed(1)}x`;
      assert.ok(r.perKib / twin.perKib <= 1.5, message);
      assert.ok(r.perKib / checks.perKib <= 2 * kMaxRatio, message);
    } finally {
      await gh.stop();
    }
  });
});
