// [guard] attack round 2: exploratory probes (not a test). Prints what each door answered and what the app got.
// Run: GATEHOUSE_BUILD_DIR=$PWD/build node tests/integration/attack/round2_probe.mjs [section…]
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { startAttackStack, req, bob, alice } from './harness.mjs';
import { startPlainCaddy } from '../lib/guard_stack.mjs';
import { Proc, freePort, tempDir, waitForPort, mintCookie } from '../lib/processes.mjs';
import { checkRequest } from '../lib/ext_authz_client.mjs';

const J = ['Accept', 'application/json'];
const want = process.argv.slice(2);
const on = (name) => want.length === 0 || want.includes(name);
const s = await startAttackStack({ extraFlags: ['--api-route=^/api/', '--header-read-timeout=3s'] });
const B = bob(); const A = alice();
const show = (label, r) => console.log(`${label}\n  -> ${r.status} ${r.app ? `APP got ${r.app.method} ${r.app.url} ` +
  JSON.stringify(Object.fromEntries(Object.entries(r.app.headers).filter(([k]) => /auth|forwarded|gap|cookie|host|real/i.test(k)))) : r.body.slice(0, 100).replace(/\s+/g, ' ')}` +
  `\n  log: ${r.log.split('\n').filter((l) => /AuthFailure|AuthSuccess|reason|\[error\]|warn/.test(l)).join(' | ').slice(0, 400)}`);

// Caddy as deploy/examples/caddy/Caddyfile configures it (four copy_headers).
async function exampleCaddy() {
  const port = await freePort();
  const dir = tempDir('r2-caddy');
  const config = path.join(dir, 'Caddyfile');
  fs.writeFileSync(config, `{\n admin off\n auto_https off\n storage file_system ${dir}/st\n}\nhttp://:${port} {\n bind 127.0.0.1\n` +
    ` forward_auth 127.0.0.1:${s.ports.gatehouse} {\n  uri /oauth2/forward_auth\n` +
    `  copy_headers X-Auth-Request-User X-Auth-Request-Email X-Auth-Request-Groups X-Auth-Request-Preferred-Username\n }\n` +
    ` reverse_proxy 127.0.0.1:${s.ports.app}\n}\n`);
  const caddy = new Proc('caddy', ['run', '--config', config, '--adapter', 'caddyfile'],
    { env: { PATH: process.env.PATH, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir } });
  await waitForPort(port);
  return { port, caddy };
}

try {
  if (on('caddy')) {
    const { port, caddy } = await exampleCaddy();
    const forged = [['X-Auth-Request-User', 'alice'], ['X-Auth-Request-Email', 'alice@example.com'],
      ['X-Auth-Request-Groups', 'admins'], ['X-Auth-Request-Preferred-Username', 'alice']];
    for (const [who, c] of [['nobody', undefined], ['bob', B]])
      for (const p of ['/public/x', '/open/a/endpoint', '/x', '/admin'])
        show(`caddy example ${who} GET ${p} forged identity`, await s.send(port, req({ target: p, headers: [J, ...(c ? [['Cookie', c]] : []), ...forged] })));
    show('caddy example nobody OPTIONS /admin forged', await s.send(port, req({ method: 'OPTIONS', target: '/admin', headers: [J, ...forged] })));
    show('caddy example bob GET /x X_Auth_Request_Groups', await s.send(port, req({ target: '/x', headers: [J, ['Cookie', B], ['X_Auth_Request_Groups', 'admins'], ['X_Auth_Request_Email', 'alice@example.com']] })));
    await caddy.stop();
  }
  if (on('cookie')) {
    const v = B.slice(B.indexOf('=') + 1);
    for (const c of [`_oauth2_proxy =${v}`, `\t_oauth2_proxy=${v}`, `a=b;\t_oauth2_proxy=${v}`, `_oauth2_proxy\t=${v}`, `_oauth2_proxy="${v}"`])
      show(`direct /x Cookie: ${JSON.stringify(c.slice(0, 20))}`, await s.send('direct', req({ target: '/x', headers: [J, ['Cookie', c]] })));
  }
  if (on('case')) {
    for (const p of ['/ADMIN', '/Admin/x', '/%41dmin', '/admin%20', '/admin%2e', '/admin.', '/admin~', '/ADMIN;x'])
      for (const t of ['direct', 'nginx', 'caddy'])
        show(`${t} bob GET ${p}`, await s.send(t, req({ target: p, headers: [J, ['Cookie', B]] })));
  }
  if (on('body')) {
    const inner = 'GET /admin HTTP/1.1\r\nHost: app.example.test\r\nCookie: ' + A + '\r\nConnection: close\r\n\r\n';
    for (const exp of [false, true]) {
      const t = `POST /admin HTTP/1.1\r\nHost: app.example.test\r\nAccept: application/json\r\n${exp ? 'Expect: 100-continue\r\n' : ''}Content-Length: ${inner.length}\r\n\r\n${inner}`;
      const r = await rawAll(s.ports.gatehouse, t, 4000);
      console.log(`refused POST with body, expect=${exp}: statuses ${[...r.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1])}`);
    }
  }
  if (on('absolute')) {
    show('direct bob GET http://app.example.test/x Host other.test', await s.send('direct', req({ target: 'http://app.example.test/x', host: 'other.test', headers: [J, ['Cookie', B]] })));
    show('direct bob GET http://APP.example.test./x', await s.send('direct', req({ target: 'http://APP.example.test.:80/x', host: 'other.test', headers: [J, ['Cookie', B]] })));
  }
  if (on('grpc')) {
    const g = async (label, o) => console.log(label, JSON.stringify(await s.grpc.check(checkRequest(o))).slice(0, 300));
    await g('grpc bob /admin via header :path public', { host: 'app.example.test', path: '/admin', headers: { cookie: B, accept: 'application/json', ':path': '/public/x' } });
    await g('grpc nobody path /public/x?y', { host: 'app.example.test', path: '/public/x?/../admin', headers: { accept: 'application/json' } });
    await g('grpc nobody host APP.EXAMPLE.TEST:443', { host: 'APP.EXAMPLE.TEST:443', path: '/public/x', headers: { accept: 'application/json' } });
    await g('grpc nobody path /public/x with x_auth_request_user', { host: 'app.example.test', path: '/public/x', headers: { accept: 'application/json', 'x_auth_request_user': 'alice', authorization: 'Basic YWRtaW46' } });
    await g('grpc nobody method options /admin', { method: 'options', host: 'app.example.test', path: '/admin', headers: { accept: 'application/json' } });
    await g('grpc nobody method OPTIONS /admin', { method: 'OPTIONS', host: 'app.example.test', path: '/admin', headers: { accept: 'application/json' } });
  }
} finally {
  await s.stop();
}

function rawAll(port, text, ms) {
  return new Promise((resolve) => {
    const so = net.connect(port, '127.0.0.1', () => so.write(text));
    let d = ''; so.on('data', (x) => { d += x.toString('latin1'); }); so.on('error', () => {});
    so.on('close', () => resolve(d)); setTimeout(() => { so.destroy(); resolve(d); }, ms);
  });
}
