// Run after the integration suite (make test, make test-asan/-tsan): no Gatehouse log of the run may hold
// any secret the tests gave Gatehouse (cookie and client secrets, Redis passwords, secret files' contents,
// session cookies and tickets). Usage: node check_logs_for_secrets.mjs <test-output dir>
// Exit 1 names each leak (the secret itself masked); exit 1 too when there was nothing to check.
import fs from 'node:fs';
import path from 'node:path';

export function findLeaks(outputDir) {
  const secretsFile = path.join(outputDir, 'secrets-used.txt');
  const logDir = path.join(outputDir, 'gatehouse-logs');
  const secrets = fs.existsSync(secretsFile)
    ? [...new Set(fs.readFileSync(secretsFile, 'utf8').split('\n').filter((s) => s.length >= 6))] : [];
  const logs = fs.existsSync(logDir) ? fs.readdirSync(logDir).filter((f) => f.endsWith('.log')) : [];
  const leaks = [];
  for (const log of logs) {
    const text = fs.readFileSync(path.join(logDir, log), 'utf8');
    for (const secret of secrets) {
      // As given, and as it would look percent-encoded in a logged URL.
      for (const form of new Set([secret, encodeURIComponent(secret)]))
        if (text.includes(form)) leaks.push({ log, secret: `${secret.slice(0, 3)}…(${secret.length} chars)` });
    }
  }
  return { secrets: secrets.length, logs: logs.length, leaks };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  const { secrets, logs, leaks } = findLeaks(dir);
  if (secrets === 0 || logs === 0) {
    console.error(`check_logs_for_secrets: nothing to check in ${dir} (${secrets} secrets, ${logs} logs)`);
    process.exit(1);
  }
  for (const l of leaks) console.error(`check_logs_for_secrets: ${l.log} holds a secret: ${l.secret}`);
  if (leaks.length) process.exit(1);
  console.log(`check_logs_for_secrets: ${logs} Gatehouse logs hold none of the ${secrets} secrets the tests used`);
}
