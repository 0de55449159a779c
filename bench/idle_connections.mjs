// Opens COUNT keep-alive connections to 127.0.0.1:PORT, sends one request on each (so that each is a real,
// served connection, not only an accepted one), waits for every answer, then holds them idle for HOLD_MS and
// prints "open=N answered=M". Bounded: every socket has a timeout, and the process ends after HOLD_MS.
// Usage: node bench/idle_connections.mjs PORT COUNT HOLD_MS [COOKIE] [--h2=CHECK_BODY_FILE]
// With --h2 each connection is HTTP/2 (prior knowledge) and its one request a gRPC Check with the body given
// (bench/grpc_load.cpp --write-body), framed here by hand: node:http2 sessions cost too much to hold 10,000.
import fs from 'node:fs';
import net from 'node:net';

const [port, count, holdMs, cookie = ''] = [Number(process.argv[2]), Number(process.argv[3]), Number(process.argv[4]),
  process.argv[5]];
const h2Body = process.argv.find((a) => a.startsWith('--h2='))?.slice(5);
const request = `GET /oauth2/auth HTTP/1.1\r\nHost: 127.0.0.1\r\n${cookie ? `Cookie: ${cookie}\r\n` : ''}\r\n`;
const sockets = [];
let answered = 0;

// --- HTTP/2 by hand: frames (RFC 9113 §4.1) and HPACK literals without indexing (RFC 7541 §6.2.2), short values.
const frame = (type, flags, stream, payload) => {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(stream, 5);
  return Buffer.concat([head, payload]);
};
const literal = (name, value) => Buffer.concat([Buffer.from([0, name.length]), Buffer.from(name),
  Buffer.from([value.length]), Buffer.from(value)]);
const h2Request = h2Body && Buffer.concat([
  Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
  frame(4, 0, 0, Buffer.alloc(0)),                                                // SETTINGS
  frame(1, 4, 1, Buffer.concat([literal(':method', 'POST'), literal(':scheme', 'http'),
    literal(':path', '/envoy.service.auth.v3.Authorization/Check'), literal(':authority', '127.0.0.1'),
    literal('content-type', 'application/grpc'), literal('te', 'trailers')])),   // HEADERS, END_HEADERS
  frame(0, 1, 1, fs.readFileSync(h2Body)),                                        // DATA, END_STREAM
]);

// Answered once the server's trailers (HEADERS with END_STREAM on stream 1) arrive; the server's SETTINGS acked.
function readH2(s, done) {
  let pending = Buffer.alloc(0);
  let acked = false;
  s.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 9) {
      const length = pending.readUIntBE(0, 3);
      if (pending.length < 9 + length) break;
      const [type, flags, stream] = [pending[3], pending[4], pending.readUInt32BE(5) & 0x7fffffff];
      if (type === 4 && !(flags & 1) && !acked) {
        acked = true;
        s.write(frame(4, 1, 0, Buffer.alloc(0)));
      }
      if (type === 1 && stream === 1 && (flags & 1)) done();
      pending = pending.subarray(9 + length);
    }
  });
}

function open() {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(h2Request || request));
    s.setTimeout(holdMs + 30000, () => s.destroy());
    const done = () => { answered++; resolve(); };
    if (h2Request) readH2(s, done);
    else s.once('data', done);
    s.on('error', () => resolve());
    sockets.push(s);
  });
}

// In batches, so the listen backlog is never the limit being measured.
for (let i = 0; i < count; i += 500) {
  await Promise.all(Array.from({ length: Math.min(500, count - i) }, open));
}
const alive = sockets.filter((s) => !s.destroyed).length;
console.log(`open=${alive} answered=${answered}`);
await new Promise((r) => setTimeout(r, holdMs));
for (const s of sockets) s.destroy();
