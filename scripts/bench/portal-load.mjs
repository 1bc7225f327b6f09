// Load generator for the portal benchmark, run as its own process so that it does not
// share the server's event loop. Sends GET requests at a fixed rate (an open loop: a slow
// answer does not slow the sending, so queueing shows in the latencies), cycling through
// the given paths, and prints one JSON line with latency percentiles.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

const [url, pathsFile, rateText, secondsText] = process.argv.slice(2);
const base = new URL(url);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(base.hostname)) throw new Error('loopback only');
// The paths come in a file: thousands of them are more than a command line holds.
const paths = JSON.parse(readFileSync(pathsFile, 'utf8'));
const rate = Number(rateText);
const seconds = Number(secondsText);
const total = Math.round(rate * seconds);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function get(path) {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const req = request(new URL(path, base), { agent, headers: { 'Accept-Language': 'ar,fr;q=0.8' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
    req.on('error', () => resolve({ status: 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    req.end();
  });
}

const latencies = [];
let notOk = 0;
let late = 0;
const pending = [];
const start = performance.now();
for (let i = 0; i < total; i++) {
  const due = start + (i * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
  else if (wait < -5) late++;
  pending.push(
    get(paths[i % paths.length]).then(({ status, ms }) => {
      if (status !== 200) notOk++;
      latencies.push(ms);
    }),
  );
}
await Promise.all(pending);
const elapsed = (performance.now() - start) / 1000;
agent.destroy();
latencies.sort((a, b) => a - b);
const pick = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
process.stdout.write(
  `${JSON.stringify({ requests: latencies.length, notOk, late, rps: latencies.length / elapsed, p50: pick(0.5), p99: pick(0.99), max: pick(1) })}\n`,
);
