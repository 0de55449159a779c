import { startAttackStack, req, bob } from './harness.mjs';
import { checkRequest } from '../lib/ext_authz_client.mjs';
import { mintCookie } from '../lib/processes.mjs';
const s = await startAttackStack({ proxies: false });
const B = bob();
const brief = (r) => r.denied_response ? `denied ${r.denied_response.status?.code}` : `ok headers=${JSON.stringify((r.ok_response?.headers ?? []).map((h) => h.header?.key + '=' + h.header?.value))}`;
try {
  const cases = [
    ['control /admin', { host: 'app.example.test', path: '/admin' }],
    ['path ?/admin', { host: 'app.example.test', path: '?/admin' }],
    ['path empty', { host: 'app.example.test', path: '' }],
    ['host app.example.test? path /admin', { host: 'app.example.test?', path: '/admin' }],
    ['host other.test /admin', { host: 'other.test', path: '/admin' }],
    ['path /admin/../public/x nobody', { host: 'app.example.test', path: '/admin/../public/x', nobody: true }],
    [':path header differs from attributes path', { host: 'app.example.test', path: '/public/x', nobody: true, headers: { ':path': '/admin' } }],
    [':authority differs', { host: 'app.example.test', path: '/admin', headers: { ':authority': 'other.test' } }],
    ['x-envoy-original-path /public', { host: 'app.example.test', path: '/admin', nobody: true, headers: { 'x-envoy-original-path': '/public/x' } }],
    ['method lowercase options /admin nobody', { host: 'app.example.test', path: '/admin', method: 'options', nobody: true }],
    ['method OPTIONS /admin nobody', { host: 'app.example.test', path: '/admin', method: 'OPTIONS', nobody: true }],
  ];
  for (const [label, c] of cases) {
    const headers = { accept: 'application/json', ...(c.nobody ? {} : { cookie: B }), ...(c.headers ?? {}) };
    const base = checkRequest({ method: c.method ?? 'GET', host: c.host, path: c.path, scheme: 'https', headers });
    Object.assign(base.attributes.request.http.headers, c.headers ?? {});
    let r; try { r = brief(await s.grpc.check(base)); } catch (e) { r = 'error ' + e.message; }
    await new Promise((res) => setTimeout(res, 30));
    console.log(`grpc ${label}: ${r}`);
  }
  console.log(s.gatehouse.output.split('\n').filter((l) => /AuthFailure|grpc|Check/i.test(l)).slice(-12).join('\n'));
  // cookie tampering
  const J = ['Accept', 'application/json'];
  const expired = mintCookie({ user: 'bob', email: 'bob@example.com', 'expires-in': '-5' });
  const otherName = mintCookie({ user: 'alice', email: 'alice@example.com', groups: 'admins', 'cookie-name': '_other' }).replace(/^_other/, '_oauth2_proxy');
  const chunked = mintCookie({ user: 'alice', email: 'alice@example.com', groups: 'admins', 'group-padding': '200' });
  const chunkedBob = mintCookie({ user: 'bob', email: 'bob@example.com', groups: 'devs', 'group-padding': '200' });
  const mixed = chunked.split('; ').slice(0, 1).concat(chunkedBob.split('; ').slice(1)).join('; ');
  for (const [label, cookie, target] of [['expired', expired, '/x'], ['sealed under another cookie name', otherName, '/admin'], ['chunks mixed alice+bob', mixed, '/x'],
    ['alice chunked (control)', chunked, '/admin'], ['plain cookie + chunk cookies', `${B}; ${chunked}`, '/admin'], ['chunked then plain', `${chunked}; ${B}`, '/admin'],
    ['bob cookie with trailing junk', B + 'AAAA', '/x'], ['cookie value quoted', B.replace('=', '="') + '"', '/x']]) {
    const r = await s.send('direct', req({ target, headers: [['Cookie', cookie], J] }));
    console.log(`cookie ${label} ${target}: ${r.status} user=${r.app?.headers['x-forwarded-email'] ?? '-'} | ${r.log.split('\n').filter((l) => /AuthFailure|warn|error/.test(l)).join(' ')}`);
  }
} finally { await s.stop(); }
