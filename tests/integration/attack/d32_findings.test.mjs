// Issue 32: a cold attack on the gRPC ext_authz port (D31's fixes: the oldest streams of a thread reset past 4,096
// streams or 16 MiB of answer bytes not taken; CheckRequest URLs past --max-url-length denied 400), straight and
// through real nginx (grpc_pass) and Caddy (reverse_proxy h2c://). Each finding (D32-F1 …) asserts the SAFE outcome
// and FAILS on the binary attacked (atk-d32 at e0f5223). The `held` block keeps what was tried and held, as passing
// tests.
// Run: cd tests/integration && GATEHOUSE_BUILD_DIR=$PWD/../../build node --test attack/d32_findings.test.mjs
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { residentMb } from '../lib/processes.mjs';
import { CHECK, callFields, alice, checkMessage, checkOn, startBehindProxies, percentPathCheck } from './check_probe.mjs';
import { RawH2, Type, Flag, Setting, frame, settingsFrame, encodeHeaders, dataFrames, grpcFrame } from '../lib/h2_frames.mjs';

const sanitized = Boolean(process.env.ASAN_OPTIONS || process.env.TSAN_OPTIONS);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const skipRss = sanitized && 'resident memory under a sanitizer measures its quarantine';

// D32-F1's attack (answers of ~24 KB: percentPathCheck(8000), within --max-url-length), straight: `connections` raw
// connections, each announcing SETTINGS_INITIAL_WINDOW_SIZE 0 and sending 100 whole Checks (the default --grpc-max-concurrent-streams) of `message`; 150 ms later (all 100 answered, their
// ~24 KB answers waiting in their streams) a SETTINGS opening every stream's window: the client reads every answer.
// Every stream then closes, and its Stream goes to the session's spare list with its answer buffer (`out`, capacity
// kept up to 64 KiB: recycle() and evict() drop only larger ones). The connection then stays idle (no stream open).
async function concurrentThenRead(port, message, connections, streams = 100, { windowZero = true } = {}) {
  const hdr = encodeHeaders(callFields());
  const body = grpcFrame(message);
  const conns = [];
  for (let k = 0; k < connections; k++) {
    const c = await RawH2.connect(port, windowZero ? { settings: { [Setting.INITIAL_WINDOW_SIZE]: 0 } } : {});
    const parts = [];
    for (let i = 0; i < streams; i++) parts.push(frame(Type.HEADERS, Flag.END_HEADERS, 1 + 2 * i, hdr), ...dataFrames(1 + 2 * i, body, { endStream: true }));
    c.send(...parts);
    conns.push(c);
    await sleep(150);
    if (windowZero) c.send(settingsFrame({ [Setting.INITIAL_WINDOW_SIZE]: 0x7fffffff }));
    await sleep(20);
  }
  await sleep(2000);
  const ended = conns.reduce((n, c) => n + c.frames.filter((f) => f.type === Type.HEADERS && f.headers['grpc-status'] === '0').length, 0);
  return { conns, ended };
}

describe('D32-F1: a connection keeps every closed stream\'s answer buffer (up to 64 KiB each, 100 a connection): idle connections cost the server ~2.5 MB each', () => {
  // Sent straight, default flags: 60 connections, each SETTINGS_INITIAL_WINDOW_SIZE 0 then 100 whole Checks of
  // 8 KB (no session, path '/?' + 8,000 x '%', within --max-url-length), then a SETTINGS opening the windows: every
  // ~24 KB denial is read by the client, every stream closes, no answer byte is left untaken (so the thread's
  // 16 MiB answer limit never counts them) and no stream is open (the 4,096 cap does not either). ~50 MB sent once.
  // What happened: H2Session::recycle() puts each closed Stream on the connection's spare_ list keeping its `out`
  // buffer when its capacity is 64 KiB or less; spare_ is as long as the most streams the connection ever had open
  // at once (100). Each idle connection thus holds 100 x ~24 KB: resident memory grew ~150 MB for 60 idle
  // connections (~2.5 MB each, ~130x the ~19 KiB an idle connection is said to cost), linear in connections up to
  // --max-connections (16,384: ~40 GB), kept until --idle-timeout (120 s; one Check a minute keeps it for good),
  // and not given back to the system after the connections closed (arena memory). No budget counts it.
  // Safe: the server's growth stays within ~100 MB over its start beside idle connections' ~19 KiB each (here
  // 60 x 19 KiB ≈ 1 MB): a closed stream's answer buffer is given back (or spare streams and their buffers bounded
  // per connection / per thread), as GrpcCall's pool is (256 calls, 16 KiB bodies).
  // Fixed in session 16: a connection keeps spare streams only up to its open ones' number, 16 at least
  // (H2Session::trim_spares, run when the outermost call into the session returns, so that no stream closed during a
  // synchronous send is in use up the stack), and a closed stream's answer buffer past 2 KiB is given back for real:
  // session 15's `out = std::string()` kept it (libstdc++ copies a short string into the buffer it has; D33-F1).
  // Measured after: 9.0 MB (~149 MB before; 35 MB with the spares trimmed alone).
  test('straight: 60 connections x 100 concurrent 24 KB denials, read whole, then idle: resident memory grows by less than 100 MB', { skip: skipRss }, async () => {
    const doors = await startBehindProxies();
    let sent;
    try {
      assert.equal(await checkOn(doors.port, checkMessage(alice())), 'ok ok', 'served before');
      const before = residentMb(doors.gh.pid);
      sent = await concurrentThenRead(doors.port, percentPathCheck(8000), 60);
      const grown = residentMb(doors.gh.pid) - before;
      assert.ok(grown < 100, `${sent.ended} of 6,000 answers read whole, 60 connections idle: resident memory grew ` +
        `${grown.toFixed(1)} MB (from ${before.toFixed(1)} MB)`);
    } finally {
      sent?.conns.forEach((c) => c.destroy());
      await doors.stop();
    }
  });

});

// Through a proxy: `connections` node http2 sessions (added to `sessions`) of 100 Checks each, all held open by their
// last byte for 1.5 s so that they are in flight together, then ended; every answer is read. The bytes each got.
async function concurrentDenials(url, body, connections, sessions) {
  const done = [];
  const reqs = [];
  for (let k = 0; k < connections; k++) {
    const s = http2.connect(url);
    s.on('error', () => {});
    sessions.push(s);
    for (let i = 0; i < 100; i++) {
      const r = s.request({ ':method': 'POST', ':path': CHECK, 'content-type': 'application/grpc', te: 'trailers' });
      r.on('error', () => {});
      done.push(new Promise((resolve) => { let got = 0; r.on('data', (d) => { got += d.length; }); r.on('close', () => resolve(got)); }));
      r.write(body.subarray(0, body.length - 1));
      reqs.push(r);
    }
  }
  await sleep(1500);
  reqs.forEach((r) => r.end(body.subarray(body.length - 1)));
  return Promise.race([Promise.all(done), sleep(15000).then(() => [])]);
}

describe('held: what was tried on the answer buffers and held', () => {
  // D32-F1's attack through Caddy (reverse_proxy h2c://): 3 client sessions x 100 Checks, each body sent but its last
  // byte held (so Caddy carries 300 concurrent streams upstream), then every last byte sent and every ~24 KB answer
  // read. Measured ~12 MB: Caddy keeps few upstream connections (a new one only past 100 concurrent streams), so the
  // spare buffers are a few connections' worth. Held within the claim; bounded by Caddy's pool, not by Gatehouse.
  test('via Caddy: 300 concurrent 24 KB denials, read whole: resident memory grows by less than 30 MB (few upstream connections)', { skip: skipRss }, async () => {
    const doors = await startBehindProxies();
    const sessions = [];
    try {
      assert.equal(await checkOn(doors.caddyPort, checkMessage(alice())), 'ok ok', 'served before');
      const before = residentMb(doors.gh.pid);
      const body = grpcFrame(percentPathCheck(8000));
      const got = await concurrentDenials(`http://127.0.0.1:${doors.caddyPort}`, body, 3, sessions);
      await sleep(1000);
      const grown = residentMb(doors.gh.pid) - before;
      assert.ok(grown < 30, `${got.filter((n) => n > 20000).length} of 300 answers read whole through Caddy: ` +
        `resident memory grew ${grown.toFixed(1)} MB (from ${before.toFixed(1)} MB)`);
    } finally {
      sessions.forEach((s) => s.destroy());
      await doors.stop();
    }
  });

  test('straight: the same 6,000 denials sent without window 0 (answered and taken one stream after another) grow memory by less than 30 MB', { skip: skipRss }, async () => {
    // The same Checks, read at once: a connection rarely has more than a few streams open at a time, so its spare
    // list (and the buffers it keeps) stays short.
    const doors = await startBehindProxies();
    let sent;
    try {
      const before = residentMb(doors.gh.pid);
      sent = await concurrentThenRead(doors.port, percentPathCheck(8000), 60, 100, { windowZero: false });
      const grown = residentMb(doors.gh.pid) - before;
      assert.ok(grown < 30, `${sent.ended} read: grew ${grown.toFixed(1)} MB`);
    } finally {
      sent?.conns.forEach((c) => c.destroy());
      await doors.stop();
    }
  });

  test('via nginx grpc_pass: 600 concurrent 24 KB denials (a new upstream connection per call) grow memory by less than 100 MB', { skip: skipRss }, async () => {
    // nginx's grpc_pass without `keepalive` opens an upstream connection per call, closed with it: no connection
    // collects spare streams. Each request's last byte is held so that all are concurrent. Measured ~46 MB (what
    // glibc's arenas keep of 600 concurrent calls), within the claim's 100 MB; not growing with connections kept.
    const doors = await startBehindProxies();
    const sessions = [];
    try {
      const before = residentMb(doors.gh.pid);
      const body = grpcFrame(percentPathCheck(8000));
      const got = await concurrentDenials(`http://127.0.0.1:${doors.nginxPort}`, body, 6, sessions);
      await sleep(1000);
      const grown = residentMb(doors.gh.pid) - before;
      assert.ok(grown < 100, `${got.filter((n) => n > 20000).length} of 600 read: grew ${grown.toFixed(1)} MB`);
      assert.equal(await checkOn(doors.nginxPort, checkMessage(alice())), 'ok ok');
    } finally {
      sessions.forEach((s) => s.destroy());
      await doors.stop();
    }
  });
});
