// One Check sent on a new raw HTTP/2 connection, as the gRPC port's attack tests (d28-d30) probe whether other
// clients are still served while an attack runs: its outcome as text, "ok ok" when allowed.
import { mintCookie, startGatehouse, freePort } from '../lib/processes.mjs';
import { varint } from '../lib/ext_authz_client.mjs';
import { startNginx } from '../lib/nginx.mjs';
import { startCaddyReverseProxy } from '../lib/caddy_reverse_proxy.mjs';
import { envoyWireCheckRequest } from '../lib/ext_authz_client.mjs';
import { RawH2, grpcFrame, grpcMessageOf, checkVerdict } from '../lib/h2_frames.mjs';
import { callFields } from './hpack_flood.mjs';

export { callFields };
export const CHECK = '/envoy.service.auth.v3.Authorization/Check';
export const alice = () => mintCookie({ user: 'alice', email: 'alice@example.com' });
export const checkMessage = (cookie, path = '/private') => envoyWireCheckRequest({ host: 'app.example.com', path, cookie });

export const checkOn = async (port, message, fields = callFields(), timeoutMs = 5000) => {
  const c = await RawH2.connect(port);
  try {
    c.call(1, grpcFrame(message), fields);
    const a = await c.stream(1, timeoutMs).catch(() => c.streamSoFar(1));
    let kind = '';
    try { kind = checkVerdict(grpcMessageOf(a.data)).kind; } catch {}
    if (a.grpcStatus === '0') return `ok ${kind}`;
    return `:status ${a.headers?.[':status']} grpc-status ${a.grpcStatus} ${a.grpcMessage ? decodeURIComponent(a.grpcMessage) : ''}` +
      `${a.rst ? ` RST ${a.rst}` : ''}${c.closed ? ' <closed>' : ''}`;
  } finally {
    c.destroy();
  }
};

// Gatehouse with its gRPC port, and the same port behind real nginx (grpc_pass) and Caddy (reverse_proxy h2c://,
// one upstream connection shared by its clients): the three ways another client's Check arrives.
export async function startBehindProxies(flags = ['--email-domain=example.com']) {
  const port = await freePort();
  const gh = await startGatehouse([`--grpc-address=127.0.0.1:${port}`, ...flags]);
  await gh.waitForOutput(/gRPC ext_authz and health on/);
  const nginxPort = await freePort();
  const nginx = await startNginx(nginxPort, `upstream gh { server 127.0.0.1:${port}; }
      server { listen 127.0.0.1:${nginxPort} http2; location / { grpc_pass grpc://gh; } }`);
  const caddyPort = await freePort();
  const caddy = await startCaddyReverseProxy(caddyPort, `h2c://127.0.0.1:${port}`);
  return {
    gh, port, nginxPort, caddyPort,
    async stop() {
      await caddy.stop();
      await nginx.stop();
      await gh.stop();
    },
  };
}

// A CheckRequest without a session whose HttpRequest.path is '/?' and `n` bytes of '%': denied with a redirect whose
// Location carries the URL percent-encoded ('%25' an input byte), an answer of ~3n bytes (d31, d32). The path is in
// field 4 of HttpRequest only, not in the headers map too.
const field = (n, bytes) => Buffer.concat([varint((n << 3) | 2), varint(bytes.length), bytes]);
const str = (n, s) => field(n, Buffer.from(s, 'latin1'));
const mapEntry = (n, k, v) => field(n, Buffer.concat([str(1, k), str(2, v)]));
export function percentPathCheck(n) {
  const host = 'app.example.com';
  const http = Buffer.concat([str(1, 'id'), str(2, 'GET'), mapEntry(3, ':authority', host), mapEntry(3, ':method', 'GET'),
    mapEntry(3, ':scheme', 'https'), str(4, `/?${'%'.repeat(n)}`), str(5, host), str(6, 'https'), str(10, 'HTTP/2')]);
  return field(1, field(4, field(2, http)));  // CheckRequest{attributes{request{http}}}
}
