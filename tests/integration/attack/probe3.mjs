// HTTP parsing, smuggling and slow clients, straight at Gatehouse (reverse-proxy mode in front of a recording app).
import net from 'node:net';
import { startGatehouse, freePort, mintCookie } from '../lib/processes.mjs';
import { writePolicy, guardFlags } from '../lib/guard_stack.mjs';

// An upstream that records every request it parses (method, url, headers, body) from raw bytes.
const seen = [];
const appPort = await freePort();
const app = net.createServer((sock) => {
  let buf = '';
  sock.on('data', (d) => {
    buf += d.toString('latin1');
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.slice(0, end); const lines = head.split('\r\n');
      const hdrs = {}; for (const l of lines.slice(1)) { const i = l.indexOf(':'); hdrs[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim(); }
      let rest = buf.slice(end + 4); let body = '';
      if (hdrs['transfer-encoding']) {
        const term = rest.indexOf('0\r\n\r\n'); if (term < 0) return; body = rest.slice(0, term + 5); rest = rest.slice(term + 5);
      } else { const n = Number(hdrs['content-length'] ?? 0); if (rest.length < n) return; body = rest.slice(0, n); rest = rest.slice(n); }
      buf = rest;
      seen.push({ line: lines[0], hdrs, body });
      const out = JSON.stringify({ line: lines[0] });
      sock.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${out.length}\r\n\r\n${out}`);
    }
  });
  sock.on('error', () => {});
});
await new Promise((r) => app.listen(appPort, '127.0.0.1', r));
const gh = await startGatehouse([...guardFlags(writePolicy()), `--upstream=http://127.0.0.1:${appPort}/`,
  '--header-read-timeout=2s', '--idle-timeout=20s', '--max-connections=30']);
const B = mintCookie({ user: 'bob', email: 'bob@example.com', groups: 'devs' });

function exchange(text, { wait = 1500, pieces } = {}) {
  return new Promise((resolve) => {
    const s = net.connect(gh.port, '127.0.0.1');
    let data = ''; const t0 = Date.now(); let closedAt;
    s.on('data', (d) => { data += d.toString('latin1'); });
    s.on('error', () => {});
    s.on('close', () => { closedAt = Date.now() - t0; resolve({ data, closedAt }); });
    s.on('connect', async () => {
      if (pieces) for (const p of pieces) { s.write(p[0]); await new Promise((r) => setTimeout(r, p[1])); }
      else s.write(text);
    });
    setTimeout(() => { s.destroy(); resolve({ data, closedAt: `open after ${wait}` }); }, wait);
  });
}
const statuses = (d) => [...d.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => m[1]).join(',');
async function run(label, text, opts) {
  const before = seen.length;
  const r = await exchange(text, opts);
  console.log(`\n### ${label}\n  answers=${statuses(r.data)} closed=${r.closedAt}\n  app saw: ${JSON.stringify(seen.slice(before).map((x) => x.line + (x.body ? ' body=' + JSON.stringify(x.body) : '')))}`);
}
const H = 'Host: app.example.test\r\n';
const C = `Cookie: ${B}\r\n`;
try {
  await run('TE xchunked + CL, smuggled GET /admin in body (nobody, /public)', `POST /public/x HTTP/1.1\r\n${H}Transfer-Encoding: xchunked\r\nContent-Length: 48\r\n\r\nGET /admin HTTP/1.1\r\nHost: app.example.test\r\n\r\n`);
  await run('TE chunked, identity', `POST /public/x HTTP/1.1\r\n${H}Transfer-Encoding: chunked, identity\r\n\r\n5\r\nhello\r\n0\r\n\r\n`);
  await run('TE identity, chunked', `POST /public/x HTTP/1.1\r\n${H}Transfer-Encoding: identity, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`);
  await run('TE chunked + CL (CL.TE)', `POST /public/x HTTP/1.1\r\n${H}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET /admin HTTP/1.1\r\n${H}\r\n`);
  await run('two TE headers', `POST /public/x HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n5\r\nhello\r\n0\r\n\r\n`);
  await run('TE: Chunked (case)', `POST /public/x HTTP/1.1\r\n${H}Transfer-Encoding: Chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`);
  await run('TE with space before colon', `POST /public/x HTTP/1.1\r\n${H}Transfer-Encoding : chunked\r\nContent-Length: 3\r\n\r\nabc`);
  await run('two different CL', `POST /public/x HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 40\r\n\r\nabc`);
  await run('CL +3', `POST /public/x HTTP/1.1\r\n${H}Content-Length: +3\r\n\r\nabc`);
  await run('chunk size overflow', `POST /public/x HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff1\r\nhello\r\n0\r\n\r\n`);
  await run('chunk ext / bare LF', `POST /public/x HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5;a=b\nhello\r\n0\r\n\r\n`);
  await run('HTTP/1.0 with TE chunked', `POST /public/x HTTP/1.0\r\n${H}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`);
  await run('obs-fold header', `GET /public/x HTTP/1.1\r\n${H}X-A: a\r\n b\r\n\r\n`);
  await run('bare LF line endings', `GET /public/x HTTP/1.1\n${H.replace('\r', '')}\n`);
  await run('NUL in header value', `GET /public/x HTTP/1.1\r\n${H}X-A: a\0b\r\n\r\n`);
  await run('HTTP/0.9', `GET /public/x\r\n\r\n`);
  await run('HTTP/2.0 version', `GET /public/x HTTP/2.0\r\n${H}\r\n`);
  await run('HTTP/1.1 no Host', `GET /public/x HTTP/1.1\r\n\r\n`);
  await run('HTTP/1.0 no Host', `GET /public/x HTTP/1.0\r\n\r\n`);
  await run('two Hosts', `GET /public/x HTTP/1.1\r\n${H}Host: other.test\r\n\r\n`);
  await run('lowercase method get', `get /admin HTTP/1.1\r\n${H}\r\n`);
  await run('method with odd chars', `G(T /public/x HTTP/1.1\r\n${H}\r\n`);
  await run('asterisk-form OPTIONS *', `OPTIONS * HTTP/1.1\r\n${H}\r\n`);
  await run('authority-form CONNECT', `CONNECT app.example.test:80 HTTP/1.1\r\n${H}\r\n`);
  await run('CONNECT path /admin nobody', `CONNECT /admin HTTP/1.1\r\n${H}\r\n`);
  await run('pipelined public + admin nobody', `GET /public/x HTTP/1.1\r\n${H}\r\nGET /admin HTTP/1.1\r\n${H}Accept: application/json\r\n\r\n`);
  await run('upgrade websocket to /public then bytes', `GET /public/x HTTP/1.1\r\n${H}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\nGET /admin HTTP/1.1\r\n${H}\r\n`);
  await run('upgrade h2c to /public then bytes', `GET /public/x HTTP/1.1\r\n${H}Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\nGET /admin HTTP/1.1\r\n${H}\r\n`);
  await run('Connection: close, X-Auth-Request-Email hop-by-hop strip of identity?', `GET /x HTTP/1.1\r\n${H}${C}Connection: X-Auth-Request-Email, X-Forwarded-For, Cookie\r\n\r\n`);
  await run('Expect 100-continue body to /public', `POST /public/x HTTP/1.1\r\n${H}Content-Length: 5\r\nExpect: 100-continue\r\n\r\nhello`);
  await run('slowloris silent connection', '', { wait: 25000, pieces: [] });
  await run('slowloris 1 byte / 500 ms', '', { wait: 8000, pieces: Array.from('GET /public/x HTTP/1.1\r\nHost: app.example.test\r\nX-a: b\r\n\r\n', (c) => [c, 500]) });
  await run('huge header 1 MB', `GET /public/x HTTP/1.1\r\n${H}X-A: ${'a'.repeat(1 << 20)}\r\n\r\n`);
  await run('200 headers', `GET /public/x HTTP/1.1\r\n${H}${'X-A: b\r\n'.repeat(200)}\r\n`);
} finally {
  await gh.stop(); app.close();
  console.log('\n--- gatehouse log tail\n' + gh.output.split('\n').filter((l) => !/discovery/.test(l)).slice(-60).join('\n'));
}
