// Caddy speaking h2c (and HTTP/1.1) to clients on 127.0.0.1:`port`, proxying every request to `upstream` (a URL or
// host:port; h2c:// for HTTP/2 without TLS), as the attack tests put it in front of Gatehouse.
import fs from 'node:fs';
import path from 'node:path';
import { tempDir, Proc, waitForPort } from './processes.mjs';

export async function startCaddyReverseProxy(port, upstream) {
  const dir = tempDir('caddy-reverse-proxy');
  const config = path.join(dir, 'Caddyfile');
  fs.writeFileSync(config, `{\n  admin off\n  auto_https off\n  servers {\n    protocols h1 h2 h2c\n  }\n}\n` +
    `http://:${port} {\n  bind 127.0.0.1\n  reverse_proxy ${upstream}\n}\n`);
  const caddy = new Proc('caddy', ['run', '--config', config, '--adapter', 'caddyfile'],
    { env: { PATH: process.env.PATH, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir } });
  await Promise.race([waitForPort(port),
    caddy.exited.then(({ code }) => { throw new Error(`caddy exited with ${code}:\n${caddy.output}`); })]);
  return caddy;
}
