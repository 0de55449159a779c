// The sample app of `make demo`: a page that says who is signed in, from the identity headers nginx passed on
// after Gatehouse said yes. It never shows the request's cookies or tokens: a demo is watched over shoulders.
import http from 'node:http';

const escapeHtml = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// `links`: [{ name, url, note }] for the other apps; `signOut(appUrl)`: the sign-out URL that returns here.
function page({ app, headers, links, signOut, appUrl }) {
  const groups = (headers['x-auth-request-groups'] ?? '').split(',').filter(Boolean);
  const row = (label, value) => `<tr><th>${label}</th><td>${escapeHtml(value) || '<em>none</em>'}</td></tr>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(app)} · Gatehouse demo</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1d2433}
table{border-collapse:collapse}th,td{text-align:left;padding:.3rem 1rem .3rem 0;vertical-align:top}
a.button{display:inline-block;padding:.4rem .9rem;border-radius:.3rem;background:#2454c6;color:#fff;text-decoration:none}
li{margin:.3rem 0}.note{color:#5b6475}</style></head><body>
<h1>${escapeHtml(app)}</h1>
<p>Gatehouse let you in. This is what it told the app, in the <code>X-Auth-Request-*</code> headers nginx passed on:</p>
<table>
${row('E-mail', headers['x-auth-request-email'])}
${row('User name', headers['x-auth-request-preferred-username'])}
${row('User id (sub)', headers['x-auth-request-user'])}
${row('Groups', groups.join(', '))}
</table>
<h2>Other apps</h2>
<ul>${links.map((l) => `<li><a href="${escapeHtml(l.url)}">${escapeHtml(l.name)}</a> <span class="note">${escapeHtml(l.note)}</span></li>`).join('')}</ul>
<p><a class="button" href="${escapeHtml(signOut(appUrl))}">Sign out</a></p>
</body></html>
`;
}

// `apps`: [{ name, host, url, note }], the app hosts nginx serves with this one process (told apart by Host).
export function startDemoApp(port, { apps, signOut }) {
  const server = http.createServer((req, res) => {
    const host = (req.headers.host ?? '').split(':')[0];
    const app = apps.find((a) => a.host === host) ?? apps[0];
    const body = page({ app: app.name, headers: req.headers, appUrl: app.url, signOut,
      links: apps.filter((a) => a !== app) });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store' });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
