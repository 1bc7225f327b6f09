import { randomBytes, randomUUID } from 'node:crypto';
import { DEFAULT_SIGN_IN_RATE_LIMIT } from '../../server/app.ts';
import { AUDIT_ACTIONS } from '../../server/db/audit-log.ts';
import { publishDirectory } from '../../server/directory/publisher.ts';
import { generateKeyFile, loadSigningKeys } from '../../server/directory/signing-keys.ts';
import type { Row } from '../../server/merchants/import-map.ts';
import { importMerchants } from '../../server/merchants/import-write.ts';
import { StaffAccounts } from '../../server/staff/staff-accounts.ts';
import { verifyPassword } from '../../server/staff/staff-passwords.ts';
import { type ConsoleBrowser, consoleBrowser, signedInStaff } from '../../test/support/console-client.ts';
import { openTestService, type TestService } from '../../test/support/test-service.ts';
import { type MerchantRow, syntheticMerchantRows } from './synthetic-merchants.ts';

// The console's figures: what one sign-in costs (the argon2id check that bounds a flood of
// sign-ins), and how long the pages a moderator waits on take on a full registry: the
// moderation queue, the audit log, the publish preview. In-process (app.request), one
// request at a time, on the in-memory PGlite the service tests use.

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SIGN_INS = env('THIQA_BENCH_CONSOLE_SIGN_INS', 20);
const REPORTS = env('THIQA_BENCH_CONSOLE_REPORTS', 5_000);
const SHOPS = env('THIQA_BENCH_CONSOLE_SHOPS', 500);
const SHOP_REPORTS = env('THIQA_BENCH_CONSOLE_SHOP_REPORTS', 100);
const AUDIT_LINES = env('THIQA_BENCH_CONSOLE_AUDIT', 100_000);
const MERCHANTS = env('THIQA_BENCH_CONSOLE_MERCHANTS', 20_000);
const REQUESTS = env('THIQA_BENCH_CONSOLE_REQUESTS', 100);
const PUBLISH_REQUESTS = env('THIQA_BENCH_CONSOLE_PUBLISH_REQUESTS', 10);

const PASSWORD = 'le couscous du vendredi';
const BATCH = 2_000;
const shopDomain = (index: number) => `bench-shop-${String(index).padStart(4, '0')}.ma`;
const ACTORS = [...Array.from({ length: 12 }, (_, index) => `moderator-${index}@thiqa.test`), 'admin-api', 'thiqa-cli'];

interface Timing {
  p50: number;
  p99: number;
}

function timing(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const line = (name: string, result: Timing, extra = '') =>
  console.log(`  ${name.padEnd(34)} p50 ${ms(result.p50)}, p99 ${ms(result.p99)}${extra}`);

/** `count` GETs of `path`, one after another, after two unmeasured ones; each body read in full. */
async function timePage(browser: ConsoleBrowser, path: string, count: number): Promise<Timing & { bytes: number }> {
  let bytes = 0;
  const samples: number[] = [];
  for (let index = -2; index < count; index++) {
    const started = performance.now();
    const page = await browser.open(path);
    const elapsed = performance.now() - started;
    if (page.status !== 200) throw new Error(`${path} answered ${page.status}`);
    bytes = page.html.length;
    if (index >= 0) samples.push(elapsed);
  }
  return { ...timing(samples), bytes };
}

async function inBatches<T>(count: number, make: (index: number) => T, write: (rows: T[]) => Promise<unknown>) {
  for (let start = 0; start < count; start += BATCH) {
    await write(Array.from({ length: Math.min(BATCH, count - start) }, (_, offset) => make(start + offset)));
  }
}

async function benchSignIn(service: TestService): Promise<void> {
  const accounts = new StaffAccounts(service.registry.db, () => service.now());
  const link = await accounts.add({ email: 'nadia@thiqa.test', name: 'Nadia Alaoui', role: 'moderator' }, 'bench');
  if (!(await accounts.completeSetup(link.token, PASSWORD)).ok) throw new Error('set-up refused');
  const hash = await service.registry.db
    .selectFrom('staff')
    .select('password_hash')
    .where('email', '=', 'nadia@thiqa.test')
    .executeTakeFirstOrThrow();

  const posts: number[] = [];
  for (let index = -1; index < SIGN_INS; index++) {
    // A new address every few sign-ins, to stay inside the per-address allowance.
    const from = `203.0.113.${Math.floor((index + 1) / 20) + 1}`;
    const browser = consoleBrowser(service);
    await browser.open('/admin/sign-in?lang=en');
    const started = performance.now();
    const page = await browser.post(
      '/admin/sign-in?lang=en',
      { email: 'nadia@thiqa.test', password: PASSWORD },
      {},
      from,
    );
    const elapsed = performance.now() - started;
    if (page.status !== 303) throw new Error(`sign-in answered ${page.status}`);
    if (index >= 0) posts.push(elapsed);
  }
  const verifies: number[] = [];
  for (let index = 0; index < SIGN_INS; index++) {
    const started = performance.now();
    if (!(await verifyPassword(hash.password_hash ?? '', PASSWORD))) throw new Error('password refused');
    verifies.push(performance.now() - started);
  }

  const post = timing(posts);
  const verify = timing(verifies);
  const perCore = 1000 / verify.p50;
  const { max, windowMs } = DEFAULT_SIGN_IN_RATE_LIMIT;
  const perAddress = max / (windowMs / 1000);
  console.log(`\nConsole sign-in (${SIGN_INS} right passwords, argon2id m=19 MiB t=2 p=1)`);
  line('POST /admin/sign-in', post);
  line('argon2id verify alone', verify);
  console.log(
    `  sign-ins per second per core       ${perCore.toFixed(1)} (each try, right, wrong or unknown e-mail, costs one verify)`,
  );
  console.log(
    `  per-address limit                  ${max} per ${windowMs / 60_000} min = ${perAddress.toFixed(3)}/s: ${Math.ceil(perCore / perAddress).toLocaleString('en')} addresses keep one core busy`,
  );
}

async function benchQueue(service: TestService, browser: ConsoleBrowser): Promise<void> {
  const base = service.now().getTime();
  const report = (domain: string, index: number) => {
    const at = new Date(base - (REPORTS + SHOP_REPORTS - index) * 60_000);
    return {
      receipt: randomBytes(16).toString('base64url').slice(0, 22),
      idempotency_key: randomUUID(),
      request_hash: 'bench',
      domain,
      url: `https://${domain}/produit/${index}`,
      reason: ['fraud', 'counterfeit', 'non-delivery', 'other'][index % 4] ?? 'other',
      details: `Commande ${index} payée, jamais reçue.`,
      contact: index % 3 === 0 ? `client${index}@example.ma` : null,
      lang: 'fr',
      client_version: '1.0.0',
      status: index % 5 === 0 ? 'under-review' : 'received',
      public_reason: null,
      complaint_id: null,
      created_at: at,
      updated_at: at,
    };
  };
  const db = service.registry.db;
  const busy = shopDomain(SHOPS);
  await inBatches(
    REPORTS,
    (index) => report(shopDomain(index % SHOPS), index),
    (rows) => db.insertInto('reports').values(rows).execute(),
  );
  await inBatches(
    SHOP_REPORTS,
    (index) => report(busy, REPORTS + index),
    (rows) => db.insertInto('reports').values(rows).execute(),
  );
  const queue = await timePage(browser, '/admin/queue?lang=en', REQUESTS);
  const shop = await timePage(browser, `/admin/queue/${busy}?lang=en`, REQUESTS);
  console.log(
    `\nModeration queue (${REPORTS.toLocaleString('en')} new reports over ${SHOPS} shops, + ${SHOP_REPORTS} for one shop; ${REQUESTS} requests each)`,
  );
  line('GET /admin/queue', queue, `   (${queue.bytes.toLocaleString('en')} characters)`);
  line(`GET /admin/queue/<shop of ${SHOP_REPORTS}>`, shop, `   (${shop.bytes.toLocaleString('en')} characters)`);
}

async function benchAudit(service: TestService, browser: ConsoleBrowser): Promise<void> {
  const base = service.now().getTime() - AUDIT_LINES * 1000;
  const actions = AUDIT_ACTIONS.filter((action) => !action.startsWith('staff.'));
  await inBatches(
    AUDIT_LINES,
    (index) => {
      const domain = shopDomain(index % (SHOPS * 2));
      const action = actions[index % actions.length] ?? 'report.accept';
      const aboutDomain = action.startsWith('domain.') || action.startsWith('complaint.');
      return {
        at: new Date(base + index * 1000),
        actor: ACTORS[index % ACTORS.length] ?? 'thiqa-cli',
        action,
        subject: aboutDomain ? domain : `R${index}`,
        detail: JSON.stringify(
          action.startsWith('merchant') ? { domains: [domain] } : { domain, note: `ligne ${index} du journal` },
        ),
      };
    },
    (rows) => service.registry.db.insertInto('audit_log').values(rows).execute(),
  );
  const actor = ACTORS[3] ?? '';
  const shop = shopDomain(7);
  const all = await timePage(browser, '/admin/audit?lang=en', REQUESTS);
  const byActor = await timePage(browser, `/admin/audit?lang=en&actor=${encodeURIComponent(actor)}`, REQUESTS);
  const byShop = await timePage(browser, `/admin/audit?lang=en&shop=${shop}`, REQUESTS);
  console.log(
    `\nAudit log (${AUDIT_LINES.toLocaleString('en')} lines, ${ACTORS.length} actors, ${SHOPS * 2} shops; ${REQUESTS} requests each)`,
  );
  line('GET /admin/audit', all);
  line(`  ?actor= (1 line in ${ACTORS.length})`, byActor);
  line(`  ?shop= (1 line in ${SHOPS * 2})`, byShop);
}

async function benchPublishPreview(service: TestService, browser: ConsoleBrowser): Promise<void> {
  const db = service.registry.db;
  const now = service.now();
  const toRows = (rows: MerchantRow[]): Row[] =>
    rows.map((values, index) => ({ line: index + 1, values: new Map(Object.entries(values)) }));
  await generateKeyFile(service.dataDir);
  const rows = syntheticMerchantRows(MERCHANTS);
  const imported = await importMerchants(db, toRows(rows), { now, actor: 'bench' });
  if (imported.problems.length > 0) throw new Error(`synthetic rows refused: ${JSON.stringify(imported.problems[0])}`);
  const keys = await loadSigningKeys(service.dataDir);
  if (!(await publishDirectory(db, { dataDir: service.dataDir, keys, now, actor: 'bench' })).published)
    throw new Error('nothing published');
  // A few changes since: two suspensions, a new phone, a moved city, a new label.
  const changed = rows.map((row, index): MerchantRow => {
    if (index === 10 || index === 20) return { ...row, status: 'suspended' };
    if (index === 30) return { ...row, phone: '+212600000030' };
    if (index === 40) return { ...row, city: 'Essaouira' };
    if (index === 50) return { ...row, labels: [...(row.labels as string[]), 'fnem'] };
    return row;
  });
  const update = await importMerchants(db, toRows(changed), { now, actor: 'bench' });
  const preview = await timePage(browser, '/admin/publish?lang=en', PUBLISH_REQUESTS);
  console.log(
    `\nPublish preview (${MERCHANTS.toLocaleString('en')} merchants published, ${update.updated} changed since; ${PUBLISH_REQUESTS} requests)`,
  );
  line('GET /admin/publish', preview, `   (${preview.bytes.toLocaleString('en')} characters)`);
}

export async function benchConsole(): Promise<void> {
  const started = performance.now();
  const service = await openTestService();
  try {
    await benchSignIn(service);
    const browser = await signedInStaff(service, 'admin', 'bench-admin@thiqa.test');
    await benchQueue(service, browser);
    await benchAudit(service, browser);
    await benchPublishPreview(service, browser);
    console.log(`  (console bench, set-up included: ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  } finally {
    await service.close();
  }
}
