// Assertions of the adversarial suite ([guard]): a verdict class expected from a door, with a message that names
// the door, the variant, the original request, the user and the answer (status and the reasons Gatehouse counted).
import assert from 'node:assert/strict';

export function describeAnswer(r) {
  const reasons = r.reasons?.length ? ` reasons=${r.reasons.join(',')}` : '';
  const grpc = r.answer.grpc ? ` grpc=${JSON.stringify(r.answer.grpc.denied_response?.status ?? r.answer.grpc.status)}` : '';
  return `HTTP ${r.answer.status}${reasons}${grpc}`;
}

// `expected`: a class or a list of acceptable classes.
export async function expectVerdict(stack, door, original, { user = 'nobody', extra = [], variant = '' }, expected) {
  const r = await stack.verdict(door, original, { user, extra });
  const ok = [].concat(expected);
  const what = `${door.name} · ${variant || 'plain'}: ${original.method} ${original.host}${original.path} as ${user}` +
    `${extra.length ? ` with ${JSON.stringify(extra)}` : ''}`;
  record(ok.includes(r.verdict), `${what} → ${r.verdict} (${describeAnswer(r)}), expected ${ok.join(' or ')}`);
  return r;
}

export const get = (path, host = 'app.example.test') => ({ method: 'GET', host, path });

// Inside `collecting(fn)`, a failed expectation is recorded and the test goes on, so one run lists every variant a
// build gets wrong (the issue asks to show each case failing before the fix); the test fails at its end with all.
let current = null;
export function collecting(fn) {
  return async () => {
    const problems = [];
    current = problems;
    try {
      await fn();
    } finally {
      current = null;
    }
    assert.deepEqual(problems, [], `${problems.length} failed:\n${problems.join('\n')}`);
  };
}

function record(ok, message) {
  if (ok) return;
  if (current) current.push(message);
  else assert.fail(message);
}

export const check = {
  ok: (cond, message) => record(Boolean(cond), message),
  equal: (actual, expected, message) => record(actual === expected, `${message} (got ${actual}, expected ${expected})`),
  notEqual: (actual, unexpected, message) => record(actual !== unexpected, `${message} (got ${actual})`),
  match: (text, re, message) => record(re.test(text), message),
  doesNotMatch: (text, re, message) => record(!re.test(text), message),
};
