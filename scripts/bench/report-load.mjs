// Load generator for the report-intake benchmark, run as its own process so that it
// does not share the server's event loop. Sends a bounded number of POST /v1/reports
// to a loopback URL and prints one JSON line with throughput and latency percentiles.
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';

const [url, countText, concurrencyText, warmupText] = process.argv.slice(2);
const target = new URL('/v1/reports', url);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) throw new Error('loopback only');
const count = Number(countText);
const concurrency = Number(concurrencyText);
const warmup = Number(warmupText);
const deadline = Date.now() + 120_000;
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const reasons = ['fraud', 'non-delivery', 'counterfeit', 'overcharge', 'suspicious'];

function send(i) {
  const body = JSON.stringify({
    url: `https://shop-${i % 500}.test/produit/${i}?utm_source=bench`,
    reason: reasons[i % reasons.length],
    details: 'Commande payée, jamais livrée. لم يصل الطلب',
    idempotencyKey: randomUUID(),
    lang: 'fr',
    clientVersion: '0.1.0',
  });
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const req = request(
      target,
      {
        method: 'POST',
        agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      },
    );
    req.on('error', () => resolve({ status: 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    req.end(body);
  });
}

async function run(total, offset) {
  const latencies = [];
  let errors = 0;
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total && Date.now() < deadline) {
        const i = offset + next++;
        const { status, ms } = await send(i);
        if (status !== 201) errors++;
        latencies.push(ms);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const pick = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    requests: latencies.length,
    errors,
    seconds,
    rps: latencies.length / seconds,
    p50: pick(0.5),
    p99: pick(0.99),
  };
}

await run(warmup, 0);
const result = await run(count, warmup);
agent.destroy();
process.stdout.write(`${JSON.stringify(result)}\n`);
