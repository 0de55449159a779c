// The gRPC port's limits, the HTTP listener's own applied to it: connection cap (--max-connections), a silent
// connection closed after --header-read-timeout, an idle one after --idle-timeout, the HTTP/2 concurrent-stream
// limit, the largest message.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import net from 'node:net';
import grpc from '@grpc/grpc-js';
import { startGatehouse, freePort, mintCookie } from './lib/processes.mjs';
import { extAuthzClient, checkRequest } from './lib/ext_authz_client.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// grpc-js shares a connection between its clients; earlier ones are idle-closed by the server between tests.
const ownClient = (port) => extAuthzClient(port, grpc.credentials.createInsecure());
const rawConnection = (port) => new Promise((resolve, reject) => {
  const s = net.connect(port, '127.0.0.1', () => resolve(s));
  s.on('error', reject);
  s.resume();  // read (and drop) what the server sends, so that its close is seen
});

describe('gRPC port limits', () => {
  let gh;
  let port;
  before(async () => {
    port = await freePort();
    gh = await startGatehouse([`--grpc-address=127.0.0.1:${port}`, '--email-domain=example.com',
      '--max-connections=2', '--header-read-timeout=1500ms', '--idle-timeout=1s',
      '--grpc-max-concurrent-streams=3', '--grpc-max-message-bytes=4096']);
    await gh.waitForOutput(/gRPC ext_authz and health on/);
  });
  after(async () => { await gh?.stop(); });

  test('announces the concurrent-stream limit in its HTTP/2 SETTINGS', async () => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    const settings = await new Promise((resolve, reject) => {
      session.on('remoteSettings', resolve);
      session.on('error', reject);
    });
    assert.equal(settings.maxConcurrentStreams, 3);
    session.destroy();
  });

  test('a message over --grpc-max-message-bytes is refused with RESOURCE_EXHAUSTED', async () => {
    const client = ownClient(port);
    const ok = await client.check(checkRequest({ headers: { cookie: mintCookie({ user: 'alice', email: 'alice@example.com' }) } }));
    assert.equal(ok.status.code, 0);
    await assert.rejects(client.check(checkRequest({ headers: { 'x-big': 'a'.repeat(8192) } })),
      (err) => err.code === grpc.status.RESOURCE_EXHAUSTED);
    client.close();
  });

  test('holds --max-connections; connections that send nothing are closed (handshake and idle timeouts)', async () => {
    await sleep(1200);  // connections of earlier tests are idle-closed by now
    const held = [await rawConnection(port), await rawConnection(port)];
    await sleep(100);
    const client = ownClient(port);
    await assert.rejects(client.health(), (err) => err.code === grpc.status.UNAVAILABLE);
    await gh.waitForOutput(/refused a gRPC connection: --max-connections=2 reached/);
    client.close();
    // The silent connections do not keep the port full: the idle timeout closes them.
    const started = Date.now();
    while (!(held[0].destroyed && held[1].destroyed) && Date.now() - started < 5000) await sleep(50);
    assert.ok(held[0].destroyed && held[1].destroyed, 'silent connections closed');
    assert.ok(Date.now() - started < 3000);
    await sleep(150);  // past the prune interval
    const again = ownClient(port);
    assert.equal((await again.health()).status, 'SERVING');
    again.close();
  });

  test('an idle connection is closed after --idle-timeout', async () => {
    await sleep(1500);  // earlier tests' connections are idle-closed by now (the cap is 2)
    // The server's GOAWAY on idle shows as the raw socket closing: watch it with a plain HTTP/2 session.
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on('error', () => {});  // the server's GOAWAY may end the session with an error code
    const started = Date.now();
    const closed = await new Promise((resolve) => {
      session.on('goaway', () => resolve('goaway'));
      session.on('close', () => resolve('close'));
      setTimeout(() => resolve('timeout'), 5000);
    });
    const waited = Date.now() - started;
    assert.notEqual(closed, 'timeout');
    assert.ok(waited >= 800 && waited < 3000, `closed after ${waited} ms`);
    session.destroy();
  });
});
