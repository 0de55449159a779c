// Odd methods and a few last host forms through nginx.
import { startAttackStack, req, bob } from './harness.mjs';
const s = await startAttackStack({});
const B = bob();
const J = ['Accept', 'application/json'];
try {
  for (const [t, r] of [
    ['nginx', { method: 'get', target: '/admin', headers: [['Cookie', B], J] }],
    ['nginx', { method: 'HEAD', target: '/admin', headers: [['Cookie', B], J] }],
    ['nginx', { target: '/admin', host: 'app.example.test:80?', headers: [['Cookie', B], J] }],
    ['nginx', { target: '/admin', host: 'app.example.test?@evil', headers: [['Cookie', B], J] }],
    ['nginx', { target: '/admin', host: 'app.example.test:', headers: [['Cookie', B], J] }],
    ['nginx', { target: '/admin', host: 'app.example.test ', headers: [['Cookie', B], J] }],
    ['caddy', { target: '/admin', host: 'app.example.test:', headers: [['Cookie', B], J] }],
    ['caddy', { method: 'get', target: '/admin', headers: [['Cookie', B], J] }],
    ['nginx', { target: '/admin', version: 'HTTP/1.0', host: undefined, headers: [['Cookie', B], J] }],
    ['caddy', { target: '/admin', version: 'HTTP/1.0', host: undefined, headers: [['Cookie', B], J] }],
  ]) {
    const x = await s.send(t, req(r));
    console.log(`${t} ${r.method ?? 'GET'} ${r.target} Host=${JSON.stringify(r.host)} → ${x.status} app=${x.app ? x.app.method + ' ' + x.app.url : '-'} | ${x.log.split('\n').filter((l) => /AuthFailure|oauth2/.test(l)).map((l) => l.replace(/^.*\] /, '')).join(' / ')}`);
  }
} finally { await s.stop(); }
