// A tiny raw HTTP/2 client over net.Socket, for tests that must send what a well-behaved client library never
// sends (DATA on stream 0, oversized frames, broken HPACK, more streams than allowed, a PING flood, a client that
// stops reading) and see exactly which frames the server answers with. Request headers are encoded as HPACK
// literals without indexing (no Huffman, no dynamic table), which every decoder must accept; the server's header
// blocks are decoded in full (static and dynamic table, Huffman), since nghttp2 uses all of it.
import net from 'node:net';

export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export const Type = { DATA: 0, HEADERS: 1, PRIORITY: 2, RST_STREAM: 3, SETTINGS: 4, PUSH_PROMISE: 5, PING: 6,
  GOAWAY: 7, WINDOW_UPDATE: 8, CONTINUATION: 9 };
export const Flag = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4, PADDED: 0x8, PRIORITY: 0x20 };
export const ErrorCode = { NO_ERROR: 0, PROTOCOL_ERROR: 1, INTERNAL_ERROR: 2, FLOW_CONTROL_ERROR: 3,
  SETTINGS_TIMEOUT: 4, STREAM_CLOSED: 5, FRAME_SIZE_ERROR: 6, REFUSED_STREAM: 7, CANCEL: 8, COMPRESSION_ERROR: 9,
  CONNECT_ERROR: 10, ENHANCE_YOUR_CALM: 11, INADEQUATE_SECURITY: 12, HTTP_1_1_REQUIRED: 13 };
export const Setting = { HEADER_TABLE_SIZE: 1, ENABLE_PUSH: 2, MAX_CONCURRENT_STREAMS: 3, INITIAL_WINDOW_SIZE: 4,
  MAX_FRAME_SIZE: 5, MAX_HEADER_LIST_SIZE: 6 };
const typeNames = Object.fromEntries(Object.entries(Type).map(([k, v]) => [v, k]));
const errorNames = Object.fromEntries(Object.entries(ErrorCode).map(([k, v]) => [v, k]));
export const errorName = (code) => errorNames[code] ?? `0x${code.toString(16)}`;

// --- encoding what the client sends

// One frame: the 9-byte header (24-bit length, type, flags, 31-bit stream id) and the payload as given. The
// length is whatever the payload's is, so a test can send a frame larger than the peer allows.
export function frame(type, flags, streamId, payload = Buffer.alloc(0)) {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(streamId & 0x7fffffff, 5);
  return Buffer.concat([head, payload]);
}

export function settingsFrame(entries = {}) {
  const pairs = Object.entries(entries);
  const payload = Buffer.alloc(pairs.length * 6);
  pairs.forEach(([id, value], i) => {
    payload.writeUInt16BE(Number(id), i * 6);
    payload.writeUInt32BE(value, i * 6 + 2);
  });
  return frame(Type.SETTINGS, 0, 0, payload);
}
export const settingsAck = () => frame(Type.SETTINGS, Flag.ACK, 0);
export const pingFrame = (data = Buffer.alloc(8), ack = false) => frame(Type.PING, ack ? Flag.ACK : 0, 0, data);
export function windowUpdate(streamId, increment) {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(increment);
  return frame(Type.WINDOW_UPDATE, 0, streamId, payload);
}
export function rstStream(streamId, code) {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(code);
  return frame(Type.RST_STREAM, 0, streamId, payload);
}

export function dataFrames(streamId, bytes, { endStream = false, maxFrame = 16384 } = {}) {
  const out = [];
  for (let at = 0; at < bytes.length || out.length === 0; at += maxFrame) {
    const last = at + maxFrame >= bytes.length;
    out.push(frame(Type.DATA, last && endStream ? Flag.END_STREAM : 0, streamId, bytes.subarray(at, at + maxFrame)));
  }
  return out;
}

// HPACK's integer with an N-bit prefix (RFC 7541 §5.1); `first` holds the bits above the prefix.
export function hpackInteger(value, prefixBits, first = 0) {
  const max = (1 << prefixBits) - 1;
  if (value < max) return [first | value];
  const out = [first | max];
  let rest = value - max;
  while (rest >= 128) {
    out.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return out;
}
const hpackString = (s) => {
  const bytes = Buffer.isBuffer(s) ? s : Buffer.from(String(s), 'latin1');
  return Buffer.concat([Buffer.from(hpackInteger(bytes.length, 7)), bytes]);  // H bit clear: no Huffman
};

// A header block of literals without indexing, new names (RFC 7541 §6.2.2): `fields` is [[name, value], ...] in
// order (pseudo-headers first), so that duplicates and odd orders can be sent too.
export function encodeHeaders(fields) {
  return Buffer.concat(fields.flatMap(([name, value]) => [Buffer.from([0x00]), hpackString(name), hpackString(value)]));
}

// The request headers of a gRPC call; `extra` adds fields, `replace` changes or (with undefined) drops the usual ones.
export function grpcRequestHeaders(path = '/envoy.service.auth.v3.Authorization/Check', { replace = {}, extra = [] } = {}) {
  const base = { ':method': 'POST', ':scheme': 'http', ':path': path, ':authority': 'gatehouse.test',
    'content-type': 'application/grpc', te: 'trailers', ...replace };
  return [...Object.entries(base).filter(([, v]) => v !== undefined), ...extra];
}

// A header block in HEADERS + CONTINUATION frames of at most 16 KiB (the default SETTINGS_MAX_FRAME_SIZE).
export function headerBlockFrames(streamId, block, { endStream = false } = {}) {
  const frames = [];
  for (let at = 0; at < block.length; at += 16384) {
    const last = at + 16384 >= block.length;
    frames.push(frame(at === 0 ? Type.HEADERS : Type.CONTINUATION,
      (last ? Flag.END_HEADERS : 0) | (at === 0 && endStream ? Flag.END_STREAM : 0), streamId, block.subarray(at, at + 16384)));
  }
  return frames;
}

// HPACK representations (RFC 7541 §6.2): `first` the pattern bits, `prefix` the index's prefix bits; the name is a
// table index (a number) or a new name (a string). Strings are sent without Huffman coding.
function hpackLiteral(first, prefix, name, value) {
  return Buffer.concat([
    Buffer.from(typeof name === 'number' ? hpackInteger(name, prefix, first) : [first]),
    ...(typeof name === 'number' ? [] : [Buffer.from(hpackInteger(name.length, 7)), Buffer.from(name)]),
    Buffer.from(hpackInteger(value.length, 7)), Buffer.from(value)]);
}
// A field added to the dynamic table (it becomes index 62, the newest).
export const hpackWithIndexing = (name, value) => hpackLiteral(0x40, 6, name, value);
export const hpackWithoutIndexing = (name, value) => hpackLiteral(0x00, 4, name, value);
export const hpackIndexed = (index) => Buffer.from(hpackInteger(index, 7, 0x80));

// gRPC's length-prefixed message: 1 byte compressed flag, 4 bytes length, then the bytes.
export function grpcFrame(message, { compressed = false, declaredLength = message.length } = {}) {
  const prefix = Buffer.alloc(5);
  prefix[0] = compressed ? 1 : 0;
  prefix.writeUInt32BE(declaredLength, 1);
  return Buffer.concat([prefix, message]);
}

// --- decoding what the server sends

// RFC 7541 Appendix A.
const staticTable = [null,
  [':authority', ''], [':method', 'GET'], [':method', 'POST'], [':path', '/'], [':path', '/index.html'],
  [':scheme', 'http'], [':scheme', 'https'], [':status', '200'], [':status', '204'], [':status', '206'],
  [':status', '304'], [':status', '400'], [':status', '404'], [':status', '500'], ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'], ['accept-language', ''], ['accept-ranges', ''], ['accept', ''],
  ['access-control-allow-origin', ''], ['age', ''], ['allow', ''], ['authorization', ''], ['cache-control', ''],
  ['content-disposition', ''], ['content-encoding', ''], ['content-language', ''], ['content-length', ''],
  ['content-location', ''], ['content-range', ''], ['content-type', ''], ['cookie', ''], ['date', ''], ['etag', ''],
  ['expect', ''], ['expires', ''], ['from', ''], ['host', ''], ['if-match', ''], ['if-modified-since', ''],
  ['if-none-match', ''], ['if-range', ''], ['if-unmodified-since', ''], ['last-modified', ''], ['link', ''],
  ['location', ''], ['max-forwards', ''], ['proxy-authenticate', ''], ['proxy-authorization', ''], ['range', ''],
  ['referer', ''], ['refresh', ''], ['retry-after', ''], ['server', ''], ['set-cookie', ''],
  ['strict-transport-security', ''], ['transfer-encoding', ''], ['user-agent', ''], ['vary', ''], ['via', ''],
  ['www-authenticate', '']];

// The Huffman code's length for each byte value (RFC 7541 Appendix B). The code is canonical: codes of one length
// are consecutive in symbol order, each length's first code follows the previous length's last, so the lengths
// alone define it.
const huffmanLengths = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
  30,  // EOS (256): never valid inside a string
];
// "length:code" -> symbol.
const huffmanCodes = (() => {
  const order = huffmanLengths.map((length, symbol) => ({ length, symbol }))
    .sort((a, b) => a.length - b.length || a.symbol - b.symbol);
  const codes = new Map();
  let code = 0;
  let length = order[0].length;
  for (const entry of order) {
    code *= 2 ** (entry.length - length);
    length = entry.length;
    codes.set(`${length}:${code}`, entry.symbol);
    code += 1;
  }
  return codes;
})();

export function huffmanDecode(bytes) {
  const out = [];
  let code = 0;
  let length = 0;
  for (const byte of bytes) {
    for (let bit = 7; bit >= 0; bit--) {
      code = code * 2 + ((byte >> bit) & 1);
      length += 1;
      const symbol = huffmanCodes.get(`${length}:${code}`);
      if (symbol === 256) throw new Error('HPACK: EOS inside a Huffman string');
      if (symbol !== undefined) {
        out.push(symbol);
        code = 0;
        length = 0;
      } else if (length > 30) {
        throw new Error('HPACK: no Huffman code matches');
      }
    }
  }
  // What is left must be padding: fewer than 8 bits, all ones (the EOS code's start).
  if (length >= 8 || code !== 2 ** length - 1) throw new Error('HPACK: bad Huffman padding');
  return Buffer.from(out);
}

// The decoder side of one connection's HPACK state (RFC 7541): the dynamic table lives across header blocks.
export class HpackDecoder {
  constructor(maxSize = 4096) {
    this.dynamic = [];  // newest first
    this.size = 0;
    this.maxSize = maxSize;
  }

  #evict() {
    while (this.size > this.maxSize && this.dynamic.length) {
      const [n, v] = this.dynamic.pop();
      this.size -= n.length + v.length + 32;
    }
  }

  #entry(index) {
    if (index > 0 && index < staticTable.length) return staticTable[index];
    const e = this.dynamic[index - staticTable.length];
    if (!e) throw new Error(`HPACK: index ${index} out of range`);
    return e;
  }

  // [[name, value], ...] of one complete header block.
  decode(block) {
    let pos = 0;
    const integer = (prefixBits) => {
      const max = (1 << prefixBits) - 1;
      let value = block[pos++] & max;
      if (value < max) return value;
      let shift = 0;
      let byte;
      do {
        byte = block[pos++];
        if (byte === undefined) throw new Error('HPACK: truncated integer');
        value += (byte & 0x7f) * 2 ** shift;
        shift += 7;
      } while (byte & 0x80);
      return value;
    };
    const string = () => {
      const huffman = (block[pos] & 0x80) !== 0;
      const length = integer(7);
      if (pos + length > block.length) throw new Error('HPACK: truncated string');
      const raw = block.subarray(pos, pos + length);
      pos += length;
      return (huffman ? huffmanDecode(raw) : raw).toString('latin1');
    };
    const fields = [];
    while (pos < block.length) {
      const b = block[pos];
      if (b & 0x80) {  // indexed field
        fields.push([...this.#entry(integer(7))]);
      } else if (b & 0x40) {  // literal with incremental indexing
        const index = integer(6);
        const name = index ? this.#entry(index)[0] : string();
        const value = string();
        fields.push([name, value]);
        this.dynamic.unshift([name, value]);
        this.size += name.length + value.length + 32;
        this.#evict();
      } else if (b & 0x20) {  // dynamic table size update
        this.maxSize = integer(5);
        this.#evict();
      } else {  // literal without indexing (0000) or never indexed (0001)
        const index = integer(4);
        const name = index ? this.#entry(index)[0] : string();
        fields.push([name, string()]);
      }
    }
    return fields;
  }
}

// One received frame, its payload read by type; `fields` for a HEADERS (with its CONTINUATIONs) once decoded.
function describe(type, flags, streamId, payload) {
  const f = { type, typeName: typeNames[type] ?? `0x${type.toString(16)}`, flags, streamId, payload };
  const unpad = () => {
    let body = payload;
    let start = 0;
    if (flags & Flag.PADDED) {
      start = 1;
      body = payload.subarray(0, payload.length - payload[0]);
    }
    if (type === Type.HEADERS && (flags & Flag.PRIORITY)) start += 5;
    return body.subarray(start);
  };
  switch (type) {
    case Type.DATA: f.data = unpad(); break;
    case Type.HEADERS: f.block = unpad(); break;
    case Type.CONTINUATION: f.block = payload; break;
    case Type.RST_STREAM: f.errorCode = payload.readUInt32BE(0); break;
    case Type.SETTINGS:
      f.settings = {};
      for (let i = 0; i + 6 <= payload.length; i += 6) f.settings[payload.readUInt16BE(i)] = payload.readUInt32BE(i + 2);
      break;
    case Type.PING: f.data = payload; break;
    case Type.GOAWAY:
      f.lastStreamId = payload.readUInt32BE(0) & 0x7fffffff;
      f.errorCode = payload.readUInt32BE(4);
      f.debug = payload.subarray(8).toString('latin1');
      break;
    case Type.WINDOW_UPDATE: f.increment = payload.readUInt32BE(0) & 0x7fffffff; break;
    default: break;
  }
  if (f.errorCode !== undefined) f.errorName = errorName(f.errorCode);
  return f;
}

// A raw HTTP/2 connection to 127.0.0.1:port. Everything the server sends is kept in `frames`, in order, and
// waited on with waitFor(). By default the client behaves enough for the server to answer: it sends its preface
// and SETTINGS (a large initial window), opens the connection window, and ACKs the server's SETTINGS (unless it
// sent no preface: then it sends nothing by itself).
export class RawH2 {
  static connect(port, options = {}) {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawH2(socket, options)));
      socket.once('error', reject);
    });
  }

  constructor(socket, { preface = true, settings = { [Setting.INITIAL_WINDOW_SIZE]: 0x7fffffff },
    ackSettings = preface, openWindow = true } = {}) {
    this.socket = socket;
    // Each send() leaves at once, as its own segment: no Nagle delay between a test's frames.
    socket.setNoDelay(true);
    this.frames = [];
    this.received = Buffer.alloc(0);
    this.closed = false;
    this.error = null;
    this.ackSettings = ackSettings;
    this.hpack = new HpackDecoder();
    this.pendingHeaders = null;  // a HEADERS waiting for its CONTINUATIONs
    this.waiters = new Set();
    this.closedAt = null;
    this.closePromise = new Promise((resolve) => socket.once('close', () => {
      this.closed = true;
      this.closedAt = Date.now();
      this.#wake();
      resolve();
    }));
    socket.on('error', (e) => { this.error = e; });
    socket.on('data', (chunk) => this.#onData(chunk));
    if (preface) {
      this.send(PREFACE, settingsFrame(settings));
      if (openWindow) this.send(windowUpdate(0, 0x7fffffff - 65535));
    }
  }

  send(...buffers) {
    if (!this.socket.destroyed) this.socket.write(Buffer.concat(buffers));
  }
  sendFrame(type, flags, streamId, payload) { this.send(frame(type, flags, streamId, payload)); }

  // A request's HEADERS (one frame, END_HEADERS), ending the stream unless a body follows.
  headers(streamId, fields, { endStream = false } = {}) {
    this.sendFrame(Type.HEADERS, Flag.END_HEADERS | (endStream ? Flag.END_STREAM : 0), streamId, encodeHeaders(fields));
  }
  // DATA frames of at most `maxFrame` bytes (the default SETTINGS_MAX_FRAME_SIZE), the last one ending the stream
  // when asked.
  data(streamId, bytes, { endStream = false, maxFrame = 16384 } = {}) {
    this.send(...dataFrames(streamId, bytes, { endStream, maxFrame }));
  }
  // A whole unary gRPC call: its headers, then the body (already prefixed), the last DATA frame ending the stream.
  call(streamId, body, fields = grpcRequestHeaders()) {
    this.send(frame(Type.HEADERS, Flag.END_HEADERS, streamId, encodeHeaders(fields)),
      ...dataFrames(streamId, body, { endStream: true }));
  }

  #onData(chunk) {
    this.received = Buffer.concat([this.received, chunk]);
    while (this.received.length >= 9) {
      const length = this.received.readUIntBE(0, 3);
      if (this.received.length < 9 + length) break;
      const f = describe(this.received[3], this.received[4], this.received.readUInt32BE(5) & 0x7fffffff,
        this.received.subarray(9, 9 + length));
      this.received = this.received.subarray(9 + length);
      this.#onFrame(f);
    }
  }

  #onFrame(f) {
    f.at = Date.now();
    if (f.type === Type.HEADERS || f.type === Type.CONTINUATION) {
      const start = f.type === Type.HEADERS ? f : this.pendingHeaders;
      if (f.type === Type.CONTINUATION) {
        if (!start) throw new Error('CONTINUATION without HEADERS');
        start.block = Buffer.concat([start.block, f.block]);
      }
      if (!(f.flags & Flag.END_HEADERS)) {
        this.pendingHeaders = start;
        return;
      }
      this.pendingHeaders = null;
      start.fields = this.hpack.decode(start.block);
      start.headers = Object.fromEntries(start.fields);
      f = start;
    }
    if (f.type === Type.SETTINGS && !(f.flags & Flag.ACK) && this.ackSettings) this.send(settingsAck());
    this.frames.push(f);
    this.#wake();
  }

  #wake() {
    for (const w of [...this.waiters]) w();
  }

  // The first frame (received so far or later) that `match` accepts; rejects after `timeoutMs`, or when the
  // connection closes without one.
  waitFor(match, timeoutMs = 3000, what = 'frame') {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.frames.find(match);
        if (found) return done(() => resolve(found));
        if (this.closed) return done(() => reject(new Error(`connection closed before ${what}; got ${this.summary()}`)));
        return undefined;
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no ${what} within ${timeoutMs} ms; got ${this.summary()}`))), timeoutMs);
      const done = (settle) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  waitForGoaway(timeoutMs = 3000) { return this.waitFor((f) => f.type === Type.GOAWAY, timeoutMs, 'GOAWAY'); }

  // Resolves with the time it took once the server closed the connection; rejects after `timeoutMs`.
  async waitForClose(timeoutMs = 3000) {
    const started = Date.now();
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`connection still open after ${timeoutMs} ms; got ${this.summary()}`)), timeoutMs);
    });
    try {
      await Promise.race([this.closePromise, timeout]);
    } finally {
      clearTimeout(timer);
    }
    return Date.now() - started;
  }

  // Everything the server sent on one stream, once it ended it (END_STREAM) or reset it: the header blocks (the
  // first is the response's, a later one the trailers), the DATA bytes, the RST_STREAM's code if any.
  async stream(streamId, timeoutMs = 3000) {
    const ends = (f) => f.streamId === streamId &&
      (f.type === Type.RST_STREAM || ((f.type === Type.HEADERS || f.type === Type.DATA) && (f.flags & Flag.END_STREAM)));
    await this.waitFor(ends, timeoutMs, `the end of stream ${streamId}`);
    return this.streamSoFar(streamId);
  }

  streamSoFar(streamId) {
    const own = this.frames.filter((f) => f.streamId === streamId);
    const blocks = own.filter((f) => f.type === Type.HEADERS).map((f) => f.headers);
    const rst = own.find((f) => f.type === Type.RST_STREAM);
    return {
      frames: own,
      headers: blocks[0],
      trailers: blocks.length > 1 ? blocks.at(-1) : undefined,
      // Trailers-Only: the one header block carries grpc-status.
      grpcStatus: (blocks.at(-1) ?? {})['grpc-status'],
      grpcMessage: (blocks.at(-1) ?? {})['grpc-message'],
      data: Buffer.concat(own.filter((f) => f.type === Type.DATA).map((f) => f.data)),
      rst: rst?.errorName,
    };
  }

  summary() {
    return this.frames.map((f) => `${f.typeName}(${f.streamId}${f.errorName ? ` ${f.errorName}` : ''}` +
      `${f.debug ? ` "${f.debug}"` : ''}${f.headers?.['grpc-status'] !== undefined ? ` grpc-status=${f.headers['grpc-status']}` : ''})`).join(' ') +
      (this.closed ? ' <closed>' : '');
  }

  destroy() { this.socket.destroy(); }
}

// The one message of a gRPC answer's DATA: its bytes after the 5-byte prefix.
export function grpcMessageOf(data) {
  if (data.length < 5) throw new Error(`a gRPC message needs 5 bytes of prefix, got ${data.length}`);
  const length = data.readUInt32BE(1);
  if (data[0] !== 0 || data.length !== 5 + length) throw new Error('not exactly one uncompressed gRPC message');
  return data.subarray(5);
}

// Protobuf fields of a message, one level: [{ field, wire, value }] (varints as numbers, length-delimited as Buffers).
export function protobufFields(bytes) {
  const out = [];
  let pos = 0;
  const varint = () => {
    let value = 0;
    let scale = 1;
    let byte;
    do {
      byte = bytes[pos++];
      if (byte === undefined) throw new Error('protobuf: truncated varint');
      value += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte & 0x80);
    return value;
  };
  while (pos < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) out.push({ field, wire, value: varint() });
    else if (wire === 2) {
      const length = varint();
      out.push({ field, wire, value: bytes.subarray(pos, pos + length) });
      pos += length;
    } else if (wire === 1) { out.push({ field, wire, value: bytes.subarray(pos, pos + 8) }); pos += 8; }
    else if (wire === 5) { out.push({ field, wire, value: bytes.subarray(pos, pos + 4) }); pos += 4; }
    else throw new Error(`protobuf: wire type ${wire}`);
  }
  return out;
}

// A CheckResponse's verdict: status.code (google.rpc.Status field 1, 0 when absent as proto3 leaves it out), and
// which of denied_response (2) / ok_response (3) it holds, with the denial's HTTP status (HttpStatus.code).
export function checkVerdict(message) {
  const top = protobufFields(message);
  const status = top.find((f) => f.field === 1);
  const code = status ? (protobufFields(status.value).find((f) => f.field === 1)?.value ?? 0) : 0;
  const denied = top.find((f) => f.field === 2);
  const ok = top.find((f) => f.field === 3);
  let httpStatus;
  if (denied) {
    const s = protobufFields(denied.value).find((f) => f.field === 1);
    httpStatus = s ? protobufFields(s.value).find((f) => f.field === 1)?.value : undefined;
  }
  return { code, kind: denied ? 'denied' : ok ? 'ok' : 'none', httpStatus };
}
