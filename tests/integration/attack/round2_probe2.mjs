// [guard] attack round 2: more exploratory probes (not a test): raw framing, the Envoy HTTP door, upgrades.
import net from 'node:net';
import { startAttackStack, req, bob, alice } from './harness.mjs';

const J = ['Accept', 'application/json'];
const s = await startAttackStack({ proxies: false, extraFlags: ['--header-read-timeout=3s'] });
const B = bob();
const raw = (text, ms = 3000) => new Promise((resolve) => {
  const so = net.connect(s.ports.gatehouse, '127.0.0.1', () => so.write(text));
  let d = ''; so.on('data', (x) => { d += x.toString('latin1'); }); so.on('error', () => {});
  so.on('close', () => resolve(d)); setTimeout(() => { so.destroy(); resolve(d); }, ms);
});
const H = 'Host: app.example.test\r\n';
const cases = {
  'obs-fold': `GET /public/x HTTP/1.1\r\n${H}X-A: a\r\n b\r\nConnection: close\r\n\r\n`,
  'two Host': `GET /x HTTP/1.1\r\n${H}Host: other.test\r\nCookie: ${B}\r\nConnection: close\r\n\r\n`,
  'no Host 1.1': `GET /public/x HTTP/1.1\r\nConnection: close\r\n\r\n`,
  'no Host 1.0': `GET /public/x HTTP/1.0\r\n\r\n`,
  'abs userinfo': `GET http://x@app.example.test/public/x HTTP/1.1\r\n${H}Connection: close\r\n\r\n`,
  'abs https scheme': `GET https://app.example.test/public/x HTTP/1.1\r\n${H}Connection: close\r\n\r\n`,
  'abs other scheme': `GET ftp://app.example.test/public/x HTTP/1.1\r\n${H}Connection: close\r\n\r\n`,
  'asterisk OPTIONS': `OPTIONS * HTTP/1.1\r\n${H}Connection: close\r\n\r\n`,
  'authority CONNECT': `CONNECT app.example.test:80 HTTP/1.1\r\n${H}Connection: close\r\n\r\n`,
  'h2c upgrade public': `GET /public/x HTTP/1.1\r\n${H}Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n`,
  'envoy door bob /oauth2/envoy/ADMIN': `GET /oauth2/envoy/admin HTTP/1.1\r\n${H}Cookie: ${B}\r\nAccept: application/json\r\nConnection: close\r\n\r\n`,
  'envoy door nobody /oauth2/envoyX/public': `GET /oauth2/envoypublic/x HTTP/1.1\r\n${H}Accept: application/json\r\nConnection: close\r\n\r\n`,
  'envoy door nobody /oauth2/envoy': `GET /oauth2/envoy HTTP/1.1\r\n${H}Accept: application/json\r\nConnection: close\r\n\r\n`,
  'envoy door nobody OPTIONS /oauth2/envoy/admin': `OPTIONS /oauth2/envoy/admin HTTP/1.1\r\n${H}Accept: application/json\r\nConnection: close\r\n\r\n`,
  'oauth2 prefix case /OAUTH2/auth': `GET /OAUTH2/auth HTTP/1.1\r\n${H}Accept: application/json\r\nConnection: close\r\n\r\n`,
  'proxy path /oauth2/auth;x': `GET /oauth2/auth;x HTTP/1.1\r\n${H}X-Original-URL: http://app.example.test/public/x\r\nX-Original-Method: GET\r\nConnection: close\r\n\r\n`,
  'auth door with X-Original-URL public, relative': `GET /oauth2/auth HTTP/1.1\r\n${H}X-Original-URL: /public/x\r\nX-Original-Method: GET\r\nConnection: close\r\n\r\n`,
  'userinfo nobody': `GET /oauth2/userinfo HTTP/1.1\r\n${H}Connection: close\r\n\r\n`,
  'userinfo bob': `GET /oauth2/userinfo HTTP/1.1\r\n${H}Cookie: ${B}\r\nConnection: close\r\n\r\n`,
  'sign_out GET cross-site': `GET /oauth2/sign_out HTTP/1.1\r\n${H}Cookie: ${B}\r\nConnection: close\r\n\r\n`,
  'start with X-Auth-Request-Redirect evil': `GET /oauth2/start HTTP/1.1\r\n${H}X-Auth-Request-Redirect: https://evil.com/\r\nConnection: close\r\n\r\n`,
  'callback no csrf': `GET /oauth2/callback?state=x&code=y HTTP/1.1\r\n${H}Connection: close\r\n\r\n`,
  'proxy-prefix path via upstream: /oauth2/../x': `GET /oauth2/%2e%2e/admin HTTP/1.1\r\n${H}Accept: application/json\r\nConnection: close\r\n\r\n`,
  'Max-Forwards TRACE-ish: TRACK': `TRACK /public/x HTTP/1.1\r\n${H}Connection: close\r\n\r\n`,
};
try {
  for (const [name, text] of Object.entries(cases)) {
    const d = await raw(text);
    const end = d.indexOf('\r\n\r\n');
    const heads = d.slice(0, end).split('\r\n').filter((l) => /^HTTP|^location|^set-cookie/i.test(l)).join(' | ');
    let body = d.slice(end + 4, end + 4 + 400).replace(/\s+/g, ' ');
    try { const j = JSON.parse(d.slice(end + 4)); if (j.url) body = `APP: ${j.method} ${j.url} host=${j.headers.host} up=${j.headers.upgrade} conn=${j.headers.connection} h2s=${j.headers['http2-settings']} xa=${j.headers['x-a']}`; } catch {}
    console.log(`${name}\n  ${heads.slice(0, 300)}\n  ${body.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 30));
  }
  console.log(s.gatehouse.output.split('\n').filter((l) => /AuthFailure|refused|error|warn/.test(l) && !/discovery/.test(l)).slice(-30).join('\n'));
} finally { await s.stop(); }
