// --client-certificate-headers: identity from a client certificate that the proxy in front verified, mapped to a
// user and groups by the policy file. Certificates are made at test time with the openssl command line; a real
// nginx terminates TLS, verifies them and passes ssl-client-verify / ssl-client-subject-dn / ssl-client-issuer-dn
// to the auth request exactly as ingress-nginx's auth location does. Envoy's x-forwarded-client-cert is sent by
// hand (no Envoy on this machine) on the HTTP door and through a real gRPC client on the ext_authz door.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import path from 'node:path';
import { startGatehouse, runGatehouse, baseFlags, freePort, tempDir } from './lib/processes.mjs';
import { startNginx } from './lib/nginx.mjs';
import { startEchoApp } from './lib/echo_app.mjs';
import { makeCertificates, makeClientCertificate } from './lib/tls.mjs';
import { extAuthzClient, checkRequest } from './lib/ext_authz_client.mjs';

const api = 'api.gatehouse.test';    // nginx verifies client certificates here and sets the headers
const open = 'open.gatehouse.test';  // no client certificates here: a client's own headers pass through

// The auth location of ingress-nginx's template for a host with auth-tls-secret (ssl-client-* set from nginx's
// variables), or without it (`withCertificates` false: nothing set, the client's headers go through unchanged).
function authLocation(gatehousePort, appPort, withCertificates) {
  return `
    location = /_external-auth {
      internal;
      proxy_pass http://127.0.0.1:${gatehousePort}/oauth2/auth;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
      proxy_set_header X-Original-Method $request_method;
      ${withCertificates ? `proxy_set_header ssl-client-verify      $ssl_client_verify;
      proxy_set_header ssl-client-subject-dn  $ssl_client_s_dn;
      proxy_set_header ssl-client-issuer-dn   $ssl_client_i_dn;` : ''}
    }
    location / {
      auth_request /_external-auth;
      auth_request_set $user $upstream_http_x_auth_request_user;
      auth_request_set $groups $upstream_http_x_auth_request_groups;
      auth_request_set $email $upstream_http_x_auth_request_email;
      proxy_set_header X-Auth-Request-User $user;
      proxy_set_header X-Auth-Request-Groups $groups;
      proxy_set_header X-Auth-Request-Email $email;
      proxy_pass http://127.0.0.1:${appPort};
    }`;
}

describe('client certificates through nginx (ingress-nginx headers)', () => {
  let gh, nginx, app, port, certs, rogue, runner, otherBot, impostor;
  const logged = [];

  before(async () => {
    certs = makeCertificates([api, open, '127.0.0.1']);
    rogue = makeCertificates(['rogue.example']);  // another CA, which nginx does not trust
    runner = makeClientCertificate(certs, 'runner', '/O=Gatehouse Test/CN=ci-runner');
    otherBot = makeClientCertificate(certs, 'other', '/O=Gatehouse Test/CN=other-bot');
    impostor = makeClientCertificate(rogue, 'impostor', '/O=Gatehouse Test/CN=ci-runner');
    const dir = tempDir('client-certs');
    const policy = path.join(dir, 'policy.yaml');
    fs.writeFileSync(policy, `
rules:
  - host: ${api}
    allow: {groups: [ci]}
client_certificates:
  hosts: [${api}]
  identities:
    - subject: "${runner.subject}"
      issuer: "${runner.issuer}"
      user: ci-runner
      email: ci-runner@robots.gatehouse.test
      groups: [ci]
    - common_name: other-bot
      user: other-bot
      groups: [other]
`);
    gh = await startGatehouse(['--reverse-proxy', '--trusted-proxy-ip=127.0.0.1', '--client-certificate-headers=ingress-nginx',
      `--policy-file=${policy}`, '--set-xauthrequest', '--email-domain=example.com']);
    const appPort = await freePort();
    app = await startEchoApp(appPort);
    port = await freePort();
    const tls = `listen 127.0.0.1:${port} ssl; ssl_certificate ${certs.cert}; ssl_certificate_key ${certs.key};`;
    nginx = await startNginx(port, `
  server {
    ${tls}
    server_name ${api};
    ssl_client_certificate ${certs.caFile};
    ssl_verify_client optional_no_ca;  # ingress-nginx auth-tls-verify-client: optional_no_ca
    ${authLocation(gh.port, appPort, true)}
  }
  server {
    ${tls}
    server_name ${open};
    ${authLocation(gh.port, appPort, false)}
  }`);
  });
  after(async () => {
    await nginx?.stop();
    app?.close();
    await gh?.stop();
  });

  // GET https://host/ through nginx, with a client certificate and extra headers.
  function get(host, { client, headers = {} } = {}) {
    return new Promise((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port, servername: host, path: '/reports', ca: certs.ca,
        headers: { Host: host, ...headers }, ...(client ? { cert: client.cert, key: client.key } : {}), agent: false },
      (res) => {
        let body = '';
        res.on('data', (c) => { body += c; });
        res.on('end', () => resolve({ status: res.statusCode, body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  test('a verified certificate the policy maps is its user: the app gets the identity', async () => {
    const r = await get(api, { client: runner });
    assert.equal(r.status, 200, r.body);
    const seen = JSON.parse(r.body).headers;
    assert.equal(seen['x-auth-request-user'], 'ci-runner');
    assert.equal(seen['x-auth-request-email'], 'ci-runner@robots.gatehouse.test', 'not refused by --email-domain');
    assert.equal(seen['x-auth-request-groups'], 'ci');
    assert.match(runner.subject, /^CN=ci-runner,O=Gatehouse Test$/, 'nginx and the policy speak RFC 4514');
  });

  test('the policy rules apply to a certificate user: another mapped certificate without the group gets 403', async () => {
    assert.equal((await get(api, { client: otherBot })).status, 403);
    await gh.waitForOutput(/reason="the policy rule does not admit this user" .*user="other-bot"/);
  });

  test('no certificate and no session: 401', async () => {
    assert.equal((await get(api)).status, 401);
  });

  test('a certificate of another CA with the same subject: nginx says FAILED, refused, the log says why', async () => {
    assert.equal((await get(api, { client: impostor })).status, 401);
    await gh.waitForOutput(/reason="no session" .*host="api\.gatehouse\.test".*detail="the proxy did not verify the client certificate \(ssl-client-verify: FAILED:/);
  });

  const spoofed = (subject) => ({ 'ssl-client-verify': 'SUCCESS', 'ssl-client-subject-dn': subject,
    'ssl-client-issuer-dn': runner.issuer });

  test('headers a client writes itself on the mTLS host are overwritten by nginx: 401', async () => {
    assert.equal((await get(api, { headers: spoofed(runner.subject) })).status, 401);
  });

  test('on a host whose proxy does not set the headers they reach Gatehouse unchanged, and are not believed there', async () => {
    assert.equal((await get(open, { headers: spoofed(runner.subject) })).status, 401);
    await gh.waitForOutput(/detail="client certificates are not believed for host 'open\.gatehouse\.test'/);
  });

  test('straight from a peer that is not a --trusted-proxy-ip: refused and logged', async () => {
    const status = await new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: gh.port, path: '/oauth2/auth', localAddress: '127.0.0.2',
        headers: { ...spoofed(runner.subject), 'X-Original-URL': `https://${api}/reports` } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end();
    });
    // The policy file needs the original request, which this peer may not tell: refused before any certificate counts.
    assert.equal(status, 403);
    await gh.waitForOutput(/reason="the original request comes from an untrusted peer" client=127\.0\.0\.2 /);
  });
});

describe('client certificates from Envoy (x-forwarded-client-cert)', () => {
  let gh, grpc, certs, runner;
  before(async () => {
    certs = makeCertificates([api]);
    runner = makeClientCertificate(certs, 'spiffe', '/O=Gatehouse Test/CN=runner',
      { san: 'URI:spiffe://cluster.local/ns/ci/sa/runner,DNS:runner.ci.svc' });
    const policy = path.join(tempDir('client-certs'), 'policy.yaml');
    fs.writeFileSync(policy, `
rules: []
unnamed_hosts: global_rules  # no path rules here: the certificate mapping alone, then the global rules
client_certificates:
  hosts: ["*"]
  identities:
    - uri: spiffe://cluster.local/ns/ci/sa/runner
      user: ci-runner
      groups: [ci]
`);
    const grpcPort = await freePort();
    gh = await startGatehouse(['--reverse-proxy', '--trusted-proxy-ip=127.0.0.1', '--client-certificate-headers=envoy',
      `--policy-file=${policy}`, '--set-xauthrequest', `--grpc-address=127.0.0.1:${grpcPort}`]);
    await gh.waitForOutput(/gRPC ext_authz and health on/);
    grpc = extAuthzClient(grpcPort);
  });
  after(async () => {
    grpc?.close();
    await gh?.stop();
  });

  // What Envoy (forward_client_cert_details: SANITIZE_SET, set_current_client_cert_details: subject, uri, dns)
  // writes for this certificate; an element before it came from a proxy further out.
  const xfcc = () => `By=spiffe://edge;Subject="CN=someone-else";URI=spiffe://elsewhere,` +
    `By=spiffe://cluster.local/ns/app/sa/app;Hash=0f1e;Subject="${runner.subject}";` +
    `URI=spiffe://cluster.local/ns/ci/sa/runner;DNS=runner.ci.svc`;

  test('the HTTP ext_authz door: the last element names the user', async () => {
    const r = await fetch(`http://127.0.0.1:${gh.port}/oauth2/envoy/reports`, {
      headers: { Host: api, 'x-forwarded-client-cert': xfcc(), Accept: 'application/json' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-auth-request-user'), 'ci-runner');
    assert.equal(r.headers.get('x-auth-request-groups'), 'ci');
    const outer = await fetch(`http://127.0.0.1:${gh.port}/oauth2/envoy/reports`, {
      headers: { Host: api, 'x-forwarded-client-cert': 'URI=spiffe://cluster.local/ns/ci/sa/runner,URI=spiffe://elsewhere',
        Accept: 'application/json' } });
    assert.equal(outer.status, 401, 'only the element our own proxy added counts');
  });

  test('the gRPC door: a real gRPC client with the header in the CheckRequest', async () => {
    const res = await grpc.check(checkRequest({ host: api, path: '/reports',
      headers: { 'x-forwarded-client-cert': xfcc(), accept: 'application/json' } }));
    assert.equal(res.status.code, 0);
    const user = res.ok_response.headers.find((h) => h.header.key === 'x-auth-request-user');
    assert.equal(user?.header.value, 'ci-runner');
    const bad = await grpc.check(checkRequest({ host: api, headers: { 'x-forwarded-client-cert': 'Subject="CN=x',
      accept: 'application/json' } }));
    assert.equal(bad.status.code, 16);
    await gh.waitForOutput(/door=grpc status=401 .*detail="x-forwarded-client-cert is malformed"/);
  });
});

describe('client certificate settings', () => {
  test('refused at start without trusted proxies or a mapping; the policy check counts the identities', async () => {
    const dir = tempDir('client-certs');
    const mapped = path.join(dir, 'mapped.yaml');
    fs.writeFileSync(mapped, 'rules: []\nclient_certificates:\n  hosts: [api.example.com]\n  identities:\n' +
      '    - common_name: ci\n      user: ci\n');
    const port = await freePort();
    const run = (flags) => runGatehouse([...baseFlags(port, flags), ...flags]);
    let r = await run(['--client-certificate-headers=ingress-nginx', '--reverse-proxy', `--policy-file=${mapped}`]);
    assert.equal(r.code, 2);
    assert.match(r.output, /--client-certificate-headers: needs --reverse-proxy and --trusted-proxy-ip/);
    const unmapped = path.join(dir, 'unmapped.yaml');
    fs.writeFileSync(unmapped, 'rules: []\n');
    r = await run(['--client-certificate-headers=envoy', '--reverse-proxy', '--trusted-proxy-ip=10.0.0.1', `--policy-file=${unmapped}`]);
    assert.equal(r.code, 2);
    assert.match(r.output, /has no client_certificates section/);
    const check = await runGatehouse(['policy', 'check', mapped]);
    assert.equal(check.output, `${mapped}: OK, 0 rules for 0 hosts, 1 client certificate identities\n`);
    const broken = path.join(dir, 'broken.yaml');
    fs.writeFileSync(broken, 'rules: []\nclient_certificates:\n  hosts: [api.example.com]\n  identities:\n    - common_name: ci\n');
    const refused = await runGatehouse(['policy', 'check', broken]);
    assert.equal(refused.code, 2);
    assert.equal(refused.output, `${broken}:5: an identity needs a user\n`);
  });
});
