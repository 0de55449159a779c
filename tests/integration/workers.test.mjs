// --workers=0 (the default) starts one I/O thread per CPU the process may use: its affinity (taskset here),
// capped by its cgroup v2 CPU quota. The start log says how many and why; the unit tests feed fake cgroup trees.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { baseFlags, freePort, spawnGatehouse, waitForPort } from './lib/processes.mjs';

// The CPUs this test process may run on, from its own affinity ("0-1,4"), so that no CPU number is assumed.
function allowedCpus() {
  const list = /^Cpus_allowed_list:\s*(\S+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1];
  return list.split(',').flatMap((range) => {
    const [from, to = from] = range.split('-').map(Number);
    return Array.from({ length: to - from + 1 }, (_, k) => from + k);
  });
}

// "I/O threads: N (why)" from the start log.
function ioThreadsLine(output) {
  const m = /I\/O threads: (\d+) \((.*)\)$/m.exec(output);
  assert.ok(m, `no "I/O threads:" line in:\n${output}`);
  return { count: Number(m[1]), why: m[2] };
}

// What the CPU count of a cgroup quota named in the log comes to, or Infinity without one.
function quotaCpus(why) {
  const m = /cgroup cpu\.max (\d+)\/(\d+) = /.exec(why);
  return m ? Math.ceil(Number(m[1]) / Number(m[2])) : Infinity;
}

// Starts Gatehouse with the suite's flags but its own --workers (none: the default), waits until it serves, and
// returns what its start log says.
async function startAndRead(flags, { cpus } = {}) {
  const port = await freePort();
  const gh = spawnGatehouse([...baseFlags(port).filter((f) => !f.startsWith('--workers')), ...flags], {}, { cpus });
  try {
    await Promise.race([waitForPort(port), gh.exited.then(({ code }) => { throw new Error(`exited with ${code}:\n${gh.output}`); })]);
    await gh.waitForOutput(/listening on .* with \d+ I\/O threads/);
    const ping = await fetch(`http://127.0.0.1:${port}/ping`);
    assert.equal(ping.status, 200);
    return { ...ioThreadsLine(gh.output), output: gh.output };
  } finally {
    await gh.stop();
  }
}

describe('--workers=0 (the default): one I/O thread per CPU the process may use', () => {
  test('under a one-CPU affinity (taskset) it starts one I/O thread and says the affinity was why', async () => {
    const cpu = String(allowedCpus()[0]);
    const { count, why, output } = await startAndRead([], { cpus: cpu });
    assert.equal(count, 1);
    const online = os.cpus().length;
    assert.match(why, online > 1 ? new RegExp(`^affinity allows 1 of ${online} CPUs; `) : /^affinity allows 1 CPU; /);
    assert.match(output, /listening on http:\/\/127\.0\.0\.1:\d+ with 1 I\/O threads/);
  });

  test('without taskset it starts as many as the affinity of the test process allows, within any cgroup quota',
    async () => {
      const allowed = os.availableParallelism();  // libuv counts the affinity mask, as sched_getaffinity does
      assert.equal(allowed, allowedCpus().length);
      const { count, why, output } = await startAndRead([]);
      const online = os.cpus().length;
      assert.match(why, new RegExp(`^affinity allows ${allowed}${allowed < online ? ` of ${online} CPUs` : allowed > 1 ? ' CPUs' : ' CPU'}; `));
      assert.equal(count, Math.min(allowed, quotaCpus(why)));
      assert.match(output, new RegExp(`with ${count} I/O threads`));
    });

  test('an explicit --workers wins over the affinity, and the log says the flag was why', async () => {
    const { count, why, output } = await startAndRead(['--workers=3'], { cpus: String(allowedCpus()[0]) });
    assert.equal(count, 3);
    assert.equal(why, '--workers=3');
    assert.match(output, /with 3 I\/O threads/);
  });
});
