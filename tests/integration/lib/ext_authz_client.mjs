// A real gRPC client (@grpc/grpc-js) for Gatehouse's ext_authz door, loading Gatehouse's own .proto files,
// plus a hand encoder for CheckRequests laid out byte by byte the way Envoy serialises them.
import path from 'node:path';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { repoRoot } from './processes.mjs';

const protoRoot = path.join(repoRoot, 'src/doors/envoy_grpc/proto');
const loaderOptions = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true,
  includeDirs: [protoRoot, path.join(repoRoot, 'tests/integration/proto')] };

export function extAuthzClient(port, credentials = grpc.credentials.createInsecure()) {
  const definition = protoLoader.loadSync('envoy/service/auth/v3/external_auth.proto', loaderOptions);
  const health = protoLoader.loadSync('health.proto', loaderOptions);
  const { Authorization } = grpc.loadPackageDefinition(definition).envoy.service.auth.v3;
  const { Health } = grpc.loadPackageDefinition(health).grpc.health.v1;
  const client = new Authorization(`127.0.0.1:${port}`, credentials);
  const healthClient = new Health(`127.0.0.1:${port}`, credentials);
  const method = definition['envoy.service.auth.v3.Authorization'].Check;
  const call = (fn, arg) => new Promise((resolve, reject) => fn(arg, (err, res) => (err ? reject(err) : resolve(res))));
  return {
    check: (request) => call(client.Check.bind(client), request),
    health: (service = '') => call(healthClient.Check.bind(healthClient), { service }),
    // grpc.health.v1 Watch: the server-streaming call itself (its 'data', 'status' and 'end' events).
    watch: (service = '') => healthClient.Watch({ service }),
    // Sends bytes as they are: for requests encoded by hand.
    checkRaw: (bytes) => new Promise((resolve, reject) => client.makeUnaryRequest(
      '/envoy.service.auth.v3.Authorization/Check', (b) => b, method.responseDeserialize, bytes,
      (err, res) => (err ? reject(err) : resolve(res)))),
    close: () => { client.close(); healthClient.close(); },
  };
}

// The Check method's own serialisers from our .proto files (protobufjs, through proto-loader), for tests that
// frame gRPC by hand.
export function checkCodec() {
  const definition = protoLoader.loadSync('envoy/service/auth/v3/external_auth.proto', loaderOptions);
  const method = definition['envoy.service.auth.v3.Authorization'].Check;
  return { encodeRequest: (request) => method.requestSerialize(request), decodeResponse: (bytes) => method.responseDeserialize(bytes) };
}

// A CheckRequest as plain data, the way Envoy fills it for an HTTP request.
export function checkRequest({ method = 'GET', host = 'app.example.com', path = '/', scheme = 'https', headers = {},
  context = {}, id = '1' } = {}) {
  return { attributes: { request: { http: { id, method, host, path, scheme, protocol: 'HTTP/1.1',
    headers: { ':authority': host, ':method': method, ':path': path, ...headers } } },
  context_extensions: context } };
}

// --- protobuf wire encoding, for the byte-level check (field numbers from Envoy's API)
export const varint = (n) => {
  const out = [];
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return Buffer.from(out);
};
const field = (n, bytes) => Buffer.concat([varint((n << 3) | 2), varint(bytes.length), bytes]);
const str = (n, s) => field(n, Buffer.from(s, 'utf8'));
const int = (n, v) => Buffer.concat([varint(n << 3), varint(v)]);
const msg = (...parts) => Buffer.concat(parts);
const mapEntry = (n, k, v) => field(n, msg(str(1, k), str(2, v)));

// What Envoy puts on the wire for GET https://<host><path>, including fields Gatehouse's proto leaves out
// (peer addresses, request time, metadata_context, route_metadata_context), which must be skipped.
export function envoyWireCheckRequest({ host, path, cookie, context = {}, id = '8f4e2c1a' }) {
  const socketAddress = msg(str(2, '10.1.2.3'), int(3, 43512));           // SocketAddress{address=2, port_value=3}
  const source = msg(field(1, msg(field(1, socketAddress))), str(4, 'spiffe://cluster.local/ns/a/sa/b'));
  const destination = msg(field(1, msg(field(1, msg(str(2, '10.9.9.9'), int(3, 443))))));
  const headers = [[':authority', host], [':method', 'GET'], [':path', path], [':scheme', 'https'],
    ['user-agent', 'curl/8'], ...(cookie ? [['cookie', cookie]] : [])];
  const http = msg(str(1, id), str(2, 'GET'), ...headers.map(([k, v]) => mapEntry(3, k, v)),
    str(4, path), str(5, host), str(6, 'https'), int(9, 0), str(10, 'HTTP/2'));
  const request = msg(field(1, msg(int(1, 1764400000), int(2, 123456789))), field(2, http));  // time, http
  const attributes = msg(field(1, source), field(2, destination), field(4, request),
    ...Object.entries(context).map(([k, v]) => mapEntry(10, k, v)),
    field(11, Buffer.alloc(0)), field(13, Buffer.alloc(0)));              // metadata_context, route_metadata_context
  return field(1, attributes);
}
