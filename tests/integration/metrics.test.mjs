// /metrics on --metrics-address: Prometheus text with requests by endpoint and status, decisions by reason,
// the auth latency histogram, open connections and the version; nothing of it on the auth port.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startGatehouse, runGatehouse, baseFlags, mintCookie, mintRedisSessions, freePort } from './lib/processes.mjs';
import { startRedis } from './lib/redis.mjs';
import { connect, get } from './lib/raw_http.mjs';

const sample = (text, series) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('--metrics-address', () => {
  let gh, metricsPort;
  before(async () => {
    metricsPort = await freePort();
    gh = await startGatehouse([`--metrics-address=127.0.0.1:${metricsPort}`, '--email-domain=example.com']);
  });
  after(async () => { await gh?.stop(); });

  test('counts requests, decisions and latency, and shows open connections', async () => {
    const c = await connect(gh.port);  // stays open: one connection for the gauge
    c.write(get('/oauth2/auth', { Cookie: mintCookie({ user: 'm', email: 'm@example.com' }) }) + get('/oauth2/auth') +
      get('/oauth2/auth', { Cookie: mintCookie({ user: 'x', email: 'x@elsewhere.org' }) }) + get('/ping'));
    assert.deepEqual((await c.responses(4)).map((r) => r.status), [202, 401, 403, 200]);
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.equal(sample(text, 'gatehouse_requests_total{endpoint="auth",code="202"}'), 1);
    assert.equal(sample(text, 'gatehouse_requests_total{endpoint="auth",code="401"}'), 1);
    assert.equal(sample(text, 'gatehouse_requests_total{endpoint="auth",code="403"}'), 1);
    assert.equal(sample(text, 'gatehouse_requests_total{endpoint="ping",code="200"}'), 1);
    assert.equal(sample(text, 'gatehouse_auth_decisions_total{reason="allowed"}'), 1);
    assert.equal(sample(text, 'gatehouse_auth_decisions_total{reason="no_session"}'), 1);
    assert.equal(sample(text, 'gatehouse_auth_decisions_total{reason="email_domain_not_allowed"}'), 1);
    assert.equal(sample(text, 'gatehouse_auth_decisions_total{reason="tampered_cookie"}'), 0);
    assert.equal(sample(text, 'gatehouse_auth_request_duration_seconds_count'), 3);
    assert.equal(sample(text, 'gatehouse_auth_request_duration_seconds_bucket{le="+Inf"}'), 3);
    assert.ok(sample(text, 'gatehouse_auth_request_duration_seconds_sum') > 0);
    assert.ok(sample(text, 'gatehouse_connections_active') >= 2);  // the client's and the scrape's own
    assert.match(text, /^gatehouse_build_info\{version="[^"]+"\} 1$/m);
    c.close();
  });

  test('IdP calls are timed and their failures counted (the IdP here cannot be reached)', async () => {
    await gh.waitForOutput(/discovery failed/);
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    assert.ok(sample(text, 'gatehouse_idp_request_duration_seconds_count{call="discovery"}') >= 1);
    assert.ok(sample(text, 'gatehouse_idp_errors_total{call="discovery"}') >= 1);
    assert.equal(sample(text, 'gatehouse_idp_errors_total{call="token"}'), 0);
    assert.equal(sample(text, 'gatehouse_session_refreshes_total{outcome="renewed"}'), 0);
  });

  test('the metrics listener serves /metrics only, and the auth port never serves metrics', async () => {
    assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/oauth2/auth`)).status, 404);
    const onAuthPort = await fetch(`http://127.0.0.1:${gh.port}/metrics`);
    assert.notEqual(onAuthPort.status, 200);
    assert.doesNotMatch(await onAuthPort.text(), /gatehouse_/);
  });

  test('Redis round trips are timed by operation', async () => {
    const redis = await startRedis();
    const port = await freePort();
    const withRedis = await startGatehouse([`--metrics-address=127.0.0.1:${port}`, '--session-store-type=redis',
      `--redis-connection-url=${redis.url}`]);
    try {
      const [ticket] = mintRedisSessions(redis.url, 1, { user: 'r', email: 'r@example.com' });
      const c = await connect(withRedis.port);
      c.write(get('/oauth2/auth', { Cookie: `_oauth2_proxy=${ticket}` }) + get('/oauth2/auth', { Cookie: '_oauth2_proxy=nonsense' }));
      assert.deepEqual((await c.responses(2)).map((r) => r.status), [202, 401]);
      c.close();
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      assert.equal(sample(text, 'gatehouse_session_store_duration_seconds_count{operation="load"}'), 1);  // the tampered one never reaches Redis
      assert.equal(sample(text, 'gatehouse_session_store_errors_total{operation="load"}'), 0);
      assert.ok(sample(text, 'gatehouse_session_store_duration_seconds_sum{operation="load"}') > 0);
    } finally {
      await withRedis.stop();
      await redis.stop();
    }
  });

  test('a bad --metrics-address is a one-line configuration error', async () => {
    const { code, output } = await runGatehouse([...baseFlags(1), '--metrics-address=nonsense']);
    assert.equal(code, 2);
    assert.equal(output, "gatehouse: --metrics-address: 'nonsense' is not host:port\n");
  });
});
