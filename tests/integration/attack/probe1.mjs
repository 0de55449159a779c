import { startAttackStack, req, bob } from './harness.mjs';
const s = await startAttackStack({ extraFlags: ['--whitelist-domain=.example.test'] });
const B = bob();
const show = (label, r) => console.log(`\n### ${label}\n  status=${r.status} app=${r.app ? JSON.stringify({ m: r.app.method, url: r.app.url, host: r.app.headers.host, xu: r.app.headers['x-auth-request-email'], xg: r.app.headers['x-auth-request-groups'] }) : '-'}\n  log: ${r.log.split('\n').filter(l=>!/metrics/.test(l)).join('\n       ')}`);
try {
  const cases = [
    ['nginx bob /admin (control)', 'nginx', { target: '/admin', headers: [['Cookie', B], ['Accept', 'application/json']] }],
    ['nginx bob /admin Host app.example.test?', 'nginx', { target: '/admin', host: 'app.example.test?', headers: [['Cookie', B], ['Accept', 'application/json']] }],
    ['nginx nobody /admin Host app.example.test?', 'nginx', { target: '/admin', host: 'app.example.test?', headers: [['Accept', 'application/json']] }],
    ['ingress bob /admin Host app.example.test?', 'ingress', { target: '/admin', host: 'app.example.test?', headers: [['Cookie', B], ['Accept', 'application/json']] }],
    ['caddy bob /admin Host app.example.test?', 'caddy', { target: '/admin', host: 'app.example.test?', headers: [['Cookie', B], ['Accept', 'application/json']] }],
    ['direct rp bob /admin Host app.example.test?', 'direct', { target: '/admin', host: 'app.example.test?', headers: [['Cookie', B], ['Accept', 'application/json']] }],
    ['nginx nobody /admin/../public/x', 'nginx', { target: '/admin/../public/x', headers: [['Accept', 'application/json']] }],
    ['nginx nobody /admin/%2e%2e/public/x', 'nginx', { target: '/admin/%2e%2e/public/x', headers: [['Accept', 'application/json']] }],
    ['caddy nobody /admin/../public/x', 'caddy', { target: '/admin/../public/x', headers: [['Accept', 'application/json']] }],
    ['caddy nobody /admin/%2e%2e/public/x', 'caddy', { target: '/admin/%2e%2e/public/x', headers: [['Accept', 'application/json']] }],
    ['rp nobody /admin/../public/x', 'direct', { target: '/admin/../public/x', headers: [['Accept', 'application/json']] }],
    ['rp nobody /admin;/../public/x', 'direct', { target: '/admin;/../public/x', headers: [['Accept', 'application/json']] }],
    ['nginx bob /admin.json', 'nginx', { target: '/admin.json', headers: [['Cookie', B], ['Accept', 'application/json']] }],
    ['nginx absolute-form bob http://app.example.test/admin Host other', 'nginx', { target: 'http://app.example.test/admin', host: 'other.test', headers: [['Cookie', B], ['Accept', 'application/json']] }],
    ['caddy absolute-form bob http://app.example.test/admin Host other', 'caddy', { target: 'http://app.example.test/admin', host: 'other.test', headers: [['Cookie', B], ['Accept', 'application/json']] }],
    ['rp absolute-form bob http://app.example.test/admin Host other', 'direct', { target: 'http://app.example.test/admin', host: 'other.test', headers: [['Cookie', B], ['Accept', 'application/json']] }],
    ['rp absolute-form bob http://other.test/admin Host app', 'direct', { target: 'http://other.test/admin', host: 'app.example.test', headers: [['Cookie', B], ['Accept', 'application/json']] }],
    ['nginx nobody inject groups /public', 'nginx', { target: '/public/x', headers: [['X-Auth-Request-Groups', 'admins'], ['X-Auth-Request-Email', 'root@example.com'], ['X-Forwarded-Email', 'root@example.com'], ['Accept', 'application/json']] }],
    ['caddy nobody inject groups /public', 'caddy', { target: '/public/x', headers: [['X-Auth-Request-Groups', 'admins'], ['X-Auth-Request-Email', 'root@example.com'], ['X-Auth-Request-User', 'root'], ['Accept', 'application/json']] }],
    ['caddy bob inject email lowercase dup', 'caddy', { target: '/x', headers: [['Cookie', B], ['x-auth-request-email', 'root@example.com'], ['Accept', 'application/json']] }],
  ];
  for (const [label, t, r] of cases) show(label, await s.send(t, req(r)));
  const rr = await s.send('caddy', req({ target: '/public/x', headers: [['X-Auth-Request-Email', 'root@example.com'], ['X-Auth-Request-User', 'root'], ['Accept', 'application/json']] }));
  console.log(JSON.stringify(rr.app?.headers));
} finally { await s.stop(); }
