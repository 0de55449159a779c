// A raw TCP client: the server-limit tests need exact control over bytes, timing and pipelining,
// which node's http client hides.
import net from 'node:net';

export function connect(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
    socket.on('error', reject);
  });
}

export class RawClient {
  constructor(socket) {
    this.socket = socket;
    this.data = '';
    this.closed = false;
    socket.on('data', (d) => { this.data += d.toString('latin1'); });
    socket.on('close', () => { this.closed = true; });
    socket.on('error', () => {});
  }
  write(text) { this.socket.write(text); }
  // Waits until `count` complete responses (header block + Content-Length body) have arrived.
  async responses(count, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = parseResponses(this.data);
      if (parsed.length >= count) return parsed;
      if (this.closed || Date.now() > deadline) return parsed;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  async waitClosed(timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.closed;
  }
  close() { this.socket.destroy(); }
}

export function parseResponses(text) {
  const out = [];
  let rest = text;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return out;
    const lines = rest.slice(0, end).split('\r\n');
    const status = Number(lines[0].split(' ')[1]);
    const headers = {};
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      const k = l.slice(0, i).toLowerCase();
      headers[k] = headers[k] === undefined ? l.slice(i + 1).trim() : [].concat(headers[k], l.slice(i + 1).trim());
    }
    const length = Number(headers['content-length'] ?? 0);
    if (rest.length < end + 4 + length) return out;
    out.push({ status, headers, body: rest.slice(end + 4, end + 4 + length) });
    rest = rest.slice(end + 4 + length);
  }
}

// A GET request; a header whose value is an array is sent once per element.
export function get(path, headers = {}) {
  let req = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`;
  for (const [k, v] of Object.entries(headers)) for (const value of [].concat(v)) req += `${k}: ${value}\r\n`;
  return `${req}\r\n`;
}
