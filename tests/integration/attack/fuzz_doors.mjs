// Random original-request header sets at /oauth2/auth, /oauth2/forward_auth, the Envoy door and reverse-proxy
// mode, on keep-alive connections: Gatehouse must never crash, answer 5xx, or allow bob on a path whose
// normalised form is under /admin. Prints a summary; exits 1 on a problem.
import net from 'node:net';
import { startAttackStack, bob } from './harness.mjs';
const s = await startAttackStack({ proxies: false });
const B = bob();
let seed = Number(process.argv[2] ?? 1);
const rnd = (n) => { seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0; return seed % n; };
const pick = (a) => a[rnd(a.length)];
const hosts = ['app.example.test', 'APP.example.test.', 'app.example.test:8080', 'app.example.test?', 'app.example.test#', '[::1]', '[', 'a..b', '', 'app.example.test@x', 'x@app.example.test', 'app.example.test\\x', 'app.example.test%2e', '\u00e4pp.example.test', 'app.example.test:99999', 'app.example.test:', ':80', '.'];
const segs = ['admin', 'public', 'x', '..', '.', '%2e%2e', '%2E', ';x', '..;', 'admin;a=b', '%61dmin', '%2f', '%5c', '%3f', '%23', '%00', '%zz', '%', '', 'open', 'endpoint', '%c0%ae', '\u00e9', '~', 'ADMIN', '*'];
const path = () => { let p = ''; const n = 1 + rnd(5); for (let i = 0; i < n; i++) p += '/' + pick(segs); if (rnd(4) === 0) p += '?' + pick(['a=/admin', '/public', '', '#x']); return rnd(10) === 0 ? p.slice(1) : p; };
const methods = ['GET', 'OPTIONS', 'get', 'POST', 'G T', '', 'HEAD', 'CONNECT'];
const counts = {};
let problems = 0;
function exchange(text) {
  return new Promise((resolve) => {
    const so = net.connect(s.ports.gatehouse, '127.0.0.1', () => so.write(text));
    let d = ''; so.on('data', (x) => { d += x.toString('latin1'); }); so.on('error', () => {});
    so.on('close', () => resolve(d));
    setTimeout(() => { so.destroy(); resolve(d || 'TIMEOUT'); }, 3000);
  });
}
function normalised(p) {
  const q = p.split('?')[0]; const out = [];
  for (let seg of q.split('/').slice(1)) {
    try { seg = decodeURIComponent(seg.replace(/%(?![0-9a-fA-F]{2})/g, '%25')); } catch { /* keep */ }
    seg = seg.split(';')[0];
    if (seg === '..') out.pop(); else if (seg !== '.' && seg !== '') out.push(seg);
  }
  return '/' + out.join('/');
}
const N = Number(process.argv[3] ?? 1500);
for (let i = 0; i < N; i++) {
  const door = pick(['auth', 'forward', 'envoy', 'rp']);
  const host = pick(hosts), p = path(), m = pick(methods);
  let text;
  if (door === 'auth') text = `GET /oauth2/auth HTTP/1.1\r\nHost: gh\r\nX-Original-URL: ${pick(['http', 'https', 'HTTP', 'ftp', ''])}://${host}${p}\r\nX-Original-Method: ${m}\r\n`;
  else if (door === 'forward') text = `GET /oauth2/forward_auth HTTP/1.1\r\nHost: gh\r\nX-Forwarded-Method: ${m}\r\nX-Forwarded-Proto: ${pick(['http', 'https', 'h'])}\r\nX-Forwarded-Host: ${host}\r\nX-Forwarded-Uri: ${p}\r\n`;
  else if (door === 'envoy') text = `${m || 'GET'} /oauth2/envoy${p} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 0\r\n`;
  else text = `${m || 'GET'} ${p || '/'} HTTP/1.1\r\nHost: ${host}\r\n`;
  text += `Cookie: ${B}\r\nAccept: application/json\r\nConnection: close\r\n\r\n`;
  const d = await exchange(text);
  const status = d === 'TIMEOUT' ? 'TIMEOUT' : (d.match(/^HTTP\/1\.1 (\d{3})/)?.[1] ?? 'none');
  counts[`${door} ${status}`] = (counts[`${door} ${status}`] ?? 0) + 1;
  const allowed = (door === 'auth' && status === '202') || (door !== 'auth' && status === '200');
  const n = normalised(p.startsWith('/') ? p : '/' + p);
  const adminish = /^\/admin(\/|$)/.test(n);
  if (status >= '500' || status === 'TIMEOUT' || status === 'none' || (allowed && adminish && p.startsWith('/') && /^app\.example\.test\.?(:\d+)?$/i.test(host) && !/^(OPTIONS)$/.test(m))) {
    problems++;
    if (problems <= 15) console.log(`PROBLEM ${door} ${status}: ${JSON.stringify(text.split('\r\nCookie')[0])}`);
  }
  if (s.gatehouse.child.exitCode !== null) { console.log('GATEHOUSE EXITED', s.gatehouse.output.slice(-2000)); break; }
}
console.log(counts, `problems=${problems}`);
await s.stop();
process.exit(problems ? 1 : 0);
