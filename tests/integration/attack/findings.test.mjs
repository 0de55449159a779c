// [guard] attack findings (helper session "guard-attack"): each test sends one confirmed attack and asserts the
// SAFE outcome, so on the branch where it was found every test here fails, and it passes once the hole is closed.
// Setup: lib/guard_stack.mjs (policy for app.example.test — /public public, /admin groups [admins], the rest
// email_domains [example.com]; skip route ^/open/.*/endpoint$; --skip-auth-preflight; --reverse-proxy
// --trusted-proxy-ip=127.0.0.1), plus one nginx with the README's block verbatim inside a server_name'd server.
// bob@example.com is signed in and not in admins. Run:
//   GATEHOUSE_BUILD_DIR=$PWD/build node --test tests/integration/attack/findings.test.mjs
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import fs from 'node:fs';
import { spawn, execFileSync } from 'node:child_process';
import { startAttackStack, req, bob } from './harness.mjs';
import { startNginx } from '../lib/nginx.mjs';
import { freePort, waitForPort } from '../lib/processes.mjs';
import { checkRequest } from '../lib/ext_authz_client.mjs';

const J = ['Accept', 'application/json'];
let s;
let named;  // nginx: README block verbatim in `server_name app.example.test`, beside a default server
let B;

// The README's nginx block, read from README.md as printed (so that the README itself is what is attacked), in a
// server block of its own name beside a default server.
function readmeNamedServer(port, gatehousePort, appPort) {
  const readme = fs.readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## nginx `auth_request`'));
  const block = section.slice(section.indexOf('```nginx\n') + 9, section.indexOf('```', section.indexOf('```nginx\n') + 9));
  const [upstreamLine, ...locations] = block.split('\n');
  assert.match(upstreamLine, /^upstream gatehouse \{ server 127\.0\.0\.1:4180;/);
  return `
  upstream gatehouse { server 127.0.0.1:${gatehousePort}; keepalive 16; }
  upstream app { server 127.0.0.1:${appPort}; }
  server { listen 127.0.0.1:${port} default_server; return 404 "default server\\n"; }
  server {
    listen 127.0.0.1:${port};
    server_name app.example.test;
    ${locations.join('\n    ')}
  }`;
}

before(async () => {
  s = await startAttackStack({ extraFlags: ['--header-read-timeout=2s', '--idle-timeout=30s'] });
  B = bob();
  const port = await freePort();
  named = await startNginx(port, readmeNamedServer(port, s.ports.gatehouse, s.ports.app));
  named.port = port;
});
after(async () => { await named?.stop('SIGQUIT'); await s?.stop(); });

// The app must not have served `path` (raw, as the app received it) to this request.
function assertAppDidNotServe(r, pathPrefix, what) {
  assert.ok(!(r.app && r.app.url.startsWith(pathPrefix)),
    `${what}: the app received ${r.app?.method} ${r.app?.url} (status ${r.status}); Gatehouse logged:\n${r.log}`);
}

describe('F1: a "?" in Host cuts X-Original-URL short: Gatehouse decides on "/", nginx serves /admin', () => {
  for (const target of ['nginx', 'ingress']) {
    test(`${target}: bob, GET /admin, Host: app.example.test?`, async () => {
      const r = await s.send(target, req({ target: '/admin', host: 'app.example.test?', headers: [['Cookie', B], J] }));
      assertAppDidNotServe(r, '/admin', target);
    });
  }
  test('server_name\'d nginx: absolute-form http://app.example.test/admin with Host: app.example.test?', async () => {
    const r = await s.send(named.port, req({ target: 'http://app.example.test/admin', host: 'app.example.test?', headers: [['Cookie', B], J] }));
    assertAppDidNotServe(r, '/admin', 'named nginx');
  });
  test('straight at /oauth2/auth: X-Original-URL http://app.example.test?/admin is refused', async () => {
    const r = await s.send('direct', req({ target: '/oauth2/auth', host: '127.0.0.1', headers: [
      ['X-Original-URL', 'http://app.example.test?/admin'], ['X-Original-Method', 'GET'], ['Cookie', B], J] }));
    assert.equal(r.status, 403, r.log);
    assert.match(r.log, /original_request|cannot be read|refused/, r.log);
  });
  test('Envoy HTTP door: /oauth2/envoy?/admin is refused, not read as "/"', async () => {
    const r = await s.send('direct', req({ target: '/oauth2/envoy?/admin', headers: [['Cookie', B], J] }));
    assert.equal(r.status, 400, `${r.status}\n${r.log}`);
  });
});

describe('F2: absolute-form through nginx: the server is chosen by the URL\'s host, the decision by Host', () => {
  test('server_name app.example.test, GET http://app.example.test/admin, Host: other.test, as bob', async () => {
    const r = await s.send(named.port, req({ target: 'http://app.example.test/admin', host: 'other.test', headers: [['Cookie', B], J] }));
    assertAppDidNotServe(r, '/admin', 'named nginx');
  });
});

describe('F3: a host the policy does not name falls to the global rules on the auth doors (fail open)', () => {
  for (const target of ['nginx', 'ingress', 'caddy']) {
    test(`${target} (catch-all server): bob, GET /admin, Host: other.test`, async () => {
      const r = await s.send(target, req({ target: '/admin', host: 'other.test', headers: [['Cookie', B], J] }));
      assertAppDidNotServe(r, '/admin', target);
    });
  }
  test('gRPC Check: bob, host other.test, /admin', async () => {
    const res = await s.grpc.check(checkRequest({ host: 'other.test', path: '/admin', headers: { cookie: B, accept: 'application/json' } }));
    assert.ok(res.denied_response, `allowed: ${JSON.stringify(res.ok_response)}`);
  });
});

describe('F4: dot segments are resolved for the decision, but every proxy passes the raw path to the app', () => {
  const paths = ['/admin/../public/x', '/admin/%2e%2e/public/x', '/admin/..;/public/x', '/admin;/../public/x'];
  for (const target of ['nginx', 'caddy', 'direct'])
    for (const p of paths) {
      test(`${target}: nobody, GET ${p}`, async () => {
        const r = await s.send(target, req({ target: p, headers: [J] }));
        assertAppDidNotServe(r, '/admin', `${target} ${p}`);
      });
    }
  test('Flask (Werkzeug) serves /admin/../public/x as its /admin route: the raw path is what apps route', async (t) => {
    try { execFileSync('python3', ['-c', 'import flask']); } catch { return t.skip('no flask'); }
    const port = await freePort();
    const code = `from flask import Flask\napp=Flask(__name__)\n@app.route('/admin/<path:p>')\ndef a(p): return 'ADMIN'\n` +
      `@app.route('/public/<path:p>')\ndef b(p): return 'PUBLIC'\napp.run(host='127.0.0.1', port=${port})\n`;
    const py = spawn('python3', ['-c', code], { stdio: 'ignore' });
    try {
      await waitForPort(port);
      const body = await new Promise((resolve) => {
        const so = net.connect(port, '127.0.0.1', () => so.write('GET /admin/../public/x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'));
        let d = ''; so.on('data', (x) => { d += x; }); so.on('close', () => resolve(d));
      });
      // Not an assertion on Gatehouse: the evidence that the path F4 lets through is an admin request to Flask.
      assert.match(body, /ADMIN/);
    } finally { py.kill(); }
  });
});

describe('F5: a connection that sends nothing is held for --idle-timeout, not --header-read-timeout', () => {
  test('silent connection closed within the header-read timeout (2 s here)', async () => {
    const closedAfter = await new Promise((resolve) => {
      const t0 = Date.now();
      const so = net.connect(s.ports.gatehouse, '127.0.0.1');
      so.on('error', () => {});
      so.on('close', () => resolve(Date.now() - t0));
      setTimeout(() => { so.destroy(); resolve(Infinity); }, 6000);
    });
    assert.ok(closedAfter <= 4000, `closed after ${closedAfter} ms`);
  });
});

describe('F6: reverse-proxy mode passes the client\'s Authorization to the app on public and skip routes', () => {
  for (const p of ['/public/x', '/open/a/endpoint']) {
    test(`nobody, GET ${p} with Authorization: Basic YWRtaW46 ("admin:", what --pass-basic-auth sends with no password)`, async () => {
      const r = await s.send('direct', req({ target: p, headers: [J, ['Authorization', 'Basic YWRtaW46']] }));
      assert.ok(r.app, `${r.status}`);
      assert.equal(r.app.headers.authorization, undefined, `the app got Authorization: ${r.app.headers.authorization}`);
    });
  }
});

describe('F7: the README\'s nginx block lets a client\'s identity headers through to the app', () => {
  test('bob, GET /x with X-Auth-Request-Groups: admins (and -Preferred-Username, GAP-Auth, X-Forwarded-Email)', async () => {
    const r = await s.send(named.port, req({ target: '/x', headers: [['Cookie', B], J, ['X-Auth-Request-Groups', 'admins'],
      ['X-Auth-Request-Preferred-Username', 'root'], ['GAP-Auth', 'root'], ['X-Forwarded-Email', 'root@example.com']] }));
    assert.ok(r.app, `${r.status}`);
    // bob's own values may arrive (Gatehouse sent them); the client's never.
    const forged = ['x-auth-request-groups', 'x-auth-request-preferred-username', 'gap-auth', 'x-forwarded-email']
      .filter((h) => /admins|root/.test(r.app.headers[h] ?? '')).map((h) => `${h}: ${r.app.headers[h]}`);
    assert.deepEqual(forged, [], 'client-sent identity headers reached the app');
  });
});

describe('F8: reverse-proxy mode decides on Host but hands the app the client\'s X-Forwarded-Host', () => {
  test('bob, GET /x, Host app.example.test, X-Forwarded-Host: admin.other.test', async () => {
    const r = await s.send('direct', req({ target: '/x', headers: [['Cookie', B], J, ['X-Forwarded-Host', 'admin.other.test']] }));
    assert.ok(r.app, `${r.status}`);
    assert.equal(r.app.headers['x-forwarded-host'], 'app.example.test', 'the app was told another host than the one decided on');
  });
});

describe('F9: transfer codings other than a final "chunked" (RFC 9112 §6.1)', () => {
  const exchange = (text, waitMs = 3000) => new Promise((resolve) => {
    const so = net.connect(s.ports.gatehouse, '127.0.0.1', () => so.write(text));
    let d = ''; const t0 = Date.now();
    so.on('data', (x) => { d += x.toString('latin1'); });
    so.on('error', () => {});
    so.on('close', () => resolve({ d, ms: Date.now() - t0 }));
    setTimeout(() => { so.destroy(); resolve({ d, ms: Infinity }); }, waitMs);
  });
  const H = 'Host: app.example.test\r\n';
  test('Transfer-Encoding: xchunked → 501 or 400 at once, not a body read until the client closes', async () => {
    const r = await exchange(`POST /public/x HTTP/1.1\r\n${H}Transfer-Encoding: xchunked\r\n\r\nGET /admin HTTP/1.1\r\n${H}\r\n`);
    assert.match(r.d, /^HTTP\/1\.1 (400|501)/, `answer after ${r.ms} ms: ${JSON.stringify(r.d.slice(0, 80))}`);
  });
  test('Transfer-Encoding: chunked, identity → 400 and close; the body is never parsed as a request', async () => {
    const r = await exchange(`POST /public/x HTTP/1.1\r\n${H}Transfer-Encoding: chunked, identity\r\n\r\n5\r\nhello\r\n0\r\n\r\n`);
    const statuses = [...r.d.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
    assert.deepEqual(statuses, ['400'], `answers ${statuses}`);
  });
  test('HTTP/1.0 with Transfer-Encoding → 400', async () => {
    const r = await exchange(`POST /public/x HTTP/1.0\r\n${H}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`);
    assert.match(r.d, /^HTTP\/1\.1 400/, JSON.stringify(r.d.slice(0, 60)));
  });
});

describe('F10: policy `methods:` compare the method case-sensitively and HEAD is not GET: "get /reports" reaches the GET handler', () => {
  // Its own Gatehouse: a policy whose /reports rule lists methods, in front of Flask (Werkzeug upper-cases the
  // method, and answers HEAD with the GET route), straight (reverse-proxy mode) and through Caddy (Go accepts any
  // token as a method and passes it on as sent).
  let gh, caddy, py, caddyPort;
  before(async () => {
    try { execFileSync('python3', ['-c', 'import flask']); } catch { return; }
    const fs = await import('node:fs');
    const pathMod = await import('node:path');
    const { startGatehouse, tempDir } = await import('../lib/processes.mjs');
    const { startPlainCaddy } = await import('../lib/guard_stack.mjs');
    const policy = pathMod.join(tempDir('attack-policy'), 'p.yaml');
    fs.writeFileSync(policy, 'rules:\n  - host: app.example.test\n    path: /reports\n    methods: [GET, POST]\n    allow:\n' +
      '      groups: [admins]\n  - host: app.example.test\n    path: /\n    allow:\n      email_domains: [example.com]\n');
    const appPort = await freePort();
    py = spawn('python3', ['-c', `from flask import Flask, request\napp=Flask(__name__)\n@app.route('/reports', methods=['GET','POST'])\n` +
      `def r(): return 'SECRET REPORT via ' + request.method\napp.run(host='127.0.0.1', port=${appPort})\n`], { stdio: 'ignore' });
    await waitForPort(appPort);
    gh = await startGatehouse([`--policy-file=${policy}`, '--reverse-proxy', '--trusted-proxy-ip=127.0.0.1', '--email-domain=*',
      `--upstream=http://127.0.0.1:${appPort}/`]);
    caddyPort = await freePort();
    caddy = await startPlainCaddy({ port: caddyPort, gatehousePort: gh.port, appPort });
  });
  after(async () => { await caddy?.stop(); await gh?.stop(); py?.kill(); });
  for (const via of ['reverse-proxy mode', 'Caddy'])
    for (const m of ['get', 'Get', 'post', 'HEAD']) {
      test(`${via}: bob, ${m} /reports (GET and POST are admins only)`, async (t) => {
        if (!gh) return t.skip('no flask');
        const port = via === 'Caddy' ? caddyPort : gh.port;
        const text = `${m} /reports HTTP/1.1\r\nHost: app.example.test\r\nCookie: ${B}\r\nAccept: application/json\r\n` +
          `${m === 'post' ? 'Content-Length: 0\r\n' : ''}Connection: close\r\n\r\n`;
        const r = await new Promise((resolve) => {
          const so = net.connect(port, '127.0.0.1', () => so.write(text));
          let d = ''; so.on('data', (x) => { d += x.toString('latin1'); }); so.on('error', () => {});
          so.on('close', () => resolve(d));
        });
        assert.doesNotMatch(r, /^HTTP\/1\.1 200/, `${r.split('\r\n')[0]} … ${r.slice(r.indexOf('\r\n\r\n') + 4, r.indexOf('\r\n\r\n') + 40)}`);
      });
    }
});

describe('F11: the failed-password limit keys on X-Real-IP, which the README nginx block passes from the client', () => {
  // --htpasswd-file behind the README's auth_request block (lib/nginx.mjs authRequestServer: sets X-Original-URL and
  // -Method, no X-Real-IP): a client that sends a new X-Real-IP with each guess is never limited.
  let gh, ng, port;
  before(async () => {
    const fs = await import('node:fs');
    const pathMod = await import('node:path');
    const { startGatehouse, tempDir } = await import('../lib/processes.mjs');
    const { authRequestServer } = await import('../lib/nginx.mjs');
    const file = pathMod.join(tempDir('attack-htpasswd'), 'users');
    execFileSync('htpasswd', ['-B', '-C', '4', '-b', '-c', file, 'carol', 'correct-horse'], { stdio: 'ignore' });
    gh = await startGatehouse([`--htpasswd-file=${file}`, '--reverse-proxy', '--trusted-proxy-ip=127.0.0.1', '--email-domain=*']);
    port = await freePort();
    ng = await startNginx(port, authRequestServer({ listenPort: port, gatehousePort: gh.port, appPort: s.ports.app,
      signinUrl: 'https://auth.example.test/oauth2/start' }));
  });
  after(async () => { await ng?.stop('SIGQUIT'); await gh?.stop(); });
  test('30 wrong passwords, each with another X-Real-IP, then the right one: limited after 10, not signed in', async () => {
    const basic = (p) => 'Basic ' + Buffer.from(`carol:${p}`).toString('base64');
    const statuses = [];
    for (let i = 0; i < 30; i++) {
      const r = await s.send(port, req({ target: '/x', headers: [['Authorization', basic(`wrong${i}`)], ['X-Real-IP', `198.51.100.${i + 1}`]] }));
      statuses.push(r.status);
    }
    const right = await s.send(port, req({ target: '/x', headers: [['Authorization', basic('correct-horse')], ['X-Real-IP', '198.51.100.200']] }));
    assert.ok(statuses.slice(10).every((x) => x === 403) && right.status !== 200,
      `after 30 guesses: ${statuses.join(',')}; the right password then → ${right.status}`);
  });
});

describe('F2b (chain): absolute-form + forged ssl-client-* headers: no session, no certificate, app.example.test/admin as ci-runner', () => {
  // client_certificates believed for api.example.test only (its ingress verifies certificates and overwrites the
  // headers); app.example.test's server (README block) passes a client's own ssl-client-* headers on. The absolute
  // URL picks app's server, Host: api.example.test makes Gatehouse judge it as api's, where the headers count.
  let gh, ng, port;
  before(async () => {
    const fs = await import('node:fs');
    const pathMod = await import('node:path');
    const { startGatehouse, tempDir } = await import('../lib/processes.mjs');
    const policy = pathMod.join(tempDir('attack-cert-policy'), 'p.yaml');
    fs.writeFileSync(policy, 'rules:\n  - host: api.example.test\n    allow: {groups: [ci]}\n  - host: app.example.test\n    path: /admin\n' +
      '    allow: {groups: [admins]}\n  - host: app.example.test\n    allow: {email_domains: [example.com]}\nclient_certificates:\n' +
      '  hosts: [api.example.test]\n  identities:\n    - subject: "CN=ci-runner,O=Example"\n      user: ci-runner\n      groups: [ci]\n');
    gh = await startGatehouse(['--reverse-proxy', '--trusted-proxy-ip=127.0.0.1', '--client-certificate-headers=ingress-nginx',
      `--policy-file=${policy}`, '--set-xauthrequest', '--email-domain=example.com']);
    port = await freePort();
    const block = (name) => `server { listen 127.0.0.1:${port}; server_name ${name};
      location = /_gatehouse_auth { internal; proxy_pass http://gatehouse_c/oauth2/auth; proxy_pass_request_body off;
        proxy_set_header Content-Length ""; proxy_set_header X-Original-URL $scheme://$host$request_uri;
        proxy_set_header X-Original-Method $request_method;
        ${name.startsWith('api') ? 'proxy_set_header ssl-client-verify "NONE"; proxy_set_header ssl-client-subject-dn "";' : ''} }
      location / { auth_request /_gatehouse_auth; auth_request_set $user $upstream_http_x_auth_request_user;
        proxy_set_header X-Auth-Request-User $user; proxy_pass http://app_c; } }`;
    ng = await startNginx(port, `upstream gatehouse_c { server 127.0.0.1:${gh.port}; } upstream app_c { server 127.0.0.1:${s.ports.app}; }
      server { listen 127.0.0.1:${port} default_server; return 404; } ${block('app.example.test')} ${block('api.example.test')}`);
  });
  after(async () => { await ng?.stop('SIGQUIT'); await gh?.stop(); });
  test('GET http://app.example.test/admin, Host: api.example.test, ssl-client-verify: SUCCESS, ssl-client-subject-dn: CN=ci-runner,O=Example', async () => {
    const r = await s.send(port, req({ target: 'http://app.example.test/admin', host: 'api.example.test',
      headers: [['ssl-client-verify', 'SUCCESS'], ['ssl-client-subject-dn', 'CN=ci-runner,O=Example']] }));
    assertAppDidNotServe(r, '/admin', `as ${r.app?.headers['x-auth-request-user']}`);
  });
});
