// Envoy's ext_authz HTTP service mode: Envoy sends the original method and Host, with the original path
// appended to its path_prefix (here /oauth2/envoy), and copies any non-200 answer to the client. Envoy is not
// packaged for Debian, so the test sends what Envoy sends (its default allowed headers plus Cookie).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startGatehouse, mintCookie } from './lib/processes.mjs';

function envoyAsks(port, { method = 'GET', path, host = 'app.example.com', headers = {} }) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: `/oauth2/envoy${path}`, agent: false,
      headers: { host, 'content-length': '0', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Envoy ext_authz HTTP service door', () => {
  let gatehouse;
  const alice = () => mintCookie({ user: 'alice-sub', email: 'alice@example.com', groups: '/dev' });
  before(async () => {
    gatehouse = await startGatehouse(['--set-xauthrequest=true', '--email-domain=example.com',
      '--skip-auth-route=GET=^/public/']);
  });
  after(async () => { await gatehouse?.stop(); });

  test('a valid session: 200 (not 202) with the identity headers, for any path and method under the prefix', async () => {
    for (const [method, path] of [['GET', '/reports?x=1'], ['POST', '/api/items'], ['DELETE', '/']]) {
      const res = await envoyAsks(gatehouse.port, { method, path, headers: { cookie: alice() } });
      assert.equal(res.statusCode, 200, `${method} ${path}`);
      assert.equal(res.headers['x-auth-request-user'], 'alice-sub');
      assert.equal(res.headers['x-auth-request-groups'], '/dev');
    }
  });

  test('no session: a browser gets a 302 to sign in with rd rebuilt, a program a 401', async () => {
    const browser = await envoyAsks(gatehouse.port, { path: '/reports?x=1', headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(browser.statusCode, 302);
    assert.equal(browser.headers.location,
      `https://app.example.com/oauth2/start?rd=${encodeURIComponent('https://app.example.com/reports?x=1')}`);
    const api = await envoyAsks(gatehouse.port, { path: '/api', headers: { accept: 'application/json' } });
    assert.equal(api.statusCode, 401);
  });

  test('public routes use the original method and path; refusals are 403', async () => {
    assert.equal((await envoyAsks(gatehouse.port, { path: '/public/logo.png' })).statusCode, 200);
    assert.equal((await envoyAsks(gatehouse.port, { method: 'POST', path: '/public/logo.png',
      headers: { accept: 'application/json' } })).statusCode, 401);
    const outsider = mintCookie({ user: 'eve', email: 'eve@elsewhere.test' });
    assert.equal((await envoyAsks(gatehouse.port, { path: '/', headers: { cookie: outsider } })).statusCode, 403);
  });

  test('only paths under the prefix are this door', async () => {
    const res = await new Promise((resolve) => http.get({ host: '127.0.0.1', port: gatehouse.port,
      path: '/oauth2/envoyx/a', agent: false }, (r) => { r.resume(); resolve(r); }));
    assert.equal(res.statusCode, 404);
  });
});
