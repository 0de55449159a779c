// Attack harness ([guard] attack): the guard stack (policy for app.example.test, nginx README block,
// ingress-style nginx, Caddy forward_auth, reverse-proxy mode in front of an echo app), plus helpers that send
// raw bytes to one target and report what Gatehouse answered/logged and what the echo app received.
import { startGuardStack, rawExchange, users } from '../lib/guard_stack.mjs';

export { users };

export async function startAttackStack(options = {}) {
  const stack = await startGuardStack(options);
  const targets = {
    direct: stack.ports.gatehouse, // Gatehouse itself: /oauth2/* doors and reverse-proxy mode
    nginx: stack.ports.readme,
    ingress: stack.ports.ingress,
    caddy: stack.ports.caddy,
  };
  let logMark = 0;
  // Sends `text` to `target`, returns { status, headers, body, app (what the echo app got, when it answered),
  // log (Gatehouse's log lines since the previous call) }.
  async function send(target, text, timeoutMs = 5000) {
    const port = typeof target === 'number' ? target : targets[target];
    const answer = await rawExchange(port, text, timeoutMs);
    await new Promise((r) => setTimeout(r, 30));
    const out = stack.gatehouse.output;
    const log = out.slice(logMark).trim();
    logMark = out.length;
    let app;
    try {
      const j = JSON.parse(answer.body);
      if (j && j.url !== undefined) app = j;
    } catch { /* not the echo app */ }
    return { ...answer, app, log };
  }
  return { ...stack, targets, send };
}

// A raw request; `headers` is [name, value] pairs in order.
export function req({ method = 'GET', target, host = 'app.example.test', headers = [], version = 'HTTP/1.1',
  close = true, body = '' }) {
  let t = `${method} ${target} ${version}\r\n`;
  if (host !== undefined) t += `Host: ${host}\r\n`;
  for (const [k, v] of headers) t += `${k}: ${v}\r\n`;
  if (close) t += 'Connection: close\r\n';
  return `${t}\r\n${body}`;
}

export const bob = () => users.bob();
export const alice = () => users.alice();
