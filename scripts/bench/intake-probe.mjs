// Report intake as shoppers send it: POST /v1/reports at a steady rate (open loop: a slow
// answer does not slow the sending, so a stalled server shows as late answers), until
// standard input closes. Prints one JSON line: requests, errors, p50, p99, max (ms), and
// `refused`: the answers that were not 201 by status ("0 ECONNRESET" for a socket error).
// Its own process, so it never shares the measured server's event loop. Loopback only.
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';

const [url, rateText] = process.argv.slice(2);
const target = new URL('/v1/reports', url);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) throw new Error('loopback only');
const rate = Number(rateText);
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const latencies = [];
let errors = 0;
/** How the answers that were not 201 came: status code (0 for a socket error) to count. */
const refused = {};
let sent = 0;
let pending = 0;
let stopping = false;

function send(i) {
  const body = JSON.stringify({
    url: `https://probe-shop-${i % 300}.test/produit/${i}`,
    reason: 'non-delivery',
    details: 'Commande payée, jamais livrée.',
    idempotencyKey: randomUUID(),
    lang: 'fr',
    clientVersion: '0.1.0',
  });
  const started = process.hrtime.bigint();
  pending++;
  const done = (status) => {
    pending--;
    if (status !== 201) {
      errors++;
      refused[status] = (refused[status] ?? 0) + 1;
    }
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (stopping && pending === 0) finish();
  };
  const req = request(
    target,
    {
      method: 'POST',
      agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    },
    (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode));
    },
  );
  req.on('error', (error) => done(`0 ${error.code ?? error.message}`));
  req.end(body);
}

const begun = performance.now();
const timer = setInterval(() => {
  // Catch up to the schedule: the number due by now, whatever the timer's jitter.
  const due = Math.floor(((performance.now() - begun) / 1000) * rate);
  while (sent < due) send(sent++);
}, 5);

function finish() {
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pick = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  process.stdout.write(
    `${JSON.stringify({ requests: latencies.length, errors, p50: pick(0.5), p99: pick(0.99), max: latencies.at(-1) ?? 0, refused })}\n`,
  );
  process.exit(0);
}

process.stdin.resume();
process.stdin.on('end', () => {
  clearInterval(timer);
  stopping = true;
  if (pending === 0) finish();
});
