// The deployment examples stay well-formed: every YAML document parses and names its kind, the Caddyfile is
// valid to the real Caddy, and every Gatehouse door path they use is one Gatehouse serves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { repoRoot, startGatehouse, tempDir } from './lib/processes.mjs';

const examples = path.join(repoRoot, 'deploy/examples');
const files = (ext) => fs.readdirSync(examples, { recursive: true }).map((f) => path.join(examples, f))
  .filter((f) => f.endsWith(ext));

test('every example YAML document parses', () => {
  const yamls = files('.yaml');
  assert.ok(yamls.length >= 7);
  for (const f of yamls) {
    for (const doc of parseAllDocuments(fs.readFileSync(f, 'utf8'))) {
      assert.deepEqual(doc.errors, [], f);
      const value = doc.toJS();
      assert.ok(value && (value.kind || value.static_resources || value.http_filters), `${f}: a kind or an Envoy config`);
    }
  }
});

test('the example Caddyfile is valid to Caddy', () => {
  const home = tempDir('caddy-validate');
  execFileSync('caddy', ['validate', '--config', path.join(examples, 'caddy/Caddyfile'), '--adapter', 'caddyfile'],
    { stdio: 'ignore', env: { PATH: process.env.PATH, HOME: home, XDG_DATA_HOME: home, XDG_CONFIG_HOME: home } });
});

test('the door paths the examples use are served', async () => {
  const text = files('').filter((f) => fs.statSync(f).isFile()).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  const paths = new Set(text.match(/\/oauth2\/(forward_auth|envoy|auth)\b/g));
  assert.ok(paths.size >= 2);
  const gh = await startGatehouse([]);
  try {
    for (const p of paths) {
      const res = await fetch(`http://127.0.0.1:${gh.port}${p}`, { redirect: 'manual', headers: { accept: 'application/json' } });
      assert.equal(res.status, 401, `${p} is a door (401 without a session), not a 404`);
    }
  } finally {
    await gh.stop();
  }
});

test('there is an example for every controller: ingress-nginx, Traefik, Contour, Envoy Gateway, Istio, Caddy', () => {
  const docs = files('.yaml').flatMap((f) => parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => d.toJS()));
  const kinds = new Set(docs.map((d) => d.kind));
  for (const k of ['Middleware', 'IngressRoute', 'ExtensionService', 'HTTPProxy', 'SecurityPolicy', 'AuthorizationPolicy'])
    assert.ok(kinds.has(k), k);
  const nginx = docs.filter((d) => d.kind === 'Ingress' && d.metadata.annotations?.['nginx.ingress.kubernetes.io/auth-url']);
  assert.ok(nginx.length >= 2);
  for (const ing of nginx) {
    const a = ing.metadata.annotations;
    assert.match(a['nginx.ingress.kubernetes.io/auth-url'], /\/oauth2\/auth(\?|$)/);
    assert.match(a['nginx.ingress.kubernetes.io/auth-signin'], /\/oauth2\/start\?rd=/);
    assert.match(a['nginx.ingress.kubernetes.io/auth-response-headers'], /X-Auth-Request-Email/);
  }
  // A cache keyed by the session cookie, every chunk of it, so one user's answer never serves another.
  const cached = nginx.find((d) => d.metadata.annotations['nginx.ingress.kubernetes.io/auth-cache-key']);
  assert.match(cached.metadata.annotations['nginx.ingress.kubernetes.io/auth-cache-key'], /\$cookie__oauth2_proxy.*\$cookie__oauth2_proxy_0.*\$cookie__oauth2_proxy_1/);
  assert.ok(cached.metadata.annotations['nginx.ingress.kubernetes.io/auth-cache-duration']);
  const istio = docs.find((d) => d.kind === 'AuthorizationPolicy');
  assert.equal(istio.spec.action, 'CUSTOM');
  assert.ok(docs.some((d) => d.kind === 'IstioOperator' && JSON.stringify(d).includes('envoyExtAuthzGrpc')));
  assert.ok(fs.existsSync(path.join(examples, 'caddy/Caddyfile')));
});
