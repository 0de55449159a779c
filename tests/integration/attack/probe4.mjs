import net from 'node:net';
import { startAttackStack, req, bob, alice } from './harness.mjs';
const s = await startAttackStack({ extraFlags: ['--whitelist-domain=.example.test', '--max-connections=40', '--idle-timeout=15s', '--header-read-timeout=2s'] });
const B = bob(), A = alice();
const J = ['Accept', 'application/json'];
const show = (label, r) => console.log(`\n### ${label}\n  status=${r.status} loc=${r.headers.location ?? ''} app=${r.app ? JSON.stringify({ m: r.app.method, url: r.app.url, host: r.app.headers.host, xfh: r.app.headers['x-forwarded-host'], xfp: r.app.headers['x-forwarded-proto'], user: r.app.headers['x-forwarded-user'] ?? r.app.headers['x-auth-request-user'], email: r.app.headers['x-forwarded-email'] ?? r.app.headers['x-auth-request-email'], auth: r.app.headers.authorization }) : '-'}\n  log: ${r.log.split('\n').filter(l => !/discovery/.test(l)).join('\n       ')}`);
try {
  const cases = [
    ['nginx bob /admin Host other.test (default server)', 'nginx', { target: '/admin', host: 'other.test', headers: [['Cookie', B], J] }],
    ['nginx bob /admin Host [::1]', 'nginx', { target: '/admin', host: '[::1]', headers: [['Cookie', B], J] }],
    ['nginx bob /admin Host 127.0.0.1', 'nginx', { target: '/admin', host: '127.0.0.1', headers: [['Cookie', B], J] }],
    ['caddy bob /admin Host other.test', 'caddy', { target: '/admin', host: 'other.test', headers: [['Cookie', B], J] }],
    ['rp bob /x with X-Forwarded-Host other.test', 'direct', { target: '/x', headers: [['Cookie', B], J, ['X-Forwarded-Host', 'admin.other.test'], ['X-Forwarded-Proto', 'https']] }],
    ['rp bob /admin with X-Forwarded-Host other.test', 'direct', { target: '/admin', headers: [['Cookie', B], J, ['X-Forwarded-Host', 'other.test']] }],
    ['rp cookies: bob then alice, /admin', 'direct', { target: '/admin', headers: [['Cookie', `${B}; ${A}`], J] }],
    ['rp cookies: alice then bob, /admin', 'direct', { target: '/admin', headers: [['Cookie', `${A}; ${B}`], J] }],
    ['rp two Cookie headers bob,alice', 'direct', { target: '/admin', headers: [['Cookie', B], ['Cookie', A], J] }],
    ['nginx two Cookie headers bob,alice', 'nginx', { target: '/admin', headers: [['Cookie', B], ['Cookie', A], J] }],
    ['rp skip route with Authorization from client', 'direct', { target: '/open/a/endpoint', headers: [J, ['Authorization', 'Basic YWRtaW46YWRtaW4=']] }],
    ['rp public with Authorization from client', 'direct', { target: '/public/x', headers: [J, ['Authorization', 'Basic YWRtaW46YWRtaW4=']] }],
    ['rp OPTIONS /admin nobody (preflight)', 'direct', { method: 'OPTIONS', target: '/admin', headers: [J, ['Origin', 'http://x'], ['Access-Control-Request-Method', 'DELETE']] }],
    ['rp OPTIONS /admin X-HTTP-Method-Override DELETE', 'direct', { method: 'OPTIONS', target: '/admin', headers: [J, ['X-HTTP-Method-Override', 'DELETE']] }],
    ['rp /oauth2/envoy/admin via rp path', 'direct', { target: '/oauth2/envoy/admin', headers: [['Cookie', B], J] }],
    ['envoy door /oauth2/envoy/../admin', 'direct', { target: '/oauth2/envoy/../admin', headers: [['Cookie', B], J] }],
    ['envoy door /oauth2/envoy;x/admin', 'direct', { target: '/oauth2/envoy;x/admin', headers: [['Cookie', B], J] }],
    ['envoy door /oauth2/envoy//admin', 'direct', { target: '/oauth2/envoy//admin', headers: [['Cookie', B], J] }],
    ['envoy door /oauth2/envoy?/admin', 'direct', { target: '/oauth2/envoy?/admin', headers: [['Cookie', B], J] }],
    ['rp /oauth2/auth;x path', 'direct', { target: '/oauth2/auth;x', headers: [['Cookie', B], J] }],
    ['rp /oauth2//auth', 'direct', { target: '/oauth2//auth', headers: [J] }],
    ['rp /OAUTH2/userinfo', 'direct', { target: '/OAUTH2/userinfo', headers: [J] }],
    ['rp /ping with UA /admin? ping path exact', 'direct', { target: '/ping/../admin', headers: [J, ['User-Agent', 'GoogleHC/1.0']] }],
    ['rp /ping;x', 'direct', { target: '/ping;x', headers: [J] }],
  ];
  for (const [label, t, r] of cases) show(label, await s.send(t, req(r)));
  for (const rd of ['https://evil.com', '//evil.com', '/\\evil.com', '/%5cevil.com', '/%2f%2fevil.com', 'https://evil.com%23.app.example.test', 'https://app.example.test.evil.com', 'https://evil.com?.example.test', 'https://xn--exmple-cua.test', 'HTTPS://APP.EXAMPLE.TEST/ok', 'https://app.example.test:443@evil.com', 'https://app.example.test/%2e%2e//evil.com', '/.%2e//evil.com', 'https:/evil.com', 'https:evil.com', 'javascript:alert(1)//.example.test', '/%09/evil.com', 'https://evil。com', 'https://app.example.test%00.evil.com', 'https://example.test', 'https://.example.test', 'https://a..example.test', 'https://evil.com\\.example.test', 'https://app.example.test:65536']) {
    const r = await s.send('direct', req({ target: `/oauth2/sign_out?rd=${encodeURIComponent(rd)}`, host: 'auth.example.test' }));
    console.log(`rd ${JSON.stringify(rd)} → ${r.status} ${r.headers.location}`);
  }
  for (const [name, v] of [['X-Auth-Request-Redirect', 'https://evil.com'], ['X-Auth-Request-Redirect', '//evil.com']]) {
    const r = await s.send('direct', req({ target: '/oauth2/sign_out', host: 'auth.example.test', headers: [[name, v]] }));
    console.log(`${name}: ${v} → ${r.status} ${r.headers.location}`);
  }
  // forward_auth's sign-in redirect: Host decides the rd
  const fa = await s.send('caddy', req({ target: '/x', host: 'evil.com', headers: [['Accept', 'text/html']] }));
  console.log('caddy Host evil.com, browser → ', fa.status, fa.headers.location);
  const fa2 = await s.send('direct', req({ target: '/oauth2/forward_auth', host: '127.0.0.1', headers: [['X-Forwarded-Method', 'GET'], ['X-Forwarded-Proto', 'https'], ['X-Forwarded-Host', 'evil.com'], ['X-Forwarded-Uri', '/x'], ['Accept', 'text/html']] }));
  console.log('forward_auth X-Forwarded-Host evil.com → ', fa2.status, fa2.headers.location);
  // connection exhaustion by silent sockets
  const socks = [];
  for (let i = 0; i < 45; i++) { const so = net.connect(s.ports.gatehouse, '127.0.0.1'); so.on('error', () => {}); socks.push(so); }
  await new Promise((r) => setTimeout(r, 500));
  const t0 = Date.now();
  const r1 = await s.send('direct', req({ target: '/public/x', headers: [J] })).catch((e) => ({ status: 'err ' + e.message, headers: {}, log: '' }));
  console.log(`\nafter 45 silent sockets (max 40): /public → ${r1.status}`);
  const r2 = await s.send('nginx', req({ target: '/public/x', headers: [J] })).catch((e) => ({ status: 'err ' + e.message, headers: {}, log: '' }));
  console.log(`through nginx: /public → ${r2.status}`);
  await new Promise((r) => setTimeout(r, 5000));
  const r3 = await s.send('direct', req({ target: '/public/x', headers: [J] })).catch((e) => ({ status: 'err ' + e.message, headers: {}, log: '' }));
  console.log(`5.5 s later (header timeout 2 s): /public → ${r3.status}; sockets closed by server: ${socks.filter((x) => x.destroyed || x.readableEnded).length}`);
  socks.forEach((x) => x.destroy());
} finally { await s.stop(); }
