// The adversarial suite's stack ([guard]): one Gatehouse with every door open (nginx's /oauth2/auth, the
// forward_auth door, Envoy's HTTP and gRPC doors, reverse-proxy mode in front of an echo app), a policy file for
// app.example.test, real nginx twice (the README's auth_request block and an ingress-nginx-style one) and real
// Caddy forward_auth in front of the same echo app. Each door is a function that takes one *original request*
// (method, host, path) and returns a verdict class, so the same request can be put to every door and the answers
// compared.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Proc, freePort, mintCookie, startGatehouse, tempDir, waitForPort } from './processes.mjs';
import { startNginx, authRequestServer } from './nginx.mjs';
import { startEchoApp } from './echo_app.mjs';
import { extAuthzClient, checkRequest } from './ext_authz_client.mjs';

export const appHost = 'app.example.test';
export const pingUserAgent = 'GoogleHC/1.0';
const signinUrl = 'https://auth.example.test/oauth2/start';

// /public is public, /admin is for the admins group, everything else of the host for example.com addresses.
export const policyYaml = `rules:
  - host: ${appHost}
    path: /public
    public: true
  - host: ${appHost}
    path: /admin
    allow:
      groups: [admins]
  - host: ${appHost}
    path: /
    allow:
      email_domains: [example.com]
`;

export function writePolicy() {
  const file = path.join(tempDir('guard-policy'), 'policy.yaml');
  fs.writeFileSync(file, policyYaml);
  return file;
}

// The flags of the setup; a skip route on another prefix than the policy's public one.
export const guardFlags = (policyFile) => [`--policy-file=${policyFile}`, '--skip-auth-route=^/open/.*/endpoint$',
  '--skip-auth-preflight', '--reverse-proxy', '--trusted-proxy-ip=127.0.0.1', '--email-domain=*',
  '--set-xauthrequest'];

// bob is signed in and in the example.com domain but not in admins; alice is in admins (the control).
export const users = {
  bob: () => mintCookie({ user: 'bob', email: 'bob@example.com', groups: 'devs' }),
  alice: () => mintCookie({ user: 'alice', email: 'alice@example.com', groups: 'admins,devs' }),
  nobody: () => undefined,
};

// --- raw HTTP: every byte of the request line and headers as the test wrote it, the answer read until close.
export function rawExchange(port, text, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    const chunks = [];
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no answer within ${timeoutMs} ms to ${JSON.stringify(text)}`)); }, timeoutMs);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks).toString('latin1');
      const end = all.indexOf('\r\n\r\n');
      const head = end < 0 ? all : all.slice(0, end);
      const lines = head.split('\r\n');
      const status = Number(lines[0].split(' ')[1] ?? 0);
      const headers = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      resolve({ status, headers, body: end < 0 ? '' : all.slice(end + 4) });
    });
  });
}

// A request as text. `headers`: [name, value] pairs, sent in order (a name may repeat); `host` undefined leaves
// Host out. Every request closes its connection, so the answer ends with the connection.
export function requestText({ method = 'GET', target, host, headers = [], version = 'HTTP/1.1' }) {
  let text = `${method} ${target} ${version}\r\n`;
  if (host !== undefined) text += `Host: ${host}\r\n`;
  for (const [k, v] of headers) text += `${k}: ${v}\r\n`;
  return `${text}Connection: close\r\n\r\n`;
}

// --- the header families a client may add, and the names each door takes from its proxy.
export const families = {
  'x-original': [['X-Original-URL', `http://${appHost}/public/x`], ['X-Original-Method', 'OPTIONS']],
  'x-forwarded': [['X-Forwarded-Method', 'OPTIONS'], ['X-Forwarded-Proto', 'https'],
    ['X-Forwarded-Host', 'other.example.test'], ['X-Forwarded-Uri', '/public/x']],
  // The Envoy and oauth2-proxy spellings of "where the request was meant to go".
  'others': [['X-Envoy-Original-Path', '/public/x'], ['X-Rewrite-URL', '/public/x'], ['X-Forwarded-Prefix', '/public'],
    ['X-Forwarded-Path', '/public/x']],
};
families.all = [...families['x-original'], ...families['x-forwarded'], ...families.others];
const xOriginalNames = ['x-original-url', 'x-original-method'];
const xForwardedNames = ['x-forwarded-method', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-uri'];

// --- metrics: which reason Gatehouse counted for the last request, to tell a refusal from a forbidden user
// where the status cannot (/oauth2/auth answers both with 403, so nginx shows both the same way).
function parseCounters(text) {
  const out = {};
  for (const line of text.split('\n')) {
    const m = line.match(/^(gatehouse_(?:auth_decisions_total|requests_total)\{[^}]*\}) (\S+)$/);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

export const isAmbiguityReason = (reason) => /^original_request_/.test(reason);

// Verdict classes: allow, sign-in, forbidden, refused; `proxy-refused` when nginx or Caddy answered without asking
// Gatehouse (nothing to compare then); `error:<status>` for anything else.
function classify(door, status, { asked, reasons, body }) {
  if (door.proxy && !asked) return status >= 400 && status < 500 ? 'proxy-refused' : `error:${status}`;
  if (reasons.some(isAmbiguityReason)) return status === 400 || status === 403 ? 'refused' : `error:refused-with-${status}`;
  switch (status) {
    case 200:
      if (door.allowStatus === 200 && door.viaApp && !/"url"/.test(body)) return 'error:200-not-from-the-app';
      return door.allowStatus === 200 ? 'allow' : 'error:200';
    case 202: return door.allowStatus === 202 ? 'allow' : 'error:202';
    case 401: case 302: return 'sign-in';
    case 403: return 'forbidden';
    case 400: return 'refused';
    default: return `error:${status}`;
  }
}

// `proxies: false`: Gatehouse alone (its own doors), for the describe blocks that vary its flags.
export async function startGuardStack(options = {}) {
  const started = [];
  try {
    return await startGuardStackTracked(options, started);
  } catch (e) {
    // Whatever did start is stopped, or its process would keep the test run alive.
    for (const stop of started.reverse()) await stop().catch(() => {});
    throw e;
  }
}

async function startGuardStackTracked({ extraFlags = [], proxies = true }, started) {
  const appPort = await freePort();
  const app = await startEchoApp(appPort);
  started.push(() => new Promise((r) => app.close(r)));
  const grpcPort = await freePort();
  const metricsPort = await freePort();
  const policyFile = writePolicy();
  // List flags accumulate: a test's own --trusted-proxy-ip replaces the setup's instead of adding to it.
  const own = (flag) => extraFlags.some((f) => f.startsWith(`${flag}=`));
  const setup = guardFlags(policyFile).filter((f) => !own(f.slice(0, f.indexOf('='))) || !f.includes('='));
  const gatehouse = await startGatehouse([...setup, `--grpc-address=127.0.0.1:${grpcPort}`,
    `--metrics-address=127.0.0.1:${metricsPort}`, `--upstream=http://127.0.0.1:${appPort}/`,
    `--ping-user-agent=${pingUserAgent}`, ...extraFlags]);
  started.push(() => gatehouse.stop());
  await gatehouse.waitForOutput(/gRPC ext_authz and health on/);
  const grpc = extAuthzClient(grpcPort);
  started.push(async () => grpc.close());

  const readmePort = await freePort();
  const ingressPort = await freePort();
  const caddyPort = await freePort();
  const nginxReadme = proxies ? await startNginx(readmePort,
    authRequestServer({ listenPort: readmePort, gatehousePort: gatehouse.port, appPort, signinUrl })) : undefined;
  if (nginxReadme) started.push(() => nginxReadme.stop('SIGQUIT'));
  const nginxIngress = proxies ? await startNginx(ingressPort,
    ingressStyleServer({ listenPort: ingressPort, gatehousePort: gatehouse.port, appPort })) : undefined;
  if (nginxIngress) started.push(() => nginxIngress.stop('SIGQUIT'));
  const caddy = proxies ? await startPlainCaddy({ port: caddyPort, gatehousePort: gatehouse.port, appPort }) : undefined;

  let counters = parseCounters(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text());
  // What Gatehouse counted since the last call: whether it was asked at all, and the decision reasons.
  async function sinceLast() {
    const now = parseCounters(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text());
    const grew = Object.keys(now).filter((k) => now[k] > (counters[k] ?? 0));
    counters = now;
    return {
      asked: grew.some((k) => k.startsWith('gatehouse_requests_total')),
      reasons: grew.filter((k) => k.startsWith('gatehouse_auth_decisions_total'))
        .map((k) => k.match(/reason="([^"]*)"/)?.[1]),
    };
  }

  // Each door: `ask(original, { cookie, extra })` returns the raw answer; `extra` are the headers a client adds.
  // A proxy in front of a direct door sets its own family's headers, so those names are not added twice there.
  const doors = {
    'nginx /oauth2/auth (direct)': {
      allowStatus: 202, sets: xOriginalNames,
      ask: (o, { cookie, extra }) => rawExchange(gatehouse.port, requestText({ target: '/oauth2/auth', host: '127.0.0.1',
        headers: [['X-Original-URL', `${o.scheme ?? 'http'}://${o.host}${o.path}`], ['X-Original-Method', o.method],
          ...common(cookie), ...extra] })),
    },
    'nginx README auth_request block': {
      allowStatus: 200, viaApp: true, proxy: true,
      ask: (o, { cookie, extra }) => rawExchange(readmePort, requestText({ method: o.method, target: o.path, host: o.host,
        headers: [...common(cookie), ...extra] })),
    },
    'ingress-nginx-style block': {
      allowStatus: 200, viaApp: true, proxy: true,
      ask: (o, { cookie, extra }) => rawExchange(ingressPort, requestText({ method: o.method, target: o.path, host: o.host,
        headers: [...common(cookie), ...extra] })),
    },
    '/oauth2/forward_auth (direct)': {
      allowStatus: 200, sets: xForwardedNames,
      ask: (o, { cookie, extra }) => rawExchange(gatehouse.port, requestText({ target: '/oauth2/forward_auth',
        host: '127.0.0.1', headers: [['X-Forwarded-Method', o.method], ['X-Forwarded-Proto', o.scheme ?? 'http'],
          ['X-Forwarded-Host', o.host], ['X-Forwarded-Uri', o.path], ...common(cookie), ...extra] })),
    },
    // Only on a Gatehouse started with --original-request-headers=x-forwarded (Traefik's ingress-nginx provider).
    '/oauth2/auth, x-forwarded reading (direct)': {
      allowStatus: 202, sets: xForwardedNames, xForwardedOnly: true,
      ask: (o, { cookie, extra }) => rawExchange(gatehouse.port, requestText({ target: '/oauth2/auth',
        host: '127.0.0.1', headers: [['X-Forwarded-Method', o.method], ['X-Forwarded-Proto', o.scheme ?? 'http'],
          ['X-Forwarded-Host', o.host], ['X-Forwarded-Uri', o.path], ...common(cookie), ...extra] })),
    },
    'Caddy forward_auth': {
      allowStatus: 200, viaApp: true, proxy: true,
      ask: (o, { cookie, extra }) => rawExchange(caddyPort, requestText({ method: o.method, target: o.path, host: o.host,
        headers: [...common(cookie), ...extra] })),
    },
    'Envoy HTTP door': {
      allowStatus: 200,
      ask: (o, { cookie, extra }) => rawExchange(gatehouse.port, requestText({ method: o.method,
        target: `/oauth2/envoy${o.path}`, host: o.host, headers: [['Content-Length', '0'], ...common(cookie), ...extra] })),
    },
    'gRPC Check': {
      allowStatus: 200,
      ask: async (o, { cookie, extra }) => {
        const headers = { accept: 'application/json' };
        if (cookie) headers.cookie = cookie;
        for (const [k, v] of extra) headers[k.toLowerCase()] = v;
        const res = await grpc.check(checkRequest({ method: o.method, host: o.host, path: o.path,
          scheme: o.scheme ?? 'http', headers }));
        return { status: grpcHttpStatus(res), grpc: res, headers: {}, body: '' };
      },
    },
    'reverse-proxy mode': {
      allowStatus: 200, viaApp: true,
      ask: (o, { cookie, extra }) => rawExchange(gatehouse.port, requestText({ method: o.method, target: o.path,
        host: o.host, headers: [...common(cookie), ...extra] })),
    },
  };
  for (const [name, door] of Object.entries(doors)) {
    door.name = name;
    if (!proxies && door.proxy) delete doors[name];
    if (door.xForwardedOnly && !extraFlags.includes('--original-request-headers=x-forwarded')) delete doors[name];
  }

  // Puts `original` to `door` as `user` with the client's `extra` headers; returns { verdict, answer }.
  async function verdict(door, original, { user = 'nobody', extra = [] } = {}) {
    const cookie = users[user]();
    const kept = door.sets ? extra.filter(([k]) => !door.sets.includes(k.toLowerCase())) : extra;
    const answer = await door.ask(original, { cookie, extra: kept });
    const seen = await sinceLast();
    return { verdict: classify(door, answer.status, { ...seen, body: answer.body }), answer, reasons: seen.reasons };
  }

  return {
    gatehouse, app, grpc, doors, verdict, sinceLast, ports: { gatehouse: gatehouse.port, readme: readmePort,
      ingress: ingressPort, caddy: caddyPort, app: appPort, grpc: grpcPort, metrics: metricsPort },
    async stop() {
      grpc.close();
      await caddy?.stop();
      await nginxReadme?.stop('SIGQUIT');
      await nginxIngress?.stop('SIGQUIT');
      await gatehouse.stop();
      await new Promise((r) => app.close(r));
    },
  };
}

// Programs, not browsers: every door then answers "sign in" with 401 (nginx turns it into its 302), and
// reverse-proxy mode does not answer with its 403 sign-in page.
function common(cookie) {
  return [['Accept', 'application/json'], ...(cookie ? [['Cookie', cookie]] : [])];
}

// The HTTP status Envoy would send for a CheckResponse.
const grpcStatusCodes = { OK: 200, BadRequest: 400, Unauthorized: 401, Forbidden: 403, Found: 302 };
function grpcHttpStatus(res) {
  if (res.status?.code === 0 && res.http_response !== 'denied_response') return 200;
  const code = res.denied_response?.status?.code;
  return grpcStatusCodes[code] ?? (typeof code === 'number' ? code : 403);
}

// The auth location ingress-nginx generates for the auth-url annotation (as in lib/sso_stack.mjs), plain HTTP.
export function ingressStyleServer({ listenPort, gatehousePort, appPort }) {
  return `
  upstream gatehouse_ingress { server 127.0.0.1:${gatehousePort}; keepalive 16; }
  upstream app_ingress { server 127.0.0.1:${appPort}; keepalive 16; }
  server {
    listen 127.0.0.1:${listenPort};
    location = /_external-auth {
      internal;
      proxy_pass http://gatehouse_ingress/oauth2/auth;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Forwarded-Proto "";
      proxy_set_header Host auth.example.test;
      proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Sent-From "nginx-ingress-controller";
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Auth-Request-Redirect $request_uri;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffer_size 64k;
      proxy_buffers 4 64k;
    }
    location @signin {
      return 302 ${signinUrl}?rd=$scheme://$http_host$request_uri;
    }
    location / {
      auth_request /_external-auth;
      error_page 401 = @signin;
      auth_request_set $authHeader0 $upstream_http_x_auth_request_user;
      proxy_set_header X-Auth-Request-User $authHeader0;
      auth_request_set $authHeader1 $upstream_http_x_auth_request_email;
      proxy_set_header X-Auth-Request-Email $authHeader1;
      proxy_set_header Host $http_host;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass http://app_ingress;
    }
  }`;
}

// Caddy forward_auth over plain HTTP, any Host: Caddy sets X-Forwarded-Method/-Uri (and -Proto/-Host/-For) on the
// auth request, and passes the client's other headers on.
export async function startPlainCaddy({ port, gatehousePort, appPort }) {
  const dir = tempDir('guard-caddy');
  const config = path.join(dir, 'Caddyfile');
  fs.writeFileSync(config, `{
  admin off
  auto_https off
  storage file_system ${dir}/caddy-storage
}
http://:${port} {
  bind 127.0.0.1
  forward_auth 127.0.0.1:${gatehousePort} {
    uri /oauth2/forward_auth
    copy_headers X-Auth-Request-User X-Auth-Request-Email
  }
  reverse_proxy 127.0.0.1:${appPort}
}
`);
  const caddy = new Proc('caddy', ['run', '--config', config, '--adapter', 'caddyfile'],
    { env: { PATH: process.env.PATH, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir } });
  await Promise.race([
    waitForPort(port),
    caddy.exited.then(({ code }) => { throw new Error(`caddy exited with ${code}:\n${caddy.output}`); }),
  ]);
  return caddy;
}
