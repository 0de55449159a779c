// A minimal browser for protocol tests: a cookie jar (Domain, Path, Secure, Max-Age), host names of the
// test domain resolved to 127.0.0.1 by the client itself (no /etc/hosts edits), TLS checked against the
// test CA, and redirects followed one hop at a time so each step can be asserted.
import http from 'node:http';
import https from 'node:https';
import { registerSecret } from './processes.mjs';

export class Browser {
  constructor({ ca, resolve = () => '127.0.0.1' } = {}) {
    this.ca = ca;
    this.resolve = resolve;
    this.cookies = [];  // { name, value, domain, hostOnly, path, secure }
  }

  cookieHeader(url) {
    const u = new URL(url);
    return this.cookies
      .filter((c) => (c.hostOnly ? u.hostname === c.domain : u.hostname === c.domain || u.hostname.endsWith(`.${c.domain}`)))
      .filter((c) => u.pathname.startsWith(c.path) && (!c.secure || u.protocol === 'https:'))
      .map((c) => `${c.name}=${c.value}`).join('; ');
  }

  cookie(name) { return this.cookies.find((c) => c.name === name); }

  store(url, setCookies = []) {
    const u = new URL(url);
    for (const line of [].concat(setCookies)) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const c = { name: pair.slice(0, eq), value: pair.slice(eq + 1), domain: u.hostname, hostOnly: true, path: '/',
        secure: false };
      let expired = false;
      for (const a of attrs) {
        const [k, v = ''] = a.split('=');
        const key = k.toLowerCase();
        if (key === 'domain') { c.domain = v.replace(/^\./, '').toLowerCase(); c.hostOnly = false; }
        if (key === 'path') c.path = v;
        if (key === 'secure') c.secure = true;
        if (key === 'max-age' && Number(v) <= 0) expired = true;
      }
      // Gatehouse's session and CSRF cookies are credentials: none may show up in its logs.
      if (c.name.startsWith('_oauth2_proxy') && c.value) registerSecret(c.value);
      this.cookies = this.cookies.filter((o) => !(o.name === c.name && o.domain === c.domain && o.path === c.path));
      if (!expired) this.cookies.push(c);
    }
  }

  request(method, url, { body, headers = {} } = {}) {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const cookie = this.cookieHeader(url);
    return new Promise((resolve, reject) => {
      const req = mod.request({
        method, host: u.hostname, port: u.port, path: u.pathname + u.search, servername: u.hostname, ca: this.ca,
        agent: false,
        lookup: (host, opts, cb) => (opts?.all ? cb(null, [{ address: this.resolve(host), family: 4 }]) : cb(null, this.resolve(host), 4)),
        headers: { ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          ...headers },
      }, (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { data += d; });
        res.on('end', () => {
          this.store(url, res.headers['set-cookie']);
          const location = res.headers.location ? new URL(res.headers.location, url).toString() : undefined;
          resolve({ url, status: res.statusCode, headers: res.headers, body: data, location });
        });
      });
      req.on('error', reject);
      if (body) req.end(new URLSearchParams(body).toString()); else req.end();
    });
  }

  get(url, opts) { return this.request('GET', url, opts); }
  post(url, body, opts) { return this.request('POST', url, { ...opts, body }); }

  // Follows redirects (GET) until a non-redirect answer or `stopAt(url)` is true; returns every hop.
  async follow(url, { max = 15, stopAt = () => false } = {}) {
    const hops = [];
    let next = url;
    for (let i = 0; i < max; i++) {
      const res = await this.get(next);
      hops.push(res);
      if (!res.location || ![301, 302, 303, 307, 308].includes(res.status) || stopAt(res.location)) return hops;
      next = res.location;
    }
    throw new Error(`more than ${max} redirects from ${url}`);
  }
}
