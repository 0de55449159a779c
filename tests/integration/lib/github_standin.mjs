// A local stand-in for GitHub (github.com cannot be reached from the test machine): the OAuth 2.0 endpoints of a
// GitHub OAuth app and the REST API calls Gatehouse makes, in GitHub Enterprise's URL layout (/login/oauth/…,
// /api/v3/…), with the documented shapes: the token endpoint answers JSON when asked (`Accept: application/json`)
// and reports a bad code or bad credentials as 200 with an `error` member; the API wants a token and a User-Agent
// and pages lists with a Link header (rel="next"). Unlike GitHub it checks PKCE always, and it pages after
// `pageSize` items (GitHub: per_page up to 100) so that following the pages is exercised with few items.
// With `layout: 'gitea'` it stands in for Gitea instead, which oauth2-proxy users sign in to with provider=github:
// the same OAuth2 paths, and Gitea's documented REST API under /api/v1/ (GET /user, /user/emails, /user/orgs,
// /user/teams) with Gitea's shapes (an organisation's `name`/`username`, no `login`; a team's `name`, no `slug`).
import crypto from 'node:crypto';
import http from 'node:http';
import { registerSecret } from './processes.mjs';

export const githubUsers = {
  octocat: { id: 1, emails: [{ email: 'octocat@users.example', primary: false, verified: true },
    { email: 'octocat@acme.test', primary: true, verified: true }],
  orgs: ['acme', 'octo-fans', 'spoon-knife'], teams: [['acme', 'platform'], ['acme', 'dev'], ['octo-fans', 'core']] },
  monalisa: { id: 2, emails: [{ email: 'monalisa@acme.test', primary: true, verified: true }], orgs: ['acme'],
    teams: [['acme', 'design']] },
  hubot: { id: 3, emails: [{ email: 'hubot@robots.test', primary: true, verified: true }], orgs: [], teams: [] },
  nomail: { id: 4, emails: [{ email: 'nomail@acme.test', primary: true, verified: false }], orgs: ['acme'],
    teams: [['acme', 'platform']] },
  giteauser: { id: 5, emails: [{ email: 'giteauser@localhost', primary: true, verified: true }], orgs: ['homelab'],
    teams: [['homelab', 'Owners']] },
};

// Repositories: who may push or pull (GET /repos/{owner}/{repo} answers the asking user's `permissions`), and who
// is a collaborator (GET /repos/{owner}/{repo}/collaborators/{login}: 204 or 404, asked with a token that may push).
export const githubRepos = {
  'acme/private-app': { private: true, permissions: { monalisa: { pull: true, push: false }, octocat: { pull: true, push: true } },
    collaborators: ['monalisa', 'octocat'] },
  'acme/public-site': { private: false, permissions: { monalisa: { pull: true, push: true } }, collaborators: ['monalisa'] },
};

function readForm(req) {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => resolve(Object.fromEntries(new URLSearchParams(body))));
  });
}

// `repoToken`: a personal access token with push access to every repository (what --github-token holds).
// `layout: 'gitea'`: Gitea's API shapes under /api/v1 instead of GitHub Enterprise's under /api/v3.
export async function startGithubStandin({ clientId, clientSecret, pageSize = 2, repoToken, layout = 'github' }) {
  const api = layout === 'gitea' ? '/api/v1' : '/api/v3';
  const codes = new Map();   // code -> { user, redirectUri, challenge, scope }
  const tokens = new Map();  // access token -> { login, scope }
  const standin = { signedIn: 'octocat', clientSecret, seen: { scopes: [], apiCalls: [], apiPaths: [], tokenRequests: 0 } };
  const json = (res, status, body, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, `http://${req.headers.host}`);
    if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
      const q = url.searchParams;
      if (q.get('client_id') !== clientId) return json(res, 404, { error: 'unknown client' });
      standin.seen.scopes.push(q.get('scope'));
      const code = crypto.randomBytes(10).toString('hex');
      codes.set(code, { user: standin.signedIn, redirectUri: q.get('redirect_uri'), challenge: q.get('code_challenge'),
        method: q.get('code_challenge_method'), scope: q.get('scope') });
      const back = new URL(q.get('redirect_uri'));
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state'));
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
      standin.seen.tokenRequests += 1;
      const form = await readForm(req);
      if (req.headers.accept !== 'application/json') return json(res, 400, { error: 'this stand-in answers JSON only' });
      if (form.client_id !== clientId || form.client_secret !== standin.clientSecret) {
        return json(res, 200, { error: 'incorrect_client_credentials', error_description: 'The client_id and/or client_secret passed are incorrect.' });
      }
      const grant = codes.get(form.code);
      codes.delete(form.code);
      const verifierOk = grant && grant.method === 'S256' &&
        crypto.createHash('sha256').update(form.code_verifier ?? '').digest('base64url') === grant.challenge;
      if (!grant || grant.redirectUri !== form.redirect_uri || !verifierOk) {
        return json(res, 200, { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' });
      }
      const token = `gho_${crypto.randomBytes(16).toString('hex')}`;
      registerSecret(token);  // a user's GitHub token: no Gatehouse log may hold it
      tokens.set(token, { login: grant.user, scope: grant.scope ?? '' });
      return json(res, 200, { access_token: token, token_type: 'bearer', scope: grant.scope.replace(' ', ',') });
    }
    if (req.method === 'GET' && url.pathname.startsWith('/api/')) standin.seen.apiPaths.push(url.pathname);
    if (req.method === 'GET' && url.pathname.startsWith(`${api}/`)) {
      if (!req.headers['user-agent']) return json(res, 403, { message: 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header' });
      const token = (req.headers.authorization ?? '').replace(/^(Bearer|token) /, '');
      const path = url.pathname.slice(api.length);
      const collaborator = path.match(/^\/repos\/([^/]+\/[^/]+)\/collaborators\/([^/]+)$/);
      if (collaborator) {
        standin.seen.apiCalls.push(path);
        if (!repoToken || token !== repoToken) return json(res, 403, { message: 'Must have push access to view repository collaborators.' });
        const repo = githubRepos[collaborator[1]];
        if (!repo) return json(res, 404, { message: 'Not Found' });
        res.writeHead(repo.collaborators.includes(collaborator[2]) ? 204 : 404);
        return res.end();
      }
      const granted = tokens.get(token);
      if (!granted) return json(res, 401, { message: 'Bad credentials' });
      const { login } = granted;
      const user = githubUsers[login];
      standin.seen.apiCalls.push(path);
      const page = (items) => {
        const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), pageSize);
        const n = Number(url.searchParams.get('page') ?? 1);
        const slice = items.slice((n - 1) * perPage, n * perPage);
        const headers = {};
        if (n * perPage < items.length) {
          const next = new URL(url);
          next.searchParams.set('page', String(n + 1));
          headers.link = `<${next}>; rel="next", <${url.origin}${url.pathname}?page=${Math.ceil(items.length / perPage)}>; rel="last"`;
        }
        return json(res, 200, slice, headers);
      };
      if (layout === 'gitea') {
        if (path === '/user') return json(res, 200, { id: user.id, login, full_name: login, email: user.emails[0].email });
        if (path === '/user/emails') return page(user.emails);
        if (path === '/user/orgs') return page(user.orgs.map((o, i) => ({ id: 100 + i, name: o, username: o, full_name: o })));
        if (path === '/user/teams') {
          return page(user.teams.map(([org, name], i) => ({ id: 200 + i, name, organization: { id: 100, name: org, username: org } })));
        }
        return json(res, 404, { message: 'Not Found' });
      }
      if (path === '/user') return json(res, 200, { login, id: user.id, email: null, name: login });
      const repoPath = path.match(/^\/repos\/([^/]+\/[^/]+)$/);
      if (repoPath) {
        const repo = githubRepos[repoPath[1]];
        // A private repository the user cannot see does not exist for them.
        if (!repo || (repo.private && !repo.permissions[login])) return json(res, 404, { message: 'Not Found' });
        const permissions = repo.permissions[login] ?? { pull: true, push: false, admin: false };
        return json(res, 200, { full_name: repoPath[1], private: repo.private, permissions });
      }
      if (path === '/user/emails') return page(user.emails);
      const canReadOrgs = granted.scope.split(' ').includes('read:org');
      if (path === '/user/orgs') return page(user.orgs.map((o, i) => ({ login: o, id: 100 + i })));
      if (path === '/user/teams') {
        if (!canReadOrgs) return json(res, 403, { message: 'Resource not accessible by integration' });
        return page(user.teams.map(([org, slug], i) => ({ slug, id: 200 + i, organization: { login: org } })));
      }
      return json(res, 404, { message: 'Not Found' });
    }
    json(res, 404, { message: 'Not Found' });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  standin.url = `http://127.0.0.1:${server.address().port}`;
  standin.stop = () => new Promise((resolve) => server.close(resolve));
  return standin;
}
