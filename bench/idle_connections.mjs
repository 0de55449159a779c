// Opens COUNT keep-alive connections to 127.0.0.1:PORT, sends one request on each (so that each is a real,
// served connection, not only an accepted one), waits for every answer, then holds them idle for HOLD_MS and
// prints "open=N answered=M". Bounded: every socket has a timeout, and the process ends after HOLD_MS.
// Usage: node bench/idle_connections.mjs PORT COUNT HOLD_MS [COOKIE]
import net from 'node:net';

const [port, count, holdMs, cookie = ''] = [Number(process.argv[2]), Number(process.argv[3]), Number(process.argv[4]),
  process.argv[5]];
const request = `GET /oauth2/auth HTTP/1.1\r\nHost: 127.0.0.1\r\n${cookie ? `Cookie: ${cookie}\r\n` : ''}\r\n`;
const sockets = [];
let answered = 0;

function open() {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(request));
    s.setTimeout(holdMs + 30000, () => s.destroy());
    s.once('data', () => { answered++; resolve(); });
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
