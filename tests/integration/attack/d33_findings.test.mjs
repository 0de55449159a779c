// Issue 33: a cold attack on the connection cap (--max-connections on the HTTP port and the gRPC port, refused
// connections lingering a second at most, 64 at once over the process) and on the gRPC ext_authz port's stream and
// memory limits (4,096 streams / 16 MiB of answers not taken per I/O thread, oldest reset; spare streams and kept
// answer buffers bounded; CheckRequest URLs past --max-url-length denied 400), straight and through real nginx
// (grpc_pass) and Caddy (reverse_proxy h2c://). Each finding (D33-F1 …) asserts the SAFE outcome and FAILS on the
// binary attacked (atk-d33 at c1a1bde); both are fixed (session 16). The `held` block keeps what was tried and held.
// Run: cd tests/integration && GATEHOUSE_BUILD_DIR=$PWD/../../build node --test attack/d33_findings.test.mjs
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import net from 'node:net';
import { startGatehouse, freePort, residentMb, openDescriptors } from '../lib/processes.mjs';
import { varint } from '../lib/ext_authz_client.mjs';
import { CHECK, callFields, alice, checkMessage, checkOn, startBehindProxies, percentPathCheck } from './check_probe.mjs';
import { RawH2, Type, Flag, Setting, PREFACE, frame, settingsFrame, encodeHeaders, dataFrames, grpcFrame } from '../lib/h2_frames.mjs';

const sanitized = Boolean(process.env.ASAN_OPTIONS || process.env.TSAN_OPTIONS);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const descriptors = openDescriptors;
const skipRss = sanitized && 'resident memory under a sanitizer measures its quarantine';

// ---------------------------------------------------------------------------------------------------------------
// D33-F1's attack, straight: `n` raw connections, opened 5 at a time; each announces SETTINGS_INITIAL_WINDOW_SIZE 0
// and sends 100 whole Checks whose denial is ~24 KB (percentPathCheck(8000): within --max-url-length), and 80 ms
// later a SETTINGS opening every stream's window, so that the client reads all 100 answers. 5 connections at a time
// hold ~12 MB of answers: below the thread's 16 MiB limit, nothing is reset. Every connection then stays open, idle.
async function burstThenIdle(port, n) {
  const hdr = encodeHeaders(callFields());
  const body = grpcFrame(percentPathCheck(8000));
  const parts = [];
  for (let i = 0; i < 100; i++) parts.push(frame(Type.HEADERS, Flag.END_HEADERS, 1 + 2 * i, hdr), ...dataFrames(1 + 2 * i, body, { endStream: true }));
  const all = Buffer.concat(parts);
  const conns = [];
  for (let k = 0; k < n; k += 5) {
    const batch = await Promise.all([0, 1, 2, 3, 4].map(() => RawH2.connect(port, { settings: { [Setting.INITIAL_WINDOW_SIZE]: 0 } })));
    conns.push(...batch);
    batch.forEach((c) => c.send(all));
    await sleep(80);
    batch.forEach((c) => c.send(settingsFrame({ [Setting.INITIAL_WINDOW_SIZE]: 0x7fffffff })));
    await sleep(40);
  }
  await sleep(1500);
  const read = conns.reduce((s, c) => s + c.frames.filter((f) => f.type === Type.HEADERS && f.headers['grpc-status'] === '0').length, 0);
  return { conns, read };
}

describe('D33-F1: 400 connections that each once had 100 denials of 24 KB in flight leave the server ~200 MB larger, idle or closed', () => {
  // Sent straight, default flags (2 I/O threads): 400 connections (opened 5 at a time, ~13 s), each
  // SETTINGS_INITIAL_WINDOW_SIZE 0 + 100 whole Checks of 8 KB (no session, path '/?' + 8,000 x '%', within
  // --max-url-length: a ~24 KB denial each), then a SETTINGS opening the windows: every answer is read by the client
  // (40,000 of 40,000), none is reset (5 connections at a time hold ~12 MB, below the thread's 16 MiB), no stream
  // stays open. ~330 MB sent in all.
  // What happened: resident memory grew ~217 MB while the 400 connections sat idle (~540 KiB per idle connection,
  // ~28x the ~19 KiB claimed), and stayed there after every one of them closed (measured 217 MB; a second and third
  // round of 300 did not add much: 149 -> 165 -> 166 MB, so it is memory kept, not lost, but kept for good). 300
  // connections: ~150 MB. D32-F1's fix bounded what a connection keeps (16 spare streams, 2 KiB answer buffers), but
  // not what the burst leaves behind in the allocator: the freed answer buffers are pinned by what each connection
  // still holds (its session, spare streams, out_ write batch of up to ~80 KiB kept with its capacity) and by glibc's
  // arenas, and are never given back to the system. No budget counts it; it scales with the connections an attacker
  // may hold at once (--max-connections 16,384).
  // Through nginx grpc_pass (a connection per call) and Caddy (few shared upstream connections) it does not reach this
  // size (D32's held tests: ~46 MB and ~12 MB).
  // Safe: the server's resident memory stays within ~100 MB of its start, idle connections' ~19 KiB each aside
  // (here 400 x 19 KiB ≈ 7.4 MB), while the connections are idle and after they closed.
  // Fixed in session 16: what each idle connection held (~420 KiB in use, heap profile) was its 16 spare streams'
  // answer buffers of 24 KB: `out = std::string()` does not free a buffer in libstdc++ (it copies the empty short
  // string into it), so every "give the buffer back" of that shape kept it (the HTTP/1.1 scratch's, the gRPC calls'
  // bodies too); they now swap with an empty string (text::release). Also: the connection's write buffer past 16 KiB
  // is given back once written, and a background task hands glibc's wholly free pages back to the system when more
  // than 32 MiB are resident beyond what is in use (app/memory_return). Measured after: 22.6 MB idle and closed
  // (218 MB before).
  test('straight: 400 connections x 100 concurrent 24 KB denials read whole, then idle: resident memory grows by less than 100 MB + 19 KiB a connection', { skip: skipRss, timeout: 60000 }, async () => {
    const doors = await startBehindProxies();
    let sent;
    try {
      assert.equal(await checkOn(doors.port, checkMessage(alice())), 'ok ok', 'served before');
      const before = residentMb(doors.gh.pid);
      const n = 400;
      sent = await burstThenIdle(doors.port, n);
      const idle = residentMb(doors.gh.pid) - before;
      sent.conns.forEach((c) => c.destroy());
      await sleep(1500);
      const closed = residentMb(doors.gh.pid) - before;
      const allowed = 100 + (n * 19) / 1024;
      assert.ok(idle < allowed && closed < 100, `${sent.read} of ${n * 100} answers read whole; ${n} connections idle: ` +
        `resident memory grew ${idle.toFixed(1)} MB (allowed ${allowed.toFixed(1)}), all closed: ${closed.toFixed(1)} MB ` +
        `(from ${before.toFixed(1)} MB)`);
    } finally {
      sent?.conns.forEach((c) => c.destroy());
      await doors.stop();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// A flood of connections to `port` for `ms`: 10 new ones every 20 ms, each sending a byte every 100 ms and never
// closing its side (the server ends each). `first` is written on connect (the HTTP/2 preface on the gRPC port).
// Returns the connections still open at the end (to be destroyed), how many were opened, and the peak of the
// server's descriptors seen.
async function refusedFlood(port, pid, ms, first = '') {
  const live = new Set();
  let opened = 0;
  let peak = descriptors(pid);
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    for (let k = 0; k < 10; k++) {
      const s = net.connect({ port, host: '127.0.0.1' });
      opened++;
      s.on('error', () => {});
      s.on('close', () => { clearInterval(s.t); live.delete(s); });
      s.on('connect', () => {
        if (first) s.write(first);
        s.t = setInterval(() => { if (!s.destroyed) s.write('x'); }, 100);
      });
      live.add(s);
    }
    await sleep(20);
    peak = Math.max(peak, descriptors(pid));
  }
  return { live, opened, peak, stop: () => live.forEach((s) => { clearInterval(s.t); s.destroy(); }) };
}

// `count` connections to `port` held open (the HTTP/2 preface sent on the gRPC port): the cap filled.
async function holdConnections(port, count, first = '') {
  const held = [];
  for (let i = 0; i < count; i++) {
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => {});
    if (first) s.write(first);
    held.push(s);
  }
  await sleep(300);
  return held;
}

describe('D33-F2: refusals at --max-connections are logged once a second per I/O thread, not once a second', () => {
  // Sent straight: --max-connections=4 (the gRPC port's 4 held by idle connections that sent the preface), default
  // threads here set explicitly (--workers=2, what a 2-CPU machine gets by default); then 3 s of new connections to
  // the gRPC port, 10 every 20 ms (~1,400), each refused (SETTINGS + GOAWAY REFUSED_STREAM).
  // What happened: 6 "refused a gRPC connection: --max-connections=4 reached" lines in 3 s, two in the same second
  // each time: Worker::admit's "one line a second" clock (last_refusal_log_) is the Worker's, so each I/O thread
  // logs its own line a second (--workers=16: up to 16 lines a second; the HTTP port's refusals share the same
  // clocks). Through nginx (grpc_pass opens a connection per call) the same flood reaches the cap the same way.
  // Safe: at most one refusal line a second over the process, as claimed (the counts of what was not logged told in
  // the next line).
  // Fixed in session 16: the clock is the process's (an atomic), and each line tells how many were refused without a
  // line since the last one.
  test('straight, --workers=2: 3 s of refused gRPC connections log no two refusal lines in the same second', { timeout: 30000 }, async () => {
    const grpcPort = await freePort();
    const gh = await startGatehouse([`--grpc-address=127.0.0.1:${grpcPort}`, '--max-connections=4', '--workers=2']);
    let held = [];
    let flood;
    try {
      await gh.waitForOutput(/gRPC ext_authz and health/);
      held = await holdConnections(grpcPort, 4, PREFACE);
      const mark = gh.output.length;
      flood = await refusedFlood(grpcPort, gh.pid, 3000, PREFACE);
      await sleep(300);
      const lines = gh.output.slice(mark).split('\n').filter((l) => /refused a .*connection: --max-connections/.test(l));
      const perSecond = {};
      for (const l of lines) { const at = l.slice(0, 21); perSecond[at] = (perSecond[at] ?? 0) + 1; }
      const most = Math.max(0, ...Object.values(perSecond));
      assert.ok(most <= 1 && lines.length <= 4, `${flood.opened} connections refused in 3 s: ${lines.length} refusal lines, ` +
        `${most} in one second:\n${lines.join('\n')}`);
    } finally {
      flood?.stop();
      held.forEach((s) => s.destroy());
      await gh.stop();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// A raw Check answered on `s` (an http2 session): 'ok' or what went wrong, within `timeoutMs`.
const checkOnSession = (s, body, timeoutMs = 3000) => new Promise((resolve) => {
  let q;
  try {
    q = s.request({ ':method': 'POST', ':path': CHECK, 'content-type': 'application/grpc', te: 'trailers' });
  } catch (e) {
    return resolve(`request failed: ${e.code ?? e.message}`);
  }
  let st = null;
  const timer = setTimeout(() => { q.close(); resolve('timeout'); }, timeoutMs);
  q.on('error', (e) => { clearTimeout(timer); resolve(`error ${e.code ?? e.message}`); });
  q.on('response', (h) => { st = h[':status']; });
  q.on('trailers', (h) => { st = `${st} grpc-status ${h['grpc-status']}`; });
  q.on('data', () => {});
  q.on('close', () => { clearTimeout(timer); resolve(st === '200 grpc-status 0' ? 'ok' : `${st} rst ${q.rstCode}`); });
  q.end(body);
});

// Checks one after another on one http2 session to `url` until `stop()` says so; the outcomes counted, the slowest.
function victim(url) {
  const out = { url, ok: 0, bad: {}, slowestMs: 0 };
  let stopped = false;
  let s = http2.connect(url);
  s.on('error', () => {});
  const body = grpcFrame(checkMessage(alice()));
  const done = (async () => {
    while (!stopped) {
      if (s.destroyed || s.closed) {  // nginx ends a client connection after keepalive_requests (GOAWAY NO_ERROR)
        s = http2.connect(url);
        s.on('error', () => {});
      }
      const t = Date.now();
      const r = await checkOnSession(s, body);
      out.slowestMs = Math.max(out.slowestMs, Date.now() - t);
      if (r === 'ok') out.ok++;
      else if (!/ERR_HTTP2_(INVALID_SESSION|GOAWAY_SESSION)|NGHTTP2_REFUSED_STREAM|rst 7$/.test(r)) out.bad[r] = (out.bad[r] ?? 0) + 1;
      await sleep(2);
    }
    s.destroy();
    return out;
  })();
  return { stop: () => { stopped = true; return done; } };
}

describe('held: what was tried and held', () => {
  // Straight: --max-connections=8 on both ports, the cap filled by idle connections; 3 s of refused connections
  // (10 every 20 ms, ~1,400 on each port in turn), each sending a byte every 100 ms and never closing. Held: the
  // server never held more than 64 descriptors (+ a few for its own use) beyond those it had with the cap full, and
  // no flood connection was still open 2.5 s after the flood stopped (each closed within ~1 s of its refusal).
  for (const which of ['HTTP port', 'gRPC port']) {
    test(`straight, ${which}: a flood of refused connections that keep sending holds at most ~64 descriptors past the cap, a second each`, { timeout: 30000 }, async () => {
      const grpcPort = await freePort();
      const gh = await startGatehouse([`--grpc-address=127.0.0.1:${grpcPort}`, '--max-connections=8']);
      let held = [];
      let flood;
      try {
        await gh.waitForOutput(/gRPC ext_authz and health/);
        const port = which === 'HTTP port' ? gh.port : grpcPort;
        const first = which === 'HTTP port' ? '' : PREFACE;
        held = await holdConnections(port, 8, first);
        const base = descriptors(gh.pid);
        flood = await refusedFlood(port, gh.pid, 3000, first);
        assert.ok(flood.peak - base <= 64 + 4, `${flood.opened} refused: ${flood.peak - base} descriptors past the full cap`);
        await sleep(2500);
        assert.equal(flood.live.size, 0, `${flood.live.size} refused connections still open 2.5 s after the flood`);
      } finally {
        flood?.stop();
        held.forEach((s) => s.destroy());
        await gh.stop();
      }
    });
  }

  // Straight and through Caddy: --max-connections=8 on the gRPC port; a client's own connection and Caddy's upstream
  // connection admitted first (a Check through each), the rest of the cap filled by idle connections, then 4 s of
  // refused connections that keep sending (10 every 20 ms, ~1,800). Held: every Check of the admitted clients during
  // the flood was answered OK, none slower than 1 s. (nginx's grpc_pass opens a connection per call: at the cap its
  // calls are refused by design, so it has no admitted connection to test.)
  test('straight and via Caddy: clients admitted below the cap are served during a refused-connection flood', { timeout: 30000 }, async () => {
    const doors = await startBehindProxies(['--email-domain=example.com', '--max-connections=8']);
    let held = [];
    let flood;
    try {
      const straight = victim(`http://127.0.0.1:${doors.port}`);
      const viaCaddy = victim(`http://127.0.0.1:${doors.caddyPort}`);
      await sleep(500);
      held = await holdConnections(doors.port, 8, PREFACE);  // those past the cap are refused and closed
      flood = await refusedFlood(doors.port, doors.gh.pid, 4000, PREFACE);
      const results = [await straight.stop(), await viaCaddy.stop()];
      for (const r of results) {
        assert.deepEqual(r.bad, {}, `${r.url}: ${r.ok} ok, failures ${JSON.stringify(r.bad)}`);
        assert.ok(r.ok > 20 && r.slowestMs < 1000, `${r.url}: ${r.ok} ok, slowest ${r.slowestMs} ms`);
      }
    } finally {
      flood?.stop();
      held.forEach((s) => s.destroy());
      await doors.stop();
    }
  });

  // Straight: 90 raw connections (45 per I/O thread) keep 100 streams each open (HEADERS, no body: ~4,500 streams per
  // thread, past 4,096), and for 4 s each opens a new stream for every one reset: the threads' oldest streams are
  // reset (RST_STREAM ENHANCE_YOUR_CALM) hundreds of times a second. Meanwhile Checks one after another straight,
  // through Caddy (reverse_proxy h2c://) and through nginx (grpc_pass). Held: every one of them was answered OK, none
  // slower than 1 s; only the attacker's streams were reset.
  test('straight, via Caddy and via nginx: Checks are served while 90 connections churn past the thread\'s 4,096 streams', { timeout: 40000 }, async () => {
    const doors = await startBehindProxies();
    const conns = [];
    try {
      for (let k = 0; k < 90; k++) conns.push(await RawH2.connect(doors.port));
      const hdr = encodeHeaders(callFields());
      const next = conns.map(() => 1);
      const sent = conns.map(() => 0);
      const round = () => conns.forEach((c, k) => {
        const open = sent[k] - c.frames.filter((f) => f.type === Type.RST_STREAM).length;
        const n = Math.max(0, 100 - open);
        sent[k] += n;
        const parts = [];
        for (let i = 0; i < n; i++, next[k] += 2) parts.push(frame(Type.HEADERS, Flag.END_HEADERS, next[k], hdr));
        if (parts.length) c.send(...parts);
      });
      round();
      await sleep(500);
      const victims = [doors.port, doors.caddyPort, doors.nginxPort].map((p) => victim(`http://127.0.0.1:${p}`));
      const t0 = Date.now();
      while (Date.now() - t0 < 4000) { round(); await sleep(5); }
      const results = await Promise.all(victims.map((v) => v.stop()));
      const resets = conns.reduce((n, c) => n + c.frames.filter((f) => f.type === Type.RST_STREAM).length, 0);
      assert.ok(resets > 100, `the attack reset only ${resets} streams`);
      for (const r of results) {
        assert.deepEqual(r.bad, {}, `${r.url}: ${r.ok} ok, failures ${JSON.stringify(r.bad)} (${resets} attacker streams reset)`);
        assert.ok(r.ok > 20 && r.slowestMs < 1000, `${r.url}: ${r.ok} ok, slowest ${r.slowestMs} ms`);
      }
    } finally {
      conns.forEach((c) => c.destroy());
      await doors.stop();
    }
  });

  // Straight: CheckRequests whose URL is 8,000 bytes of '%', '<', '&', '"', control bytes, 'é' (UTF-8) or 0xFF
  // (not UTF-8), in the query or the path; and one of 9,000 bytes (past --max-url-length). Held: no denial was more
  // than ~3x its request (the Location's percent-encoding: '%25' a byte, D31-F2's bound), invalid UTF-8 refused
  // INVALID_ARGUMENT with no body, the URL past the limit answered 400 in a few hundred bytes. The message is the same
  // bytes through nginx and Caddy (they forward it untouched), so only the straight door is measured.
  test('straight: no Check answer is more than ~3x its request, whatever bytes its 8 KB URL holds', { timeout: 30000 }, async () => {
    const field = (n, bytes) => Buffer.concat([varint((n << 3) | 2), varint(bytes.length), bytes]);
    const str = (n, b) => field(n, Buffer.isBuffer(b) ? b : Buffer.from(b, 'latin1'));
    const entry = (n, k, v) => field(n, Buffer.concat([str(1, k), str(2, v)]));
    const check = (p) => {
      const host = 'app.example.com';
      const http = Buffer.concat([str(1, 'id'), str(2, 'GET'), entry(3, ':authority', host), entry(3, ':method', 'GET'),
        entry(3, ':scheme', 'https'), str(4, p), str(5, host), str(6, 'https'), str(10, 'HTTP/2')]);
      return field(1, field(4, field(2, http)));
    };
    const fill = (prefix, n, b) => Buffer.concat([Buffer.from(prefix), Buffer.alloc(n, b)]);
    const cases = {
      percent: fill('/?', 8000, '%'), lt: fill('/?', 8000, '<'), amp: fill('/?', 8000, '&'), quote: fill('/?', 8000, '"'),
      control: fill('/?', 8000, 1), high: fill('/?', 8000, 0xff), highPath: fill('/', 8000, 0xff), percentPath: fill('/', 8000, '%'),
      utf8: Buffer.concat([Buffer.from('/?'), Buffer.from('é'.repeat(4000), 'utf8')]), overLimit: fill('/?', 9000, '%'),
    };
    const doors = await startBehindProxies();
    try {
      for (const [name, p] of Object.entries(cases)) {
        const message = check(p);
        const c = await RawH2.connect(doors.port);
        try {
          c.call(1, grpcFrame(message), callFields());
          const a = await c.stream(1, 5000);
          const answered = a.frames.reduce((n, f) => n + 9 + (f.data?.length ?? f.block?.length ?? 0), 0);
          assert.ok(answered <= 3 * message.length + 1024, `${name}: ${message.length} bytes asked, ${answered} answered`);
          if (name === 'overLimit') assert.ok(answered < 2048, `past --max-url-length: ${answered} bytes answered`);
        } finally {
          c.destroy();
        }
      }
    } finally {
      await doors.stop();
    }
  });
});
