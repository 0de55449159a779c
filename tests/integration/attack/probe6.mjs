// A policy with methods: /reports GET for admins only, the rest of the host for example.com. Does "get" or HEAD
// reach the GET handler of an app that upper-cases methods (Werkzeug) or answers HEAD with its GET route?
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { startGatehouse, freePort, waitForPort, tempDir, mintCookie } from '../lib/processes.mjs';
import { startPlainCaddy, rawExchange } from '../lib/guard_stack.mjs';
const policy = path.join(tempDir('attack-policy'), 'p.yaml');
fs.writeFileSync(policy, `rules:
  - host: app.example.test
    path: /reports
    methods: [GET, POST]
    allow:
      groups: [admins]
  - host: app.example.test
    path: /
    allow:
      email_domains: [example.com]
`);
const appPort = await freePort();
const code = `from flask import Flask, request\napp=Flask(__name__)\n@app.route('/reports', methods=['GET','POST'])\ndef r(): return 'SECRET REPORT via ' + request.method\napp.run(host='127.0.0.1', port=${appPort})\n`;
const py = spawn('python3', ['-c', code], { stdio: 'ignore' });
await waitForPort(appPort);
const gh = await startGatehouse([`--policy-file=${policy}`, '--reverse-proxy', '--trusted-proxy-ip=127.0.0.1', '--email-domain=*', `--upstream=http://127.0.0.1:${appPort}/`]);
const caddyPort = await freePort();
const caddy = await startPlainCaddy({ port: caddyPort, gatehousePort: gh.port, appPort });
const B = mintCookie({ user: 'bob', email: 'bob@example.com', groups: 'devs' });
try {
  for (const [via, port] of [['rp', gh.port], ['caddy', caddyPort]])
    for (const m of ['GET', 'get', 'Get', 'HEAD', 'POST', 'post']) {
      const r = await rawExchange(port, `${m} /reports HTTP/1.1\r\nHost: app.example.test\r\nCookie: ${B}\r\nAccept: application/json\r\n${m.toUpperCase() === 'POST' ? 'Content-Length: 0\r\n' : ''}Connection: close\r\n\r\n`);
      console.log(`${via} bob ${m} /reports → ${r.status} len=${r.headers['content-length']} ${r.body.slice(0, 40)}`);
    }
  console.log(gh.output.split('\n').filter((l) => /reports/.test(l)).join('\n'));
} finally { await caddy.stop(); await gh.stop(); py.kill(); }
