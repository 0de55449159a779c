// [guard] attack round 2: Express (case-insensitive routing by default) behind the README nginx block and
// reverse-proxy mode; /oauth2/userinfo with and without --policy-file. Express from EXPRESS_DIR (npm install express).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { startGatehouse, freePort, mintCookie } from '../lib/processes.mjs';
import { startNginx, authRequestServer } from '../lib/nginx.mjs';
import { writePolicy } from '../lib/guard_stack.mjs';
import { rawExchange, requestText } from '../lib/guard_stack.mjs';

const require = createRequire(path.join(process.env.EXPRESS_DIR ?? '/tmp/attack2-express', 'x.js'));
const express = require('express');
const B = mintCookie({ user: 'bob', email: 'bob@example.com', groups: 'devs' });
const appPort = await freePort();
const app = express();
app.get('/admin', (req, res) => res.send(`ADMIN PANEL for ${req.get('x-forwarded-user') ?? req.get('x-auth-request-user')}`));
app.get('/admin/users', (req, res) => res.send('ADMIN USERS'));
app.use((req, res) => res.status(404).send('nope'));
const server = await new Promise((r) => { const s = app.listen(appPort, '127.0.0.1', () => r(s)); });
const policy = writePolicy();
const gh = await startGatehouse([`--policy-file=${policy}`, '--reverse-proxy', '--trusted-proxy-ip=127.0.0.1', '--email-domain=*',
  '--set-xauthrequest', `--upstream=http://127.0.0.1:${appPort}/`]);
const ngPort = await freePort();
const ng = await startNginx(ngPort, authRequestServer({ listenPort: ngPort, gatehousePort: gh.port, appPort, signinUrl: 'https://auth.example.test/oauth2/start' }));
try {
  for (const p of ['/admin', '/ADMIN', '/Admin/Users', '/aDmIn/'])
    for (const [name, port] of [['reverse-proxy', gh.port], ['nginx README', ngPort]]) {
      const r = await rawExchange(port, requestText({ target: p, host: 'app.example.test', headers: [['Cookie', B], ['Accept', 'application/json']] }));
      console.log(`${name} bob GET ${p} -> ${r.status} ${r.body.slice(0, 60).replace(/\s+/g, ' ')}`);
    }
  for (const who of ['nobody', 'bob']) {
    const r = await rawExchange(gh.port, requestText({ target: '/oauth2/userinfo', host: 'app.example.test', headers: who === 'bob' ? [['Cookie', B]] : [] }));
    console.log(`userinfo with policy, ${who} -> ${r.status} ${r.body.trim()}`);
  }
} finally { await ng.stop('SIGQUIT'); await gh.stop(); server.close(); }
const gh2 = await startGatehouse(['--email-domain=*']);
for (const who of ['nobody', 'bob']) {
  const r = await rawExchange(gh2.port, requestText({ target: '/oauth2/userinfo', host: 'app.example.test', headers: who === 'bob' ? [['Cookie', B]] : [] }));
  console.log(`userinfo without policy, ${who} -> ${r.status} ${r.body.trim()}`);
}
await gh2.stop();
