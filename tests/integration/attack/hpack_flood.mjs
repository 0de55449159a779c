// What floods of HPACK references cost the server, for the gRPC port's attack tests (d27, d28): CPU per KiB
// received, against well-formed Checks sent the same way.
import { RawH2, Type, Flag, frame, encodeHeaders, dataFrames, headerBlockFrames } from '../lib/h2_frames.mjs';
import { cpuTicks } from '../lib/processes.mjs';

const CHECK = '/envoy.service.auth.v3.Authorization/Check';
export const callFields = (path = CHECK) => [[':method', 'POST'], [':scheme', 'http'], [':path', path],
  [':authority', 'ext-authz'], ['content-type', 'application/grpc'], ['te', 'trailers']];

// References cost within 10x a well-formed Check's CPU per byte received. Each reference to a remembered field still
// costs nghttp2's decoding of it and the per-field bookkeeping (counting, the rules that count fields): measured
// 4-6.2x (the higher figures while other tests ran on the machine), where scanning each reference costs 22x and
// more. 10x keeps clear of that noise and still fails for a rescan.
export const kMaxRatio = 10;

// One connection: a first request (`setup`) puts fields in the HPACK dynamic table, then `batch(id)` (streams from
// `id` on: { buf, last }) is sent as one write and its last stream awaited, again and again for `ms`.
export async function flood(port, pid, { setup = [], batch, ms = 2500 }) {
  const c = await RawH2.connect(port);
  try {
    await c.waitFor((f) => f.type === Type.SETTINGS && !(f.flags & Flag.ACK));
    c.send(...headerBlockFrames(1, Buffer.concat([encodeHeaders(callFields()), ...setup]), { endStream: true }));
    await c.stream(1);
    let id = 3;
    let bytes = 0;
    let answer;
    const c0 = cpuTicks(pid);
    const t0 = Date.now();
    while (Date.now() - t0 < ms) {
      const { buf, last } = batch(id);
      id = last + 2;
      bytes += buf.length;
      c.send(buf);
      answer = await c.stream(last, 10000);
      c.frames.length = 0;
    }
    const cpuMs = (cpuTicks(pid) - c0) * 10;
    return { cpuMs, kib: bytes / 1024, perKib: cpuMs / (bytes / 1024), answer: `${answer.headers?.[':status']} ${answer.grpcStatus}` };
  } finally {
    c.destroy();
  }
}

// 20 streams from `id`, each `request(streamId)`'s frames.
export const twentyStreams = (request) => (id) => {
  const parts = [];
  for (let i = 0; i < 20; i++) parts.push(...request(id + 2 * i));
  return { buf: Buffer.concat(parts), last: id + 38 };
};
// Well-formed Checks carrying `body` (a gRPC-framed CheckRequest), 20 a write.
export const checksBatch = (body) => twentyStreams((id) =>
  [frame(Type.HEADERS, Flag.END_HEADERS, id, encodeHeaders(callFields())), ...dataFrames(id, body, { endStream: true })]);

export const ratioMessage = (what, r, checks) => `${what}: ${r.perKib.toFixed(3)} ms CPU per KiB received (${r.kib | 0} KiB, ` +
  `answered ${r.answer}); well-formed Checks: ${checks.perKib.toFixed(4)} ms per KiB (${checks.kib | 0} KiB): ` +
  `${(r.perKib / checks.perKib).toFixed(1)}x`;
