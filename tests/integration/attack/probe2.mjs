import { startAttackStack, req, bob } from './harness.mjs';
import { startNginx } from '../lib/nginx.mjs';
import { freePort } from '../lib/processes.mjs';
const s = await startAttackStack({ proxies: false });
const B = bob();
// The README's block verbatim (only User and Email copied), inside a server_name'd server, plus a default server.
const port = await freePort();
const ng = await startNginx(port, `
  upstream gatehouse { server 127.0.0.1:${s.ports.gatehouse}; keepalive 16; }
  upstream app { server 127.0.0.1:${s.ports.app}; }
  server { listen 127.0.0.1:${port} default_server; return 404 "default server\\n"; }
  server {
    listen 127.0.0.1:${port};
    server_name app.example.test;
    location = /_gatehouse_auth {
      internal;
      proxy_pass http://gatehouse/oauth2/auth;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
      proxy_set_header X-Original-Method $request_method;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
    location @signin { return 302 https://auth.example.com/oauth2/start?rd=$scheme://$http_host$request_uri; }
    location / {
      auth_request /_gatehouse_auth;
      error_page 401 = @signin;
      auth_request_set $user  $upstream_http_x_auth_request_user;
      auth_request_set $email $upstream_http_x_auth_request_email;
      proxy_set_header X-Auth-Request-User  $user;
      proxy_set_header X-Auth-Request-Email $email;
      proxy_pass http://app;
    }
  }`);
const show = (label, r) => console.log(`\n### ${label}\n  status=${r.status} body=${r.app ? '' : r.body.slice(0, 60).replace(/\n/g, ' ')} app=${r.app ? JSON.stringify({ m: r.app.method, url: r.app.url, host: r.app.headers.host, user: r.app.headers['x-auth-request-user'], email: r.app.headers['x-auth-request-email'], groups: r.app.headers['x-auth-request-groups'], pu: r.app.headers['x-auth-request-preferred-username'], xfe: r.app.headers['x-forwarded-email'], gap: r.app.headers['gap-auth'] }) : '-'}\n  log: ${r.log.split('\n').filter(l => !/discovery|listening|gRPC/.test(l)).join('\n       ')}`);
try {
  const J = ['Accept', 'application/json'];
  const cases = [
    ['control: bob /admin', { target: '/admin', headers: [['Cookie', B], J] }],
    ['control: Host other.test → default server', { target: '/admin', host: 'other.test', headers: [['Cookie', B], J] }],
    ['absolute-form http://app.example.test/admin, Host other.test', { target: 'http://app.example.test/admin', host: 'other.test', headers: [['Cookie', B], J] }],
    ['absolute-form, Host app.example.test? (cut)', { target: '/admin', host: 'app.example.test?', headers: [['Cookie', B], J] }],
    ['absolute-form nobody http://app.example.test/admin, Host x', { target: 'http://app.example.test/admin', host: 'x', headers: [J] }],
    ['HTTP/1.0 absolute-form no Host', { target: 'http://app.example.test/admin', host: undefined, version: 'HTTP/1.0', headers: [['Cookie', B], J] }],
    ['nobody /public with injected identity', { target: '/public/x', headers: [J, ['X-Auth-Request-Groups', 'admins'], ['X-Auth-Request-Preferred-Username', 'root'], ['X-Forwarded-Email', 'root@example.com'], ['GAP-Auth', 'root'], ['X-Auth-Request-User', 'root'], ['X-Auth-Request-Email', 'root@example.com']] }],
    ['bob /x with injected groups', { target: '/x', headers: [['Cookie', B], J, ['X-Auth-Request-Groups', 'admins']] }],
  ];
  for (const [label, r] of cases) show(label, await s.send(port, req(r)));
} finally { await ng.stop('SIGQUIT'); await s.stop(); }
