// Issue 29: a cold attack on the gRPC ext_authz port's request-bytes budgets (per connection and per I/O thread),
// its header-block checks and its stream bookkeeping, straight and through real nginx (grpc_pass) and Caddy
// (reverse_proxy h2c://). Each finding (D29-F1 …) asserts the SAFE outcome and FAILS on the binary attacked
// (atk-d29 at 2945084). The `held` block keeps what was tried and held, as passing tests.
// Run: cd tests/integration && GATEHOUSE_BUILD_DIR=$PWD/../../build node --test attack/d29_findings.test.mjs
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startGatehouse, freePort } from '../lib/processes.mjs';
import { envoyWireCheckRequest } from '../lib/ext_authz_client.mjs';
import { startNginx, readErrorLog } from '../lib/nginx.mjs';
import { startCaddyReverseProxy } from '../lib/caddy_reverse_proxy.mjs';
import { flood, checksBatch, kMaxRatio, ratioMessage } from './hpack_flood.mjs';
import { CHECK, callFields, alice, checkMessage, checkOn, startBehindProxies } from './check_probe.mjs';
import {
  RawH2, Type, Flag, ErrorCode, Setting, frame, encodeHeaders, dataFrames, grpcFrame, grpcMessageOf, rstStream, windowUpdate,
  headerBlockFrames as split, hpackWithIndexing as withIndexing, hpackWithoutIndexing as withoutIndexing,
  hpackIndexed as indexed,
} from '../lib/h2_frames.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));


// A well-formed CheckRequest (no cookie: answered "denied", with a DATA message) of exactly `total` bytes.
function checkOfSize(total) {
  let n = total - 200;
  for (;;) {
    const m = envoyWireCheckRequest({ host: 'app.example.com', path: '/', context: { pad: 'x'.repeat(n) } });
    if (m.length === total) return m;
    n += total - m.length;
  }
}
// A whole message of the largest size --grpc-max-message-bytes allows (4 MiB): 4,194,309 bytes with its prefix.
const largestCall = () => grpcFrame(checkOfSize(4194304));

// Straight at Gatehouse: `connections` connections that announce SETTINGS_INITIAL_WINDOW_SIZE 0 (they never open a
// stream's window), each sending two whole Checks of `body` (END_STREAM). Gatehouse answers each with DATA, which the
// window keeps unsent: the stream stays open and its call keeps its request bytes.
async function holdWholeCalls(port, body, connections) {
  const conns = [];
  for (let k = 0; k < connections; k++) {
    const c = await RawH2.connect(port, { settings: { [Setting.INITIAL_WINDOW_SIZE]: 0 } });
    for (const id of [1, 3]) c.send(frame(Type.HEADERS, Flag.END_HEADERS, id, encodeHeaders(callFields())), ...dataFrames(id, body, { endStream: true }));
    conns.push(c);
  }
  return conns;
}

describe('D29-F1: whole calls whose answers the client never reads hold a thread\'s request budget: every other client\'s Check is RESOURCE_EXHAUSTED', () => {
  // Sent straight (default flags: --grpc-max-message-bytes 4 MiB, 2 I/O threads, --idle-timeout 120s): 10 connections,
  // each announcing SETTINGS_INITIAL_WINDOW_SIZE 0, each sending two WHOLE Checks of 4 MiB (a valid CheckRequest
  // padded with a context_extensions value, END_STREAM; no cookie needed: the "denied" answer is a DATA message too).
  // Each call is handed to its method and answered, but its DATA waits for a window that never opens, so the stream
  // stays open and GrpcCall keeps its 4,194,309 request bytes counted in the thread's budget (released only when the
  // stream closes). 4 such calls fill a thread's max(16 MiB, 4 x (4 MiB + 5)) exactly; being whole they are no
  // candidates for make_room (only requests still arriving give way), so every other client's Check on that thread,
  // straight, through nginx grpc_pass or through Caddy reverse_proxy h2c://, is answered
  // `grpc-status 8 the server holds too many request bytes; try again`: 9 of 9 failed, for --idle-timeout (120 s),
  // then again as soon as the attacker reconnects (and past it, D29-F2). ~80 MB sent once per 2 minutes.
  // Safe: a call whose request is whole but whose answer is not taken cannot keep others out: its request bytes are
  // let go once the message is handed over (or no longer counted once answered), or such calls give way / are bounded
  // per connection or per peer; other clients' Checks are served.
  // Fixed (session 15): a call gives its request's bytes back to the thread's budget once it is answered and its
  // method no longer reads the message, and a whole request leaves the connection's budget when it is handed over.
  let doors;
  let gh;
  let port;
  let nginxPort;
  let caddyPort;
  before(async () => {
    doors = await startBehindProxies();
    ({ gh, port, nginxPort, caddyPort } = doors);
  });
  after(async () => { await doors?.stop(); });

  test('20 whole 4 MiB Checks left unread (window 0) on 10 connections: other clients\' Checks straight, via nginx, via Caddy are allowed', async () => {
    const message = checkMessage(alice());
    assert.deepEqual([await checkOn(port, message), await checkOn(nginxPort, message), await checkOn(caddyPort, message)],
      ['ok ok', 'ok ok', 'ok ok'], 'served before');
    const conns = await holdWholeCalls(port, largestCall(), 10);
    try {
      await sleep(2000);
      const others = [];
      for (let i = 0; i < 3; i++) others.push(await checkOn(port, message), await checkOn(nginxPort, message), await checkOn(caddyPort, message));
      assert.deepEqual(others, Array(9).fill('ok ok'), `other clients' Checks (straight, nginx, Caddy) x3: ${others.join(' | ')}`);
    } finally {
      conns.forEach((c) => c.destroy());
    }
  });
});

describe('D29-F2: an answer the client takes one byte at a time keeps its stream (and its request bytes) past --idle-timeout', () => {
  // Sent straight, --idle-timeout=2s: a connection with SETTINGS_INITIAL_WINDOW_SIZE 0 sends one whole Check (100 KB)
  // and then WINDOW_UPDATE(stream 1, +1) every 500 ms. read_answer() restarts the stream's unsent_since each time the
  // window lets a byte through, so "the client did not read its answers within --idle-timeout" never fires: after 7 s
  // (3.5x the timeout) the connection is still open, 13 bytes of the answer taken; without the trickle it is closed
  // at ~2.5 s (held below). A denied CheckResponse is ~250 bytes: at one byte per 100 s (default --idle-timeout 120s)
  // a stream, and with D29-F1 a whole thread's request budget, is held for hours.
  // Safe: an answer not taken whole within --idle-timeout (or at some minimum rate) ends the stream or the connection.
  // Fixed (session 15): the wait goes on from when the answer's bytes first waited; a byte taken does not restart it.
  test('--idle-timeout=2s, one window byte every 500 ms: the connection is closed within 5 s', async () => {
    const port = await freePort();
    const gh = await startGatehouse([`--grpc-address=127.0.0.1:${port}`, '--email-domain=example.com', '--idle-timeout=2s']);
    let c;
    let timer;
    try {
      await gh.waitForOutput(/gRPC ext_authz and health on/);
      c = await RawH2.connect(port, { settings: { [Setting.INITIAL_WINDOW_SIZE]: 0 } });
      const body = grpcFrame(envoyWireCheckRequest({ host: 'app.example.com', path: '/x', context: { pad: 'x'.repeat(100000) } }));
      c.send(frame(Type.HEADERS, Flag.END_HEADERS, 1, encodeHeaders(callFields())), ...dataFrames(1, body, { endStream: true }));
      timer = setInterval(() => c.send(windowUpdate(1, 1)), 500);
      const closedIn = await c.waitForClose(5000).catch(() => null);
      assert.ok(closedIn !== null, `still open after 5 s; ${c.streamSoFar(1).data.length} answer bytes taken one by one`);
    } finally {
      clearInterval(timer);
      c?.destroy();
      await gh.stop();
    }
  });
});

describe('D29-F3: pseudo-header fields are scanned on every HPACK reference, before the duplicate check', () => {
  // Sent straight, default flags: one connection puts `:authority: <3,900 bytes>` in the dynamic table (index 62),
  // then sends, 100 streams a write, header blocks of 5 bytes: POST (3), http (6), :path / (4), and two one-byte
  // references to entry 62. A pseudo-header field is never remembered (CheckedBuffers only remembers regular fields)
  // and add_pseudo() runs all_of() over the value before it checks "twice", so each 14-byte stream (HEADERS frame
  // included) costs two 3,900-byte table scans, then a 400 answer. Measured: 0.42 ms CPU per KiB received, 42x
  // well-formed Checks (0.010 ms/KiB); one reference a stream: 23x; the same streams with a 1-byte :path reference
  // cost 10.2x (the per-stream cost alone). Through nginx and Caddy the attacker's header blocks are re-encoded (and a
  // proxy's per-request cost dwarfs this), so this is straight only.
  // Safe: a pseudo-header value from the table is not rescanned within a read (or a duplicate is refused before its
  // value is scanned).
  // Fixed (session 15): "twice" is checked before the value, and the last value that passed for each pseudo-header
  // field is remembered for the read (CheckedBuffers::contains_pseudo_value); refusals' log lines are a bucket of 16
  // a connection, then one a second; a refusal's grpc-message is appended in one piece. Then: 12.8x of Checks, and
  // the same streams referencing a 1-byte :authority (same bytes on the wire, nothing to scan) 12.8x too: what is
  // left is the cost of a 14-byte stream answered at all (callgrind: ~13,100 instructions, half of them nghttp2's),
  // not of the 3,900 bytes. So the bound is the twin's: within 1.5x of it (the rescan was 3-4x), and within 20x of
  // Checks.
  test('two references a stream to a 3,900-byte :authority cost what references to a 1-byte one do', async () => {
    const port = await freePort();
    const gh = await startGatehouse([`--grpc-address=127.0.0.1:${port}`, '--email-domain=example.com']);
    try {
      await gh.waitForOutput(/gRPC ext_authz and health on/);
      const checks = await flood(port, gh.pid, { batch: checksBatch(grpcFrame(checkMessage(alice()))) });
      const block = Buffer.concat([indexed(3), indexed(6), indexed(4), indexed(62), indexed(62)]);
      const streams = (id) => {
        const parts = [];
        let s = id;
        for (let i = 0; i < 100; i++, s += 2) parts.push(...split(s, block, { endStream: true }));
        return { buf: Buffer.concat(parts), last: s - 2 };
      };
      const twin = await flood(port, gh.pid, { setup: [withIndexing(1, 'a')], batch: streams });
      const r = await flood(port, gh.pid, { setup: [withIndexing(1, 'a'.repeat(3900))], batch: streams });
      const message = `${ratioMessage(':authority x2 references', r, checks)}; the same to a 1-byte :authority: ` +
        `${(twin.perKib / checks.perKib).toFixed(1)}x`;
      assert.ok(r.perKib / twin.perKib <= 1.5, message);
      assert.ok(r.perKib / checks.perKib <= 2 * kMaxRatio, message);
    } finally {
      await gh.stop();
    }
  });
});

describe('held: what was tried on the budgets, header blocks and streams and held', () => {
  test('without a trickle, an unread answer closes its connection at --idle-timeout (2 s)', async () => {
    const port = await freePort();
    const gh = await startGatehouse([`--grpc-address=127.0.0.1:${port}`, '--email-domain=example.com', '--idle-timeout=2s']);
    let c;
    try {
      await gh.waitForOutput(/gRPC ext_authz and health on/);
      c = await RawH2.connect(port, { settings: { [Setting.INITIAL_WINDOW_SIZE]: 0 } });
      c.call(1, grpcFrame(checkOfSize(100000)), callFields());
      const ms = await c.waitForClose(5000);
      assert.ok(ms < 4000, `${ms} ms`);
    } finally {
      c?.destroy();
      await gh.stop();
    }
  });

  test('straight: 4 to 12 streams interleaved, some reset mid-body, some answered early, some unknown: each answer on its own stream', async () => {
    // 30 rounds on new connections: HEADERS for every stream, the first 20 bytes of each body, then in reverse order
    // the rest (END_STREAM), a RST_STREAM CANCEL, or (streams whose prefix declared 1 GiB, answered RESOURCE_EXHAUSTED
    // before their end) 10 more bytes. Each Check's path is its stream id; the denial's Location names it.
    const port = await freePort();
    const gh = await startGatehouse([`--grpc-address=127.0.0.1:${port}`, '--email-domain=example.com']);
    const bad = [];
    try {
      await gh.waitForOutput(/gRPC ext_authz and health on/);
      for (let round = 0; round < 30; round++) {
        const n = 4 + (round % 9);
        const ids = Array.from({ length: n }, (_, i) => 1 + 2 * i);
        const kind = Object.fromEntries(ids.map((id, i) => [id, i % 4 === 1 ? 'reset' : i % 4 === 2 ? 'early' : 'whole']));
        const body = Object.fromEntries(ids.map((id) => [id, grpcFrame(envoyWireCheckRequest({ host: 'app.example.com', path: `/p-${id}-end` }))]));
        const c = await RawH2.connect(port);
        try {
          for (const id of ids) c.send(frame(Type.HEADERS, Flag.END_HEADERS, id, encodeHeaders(callFields(id % 5 === 0 ? '/nope' : CHECK))));
          for (const id of ids) {
            if (kind[id] === 'early') {
              const p = Buffer.alloc(5);
              p.writeUInt32BE(1 << 30, 1);
              c.send(frame(Type.DATA, 0, id, p));
            } else {
              c.send(frame(Type.DATA, 0, id, body[id].subarray(0, 20)));
            }
          }
          for (const id of [...ids].reverse()) {
            if (kind[id] === 'reset') c.send(rstStream(id, ErrorCode.CANCEL));
            else if (kind[id] === 'whole') c.send(frame(Type.DATA, Flag.END_STREAM, id, body[id].subarray(20)));
            else c.send(frame(Type.DATA, Flag.END_STREAM, id, Buffer.alloc(10)));
          }
          await sleep(150);
          for (const id of ids) {
            const s = c.streamSoFar(id);
            let text = '';
            try { text = grpcMessageOf(s.data).toString('latin1'); } catch {}
            const named = [...text.matchAll(/p-(\d+)-end/g)].map((x) => Number(x[1]));
            let ok;
            if (kind[id] === 'reset') ok = named.every((x) => x === id);
            else if (id % 5 === 0) ok = s.grpcStatus === (kind[id] === 'early' ? '8' : '12');
            else if (kind[id] === 'early') ok = s.grpcStatus === '8';
            else ok = s.grpcStatus === '0' && named.length > 0 && named.every((x) => x === id);
            if (!ok) bad.push(`round ${round} stream ${id} (${kind[id]}): grpc-status ${s.grpcStatus} names ${named}`);
          }
        } finally {
          c.destroy();
        }
      }
      assert.deepEqual(bad, []);
    } finally {
      await gh.stop();
    }
  });

  test('through Caddy: one client holds two unfinished 4 MiB bodies; 6 other clients\' concurrent Checks are answered, each its own', async () => {
    const port = await freePort();
    const gh = await startGatehouse([`--grpc-address=127.0.0.1:${port}`, '--email-domain=example.com']);
    let caddy;
    const clients = [];
    try {
      await gh.waitForOutput(/gRPC ext_authz and health on/);
      const caddyPort = await freePort();
      caddy = await startCaddyReverseProxy(caddyPort, `h2c://127.0.0.1:${port}`);
      const hog = await RawH2.connect(caddyPort);
      clients.push(hog);
      const big = Buffer.alloc(4194309, 0x41);
      big[0] = 0;
      big.writeUInt32BE(4194304, 1);
      for (const id of [1, 3]) hog.send(frame(Type.HEADERS, Flag.END_HEADERS, id, encodeHeaders(callFields())), ...dataFrames(id, big.subarray(0, 4194000)));
      await sleep(1500);
      const results = await Promise.all(Array.from({ length: 6 }, async (_, k) => {
        const c = await RawH2.connect(caddyPort);
        clients.push(c);
        c.call(1, grpcFrame(envoyWireCheckRequest({ host: 'app.example.com', path: `/p-${k}-end` })), callFields());
        const a = await c.stream(1, 5000).catch(() => c.streamSoFar(1));
        let text = '';
        try { text = grpcMessageOf(a.data).toString('latin1'); } catch {}
        const named = [...text.matchAll(/p-(\d+)-end/g)].map((x) => Number(x[1]));
        return a.grpcStatus === '0' && named.length > 0 && named.every((x) => x === k) ? 'own' : `grpc-status ${a.grpcStatus} ${a.grpcMessage} names ${named}`;
      }));
      assert.deepEqual(results, Array(6).fill('own'));
    } finally {
      clients.forEach((c) => c.destroy());
      await caddy?.stop();
      await gh.stop();
    }
  });

  test('through nginx (client_max_body_size 16m): 12 unfinished 3.9 MiB bodies leave other Checks allowed and nginx keeps both servers', async () => {
    const ghs = [];
    let nginx;
    const hogs = [];
    try {
      for (let i = 0; i < 2; i++) {
        const p = await freePort();
        const g = await startGatehouse([`--grpc-address=127.0.0.1:${p}`, '--email-domain=example.com']);
        await g.waitForOutput(/gRPC ext_authz and health on/);
        g.grpcPort = p;
        ghs.push(g);
      }
      const np = await freePort();
      nginx = await startNginx(np, `upstream gh { ${ghs.map((g) => `server 127.0.0.1:${g.grpcPort};`).join(' ')} }
        server { listen 127.0.0.1:${np} http2; client_max_body_size 16m; location / { grpc_pass grpc://gh; } }`);
      const big = Buffer.alloc(4100000, 0x41);
      big[0] = 0;
      big.writeUInt32BE(4194304, 1);
      for (let k = 0; k < 12; k++) {
        const c = await RawH2.connect(np);
        c.send(frame(Type.HEADERS, Flag.END_HEADERS, 1, encodeHeaders(callFields())), ...dataFrames(1, big));
        hogs.push(c);
      }
      await sleep(2500);
      const message = checkMessage(alice());
      const after = [];
      for (let i = 0; i < 6; i++) after.push(await checkOn(np, message));
      assert.deepEqual(after, Array(6).fill('ok ok'), `nginx: ${readErrorLog(nginx.prefix).slice(-600)}`);
      assert.doesNotMatch(readErrorLog(nginx.prefix), /no live upstreams/);
    } finally {
      hogs.forEach((c) => c.destroy());
      await nginx?.stop();
      for (const g of ghs) await g.stop();
    }
  });

  test('straight: a header list over --max-header-bytes in 1 HEADERS + 100 CONTINUATION frames is answered 8, and the connection serves on', async () => {
    const port = await freePort();
    const gh = await startGatehouse([`--grpc-address=127.0.0.1:${port}`, '--email-domain=example.com']);
    let c;
    try {
      await gh.waitForOutput(/gRPC ext_authz and health on/);
      c = await RawH2.connect(port);
      const block = encodeHeaders([...callFields(), ...Array.from({ length: 200 }, (_, k) => [`x-${k}`, 'a'.repeat(400)])]);
      const step = Math.ceil(block.length / 101);
      const frames = [];
      for (let at = 0; at < block.length; at += step) {
        const last = at + step >= block.length;
        frames.push(frame(at === 0 ? Type.HEADERS : Type.CONTINUATION, last ? Flag.END_HEADERS : 0, 1, block.subarray(at, at + step)));
      }
      assert.ok(frames.length >= 100 && frames.length <= 128, `${frames.length} frames`);
      const message = grpcFrame(checkMessage(alice()));
      c.send(...frames, ...dataFrames(1, message, { endStream: true }));
      const a = await c.stream(1, 4000);
      assert.equal(a.grpcStatus, '8');
      c.call(3, message, callFields());
      const b = await c.stream(3, 4000);
      assert.equal(b.grpcStatus, '0');
      assert.equal(c.closed, false);
    } finally {
      c?.destroy();
      await gh.stop();
    }
  });
});
