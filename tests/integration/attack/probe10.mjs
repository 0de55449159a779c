// Chain of F2 with --client-certificate-headers: the certificate headers are believed for api.example.test only
// (its ingress verifies certificates); app.example.test's server block (README block) passes a client's own
// ssl-client-* headers. Absolute-form to app.example.test with Host: api.example.test makes Gatehouse judge the
// request as api's, where the forged certificate counts.
import fs from 'node:fs';
import path from 'node:path';
import { startGatehouse, freePort, tempDir } from '../lib/processes.mjs';
import { startNginx } from '../lib/nginx.mjs';
import { startEchoApp } from '../lib/echo_app.mjs';
import { rawExchange } from '../lib/guard_stack.mjs';
const policy = path.join(tempDir('attack-cert-policy'), 'p.yaml');
fs.writeFileSync(policy, `rules:
  - host: api.example.test
    allow: {groups: [ci]}
  - host: app.example.test
    path: /public
    public: true
  - host: app.example.test
    path: /admin
    allow: {groups: [admins]}
  - host: app.example.test
    allow: {email_domains: [example.com]}
client_certificates:
  hosts: [api.example.test]
  identities:
    - subject: "CN=ci-runner,O=Example"
      user: ci-runner
      email: ci-runner@robots.example.test
      groups: [ci]
`);
const appPort = await freePort();
const app = await startEchoApp(appPort);
const gh = await startGatehouse(['--reverse-proxy', '--trusted-proxy-ip=127.0.0.1', '--client-certificate-headers=ingress-nginx',
  `--policy-file=${policy}`, '--set-xauthrequest', '--email-domain=example.com']);
const port = await freePort();
const block = (name) => `
  server {
    listen 127.0.0.1:${port};
    server_name ${name};
    location = /_gatehouse_auth {
      internal;
      proxy_pass http://gatehouse/oauth2/auth;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
      proxy_set_header X-Original-Method $request_method;
      ${name.startsWith('api') ? 'proxy_set_header ssl-client-verify "NONE"; proxy_set_header ssl-client-subject-dn ""; # stands for the verifying ingress' : ''}
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
    location / {
      auth_request /_gatehouse_auth;
      auth_request_set $user  $upstream_http_x_auth_request_user;
      auth_request_set $groups $upstream_http_x_auth_request_groups;
      proxy_set_header X-Auth-Request-User  $user;
      proxy_set_header X-Auth-Request-Groups $groups;
      proxy_set_header X-Served-By ${name};
      proxy_pass http://app;
    }
  }`;
const ng = await startNginx(port, `upstream gatehouse { server 127.0.0.1:${gh.port}; }
  upstream app { server 127.0.0.1:${appPort}; }
  server { listen 127.0.0.1:${port} default_server; return 404; }
  ${block('app.example.test')}${block('api.example.test')}`);
const spoof = 'ssl-client-verify: SUCCESS\r\nssl-client-subject-dn: CN=ci-runner,O=Example\r\n';
try {
  for (const [label, text] of [
    ['app, Host app, forged cert', `GET /admin HTTP/1.1\r\nHost: app.example.test\r\n${spoof}Connection: close\r\n\r\n`],
    ['api, Host api, forged cert (api\'s ingress overwrites)', `GET /x HTTP/1.1\r\nHost: api.example.test\r\n${spoof}Connection: close\r\n\r\n`],
    ['absolute-form app /admin, Host api, forged cert', `GET http://app.example.test/admin HTTP/1.1\r\nHost: api.example.test\r\n${spoof}Connection: close\r\n\r\n`],
  ]) {
    const r = await rawExchange(port, text);
    let a; try { a = JSON.parse(r.body); } catch {}
    console.log(`${label} → ${r.status} ${a ? `app got ${a.url} served-by=${a.headers['x-served-by']} user=${a.headers['x-auth-request-user']} groups=${a.headers['x-auth-request-groups']}` : ''}`);
  }
  console.log(gh.output.split('\n').filter((l) => /AuthFailure|oauth2\/auth/.test(l)).slice(-4).join('\n'));
} finally { await ng.stop('SIGQUIT'); await gh.stop(); app.close(); }
