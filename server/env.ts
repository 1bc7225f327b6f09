import { resolve } from 'node:path';
import { z } from 'zod';
import { checkTextPolicy, describeRefusedCharacter } from '../src/directory/text-policy.ts';
import type { LifecyclePolicy } from './complaints/lifecycle-policy.ts';
import { type MailSender, parseMailSender } from './mail/mail-message.ts';
import { parseSmtpUrl, type SmtpSettings } from './mail/smtp-mailer.ts';
import type { PortalSettings, PublisherContact } from './portal/portal-settings.ts';

// The service's whole configuration comes from the environment, parsed once at start;
// a wrong value stops the process with one line per problem instead of failing later.

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/** RFC 6750's b64token: the characters an `Authorization: Bearer` header carries as they are. */
const B64TOKEN_CHARACTER = /^[A-Za-z0-9\-._~+/]$/;
const B64TOKEN_HINT = 'a bearer token is A-Z a-z 0-9 - . _ ~ + / (and = at the end), e.g. openssl rand -base64 32';

/** Where a token leaves b64token, or undefined when it is one. */
function tokenProblem(token: string): string | undefined {
  const characters = Array.from(token);
  const padding = characters.length - (/=*$/.exec(token)?.[0].length ?? 0);
  for (const [index, character] of characters.entries()) {
    const position = index + 1;
    if (character === '=' && index < padding) return `contains = at character ${position}, which may only pad the end`;
    if (character === '=' || B64TOKEN_CHARACTER.test(character)) continue;
    const codePoint = character.codePointAt(0) as number;
    const printable = codePoint > 0x20 && codePoint < 0x7f;
    if (character === ' ') return `contains a space at character ${position}`;
    if (printable) return `contains ${character} at character ${position}`;
    return describeRefusedCharacter({ codePoint, position });
  }
  return undefined;
}

/**
 * The admin API's bearer token. A token the header cannot carry (whitespace, controls,
 * letters outside ASCII) would start a service nobody can use, so it stops the start. A
 * trailing line break, which a secret file written by `echo` ends with, is dropped; any
 * other whitespace is refused rather than trimmed: a secret is used as written or not at all.
 */
const adminTokenSchema = z
  .string()
  .optional()
  .transform((value) => {
    const token = value?.replace(/(?:\r?\n)+$/, '');
    return token === '' ? undefined : token;
  })
  .pipe(
    z
      .string()
      .superRefine((token, ctx) => {
        const problem = tokenProblem(token);
        if (problem) ctx.addIssue({ code: 'custom', message: `${problem}; ${B64TOKEN_HINT}`, abort: true });
      })
      .min(24, { message: 'must be at least 24 characters (e.g. openssl rand -base64 32)' })
      .optional(),
  );

/** An address a shopper's browser opens: https only, as a store's page is. */
const httpsAddress = z
  .url({ protocol: /^https$/, message: 'must be an https:// address' })
  .transform((value) => new URL(value).href);

const PHONE = /^\+?[0-9][0-9 .-]{4,18}[0-9]$/;

/** The publisher's contact as the portal links it: an e-mail address, a phone number or an https:// page. */
const publisherContactSchema = z
  .string()
  .max(200, { message: 'must be at most 200 characters' })
  .transform((value, ctx): PublisherContact => {
    if (PHONE.test(value)) return { text: value, href: `tel:${value.replace(/[ .-]/g, '')}` };
    if (z.email().safeParse(value).success) return { text: value, href: `mailto:${value}` };
    const web = httpsAddress.safeParse(value);
    // Shown as the browser would write it: percent-encoded, so no invisible character hides in it.
    if (web.success) return { text: web.data, href: web.data };
    ctx.addIssue({ code: 'custom', message: 'must be an e-mail address, a phone number or an https:// address' });
    return z.NEVER;
  });

/**
 * The address shoppers reach the service at, when it differs from what the service sees
 * (a proxy ending TLS in front of plain HTTP): only its origin is kept.
 */
const publicUrlSchema = z
  .url({ protocol: /^https?$/, message: 'must be an http:// or https:// address' })
  .transform((value) => new URL(value))
  .refine((url) => url.username === '' && url.password === '', { message: 'must not hold a user name or password' })
  .refine((url) => url.pathname === '/' && url.search === '' && url.hash === '', {
    message: 'must be an origin only, e.g. https://thiqa.example.ma (the portal is served at its root)',
  })
  .transform((url) => url.origin);

/** The mail server; its password stays out of every message, which names the variable only. */
const smtpUrlSchema = z.string().transform((value, ctx): SmtpSettings => {
  const settings = parseSmtpUrl(value);
  if ('problem' in settings) {
    ctx.addIssue({ code: 'custom', message: settings.problem });
    return z.NEVER;
  }
  return settings;
});

const mailSenderSchema = z.string().transform((value, ctx): MailSender => {
  const sender = parseMailSender(value);
  if (!sender) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be an address, e.g. no-reply@thiqa.example.ma or Thiqa <no-reply@thiqa.example.ma>',
    });
    return z.NEVER;
  }
  return sender;
});

function wholeNumber(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return optionalText.pipe(
    z
      .string()
      .regex(/^\d{1,4}$/, { message })
      .transform(Number)
      .pipe(z.int().min(min, { message }).max(max, { message }))
      .optional(),
  );
}

export const envSchema = z.object({
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(?:ql)?:\/\//, { message: 'must be a postgres:// or postgresql:// URL' })
      .optional(),
  ),
  THIQA_DATA_DIR: optionalText.transform((value) => resolve(value ?? '.thiqa')),
  THIQA_PORT: optionalText.pipe(
    z
      .string()
      .regex(/^\d{1,5}$/, { message: 'must be a port number' })
      .transform(Number)
      .pipe(z.int().max(65_535, { message: 'must be a port number' }))
      .optional(),
  ),
  THIQA_ADMIN_TOKEN: adminTokenSchema,
  // Reports one client may send per window, e.g. `10/1m`: a publisher behind a shared
  // address (a campus, a carrier's NAT) raises it.
  THIQA_REPORT_RATE_LIMIT: optionalText.pipe(
    z
      .string()
      .regex(/^\d{1,7}\/\d{1,4}[smh]$/, { message: 'must be <max>/<window>, e.g. 10/1m' })
      .transform((value) => {
        const [max, window] = value.split('/') as [string, string];
        const unit = { s: 1000, m: 60_000, h: 3_600_000 }[window.slice(-1) as 's' | 'm' | 'h'];
        return { max: Number(max), windowMs: Number(window.slice(0, -1)) * unit };
      })
      .pipe(z.object({ max: z.int().min(1), windowMs: z.int().min(1000, { message: 'window must be ≥ 1s' }) }))
      .optional(),
  ),
  // Connections one client address may hold open at once. Behind a reverse proxy every
  // client shares the proxy's address: raise it to the proxy's upstream pool size.
  THIQA_MAX_CONNECTIONS_PER_ADDRESS: optionalText.pipe(
    z
      .string()
      .regex(/^\d{1,5}$/, { message: 'must be a whole number from 1 to 10000' })
      .transform(Number)
      .pipe(z.int().min(1).max(10_000, { message: 'must be a whole number from 1 to 10000' }))
      .optional(),
  ),
  // What the portal says of the publisher and where it sends shoppers for the extension.
  THIQA_PUBLISHER_NAME: optionalText.pipe(
    z.string().max(120, { message: 'must be at most 120 characters' }).superRefine(checkTextPolicy('line')).optional(),
  ),
  THIQA_PUBLISHER_CONTACT: optionalText.pipe(publisherContactSchema.optional()),
  THIQA_EXTENSION_CHROME_URL: optionalText.pipe(httpsAddress.optional()),
  THIQA_EXTENSION_FIREFOX_URL: optionalText.pipe(httpsAddress.optional()),
  THIQA_PUBLIC_URL: optionalText.pipe(publicUrlSchema.optional()),
  // Mail to applicants and staff: through this server when set, else into files under the data directory.
  THIQA_SMTP_URL: optionalText.pipe(smtpUrlSchema.optional()),
  THIQA_MAIL_FROM: optionalText.pipe(mailSenderSchema.optional()),
  // The complaint lifecycle's deadlines and the retention of personal data (lifecycle-policy.ts).
  THIQA_RETENTION_MONTHS: wholeNumber(1, 120),
  THIQA_REMINDER_DAYS: wholeNumber(1, 90),
  THIQA_MAX_REMINDERS: wholeNumber(0, 10),
});

/** The configuration; what the portal says of the publisher (PortalSettings) is all optional. */
export interface Config extends PortalSettings {
  /** A PostgreSQL server, or undefined for PGlite under `dataDir`. */
  databaseUrl: string | undefined;
  /** Holds the PGlite database, the signing keys and the published files. */
  dataDir: string;
  port: number;
  /** Bearer token of `/v1/admin/*`; the admin API is closed when unset. */
  adminToken: string | undefined;
  /** Reports per client per window; the app's default when unset. */
  reportRateLimit: { max: number; windowMs: number } | undefined;
  /** Open connections per client address; the service's default when unset. */
  maxConnectionsPerAddress?: number | undefined;
  /** The mail server; mail goes to files under `<dataDir>/mail/` when unset. */
  smtp?: SmtpSettings | undefined;
  /** Who mail comes from. */
  mailFrom?: MailSender | undefined;
  /** Deadlines and retention the environment sets; the rest keep their defaults. */
  policy?: Partial<LifecyclePolicy>;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const lines = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  // A mail server relays for its own domains only: mail "from" an invented address would bounce or be lost.
  if (parsed.success && parsed.data.THIQA_SMTP_URL && !parsed.data.THIQA_MAIL_FROM) {
    lines.push('THIQA_MAIL_FROM: must be set with THIQA_SMTP_URL, e.g. Thiqa <no-reply@thiqa.example.ma>');
  }
  if (!parsed.success || lines.length > 0) {
    // One problem, one line (what `thiqa serve` prints before it exits); several, a list.
    throw new ConfigError(
      lines.length === 1
        ? `bad configuration in the environment: ${lines[0]}`
        : `bad configuration in the environment:\n  ${lines.join('\n  ')}`,
    );
  }
  return {
    databaseUrl: parsed.data.DATABASE_URL,
    dataDir: parsed.data.THIQA_DATA_DIR,
    port: parsed.data.THIQA_PORT ?? 8787,
    adminToken: parsed.data.THIQA_ADMIN_TOKEN,
    reportRateLimit: parsed.data.THIQA_REPORT_RATE_LIMIT,
    maxConnectionsPerAddress: parsed.data.THIQA_MAX_CONNECTIONS_PER_ADDRESS,
    publisherName: parsed.data.THIQA_PUBLISHER_NAME,
    publisherContact: parsed.data.THIQA_PUBLISHER_CONTACT,
    extensionChromeUrl: parsed.data.THIQA_EXTENSION_CHROME_URL,
    extensionFirefoxUrl: parsed.data.THIQA_EXTENSION_FIREFOX_URL,
    publicOrigin: parsed.data.THIQA_PUBLIC_URL,
    smtp: parsed.data.THIQA_SMTP_URL,
    mailFrom: parsed.data.THIQA_MAIL_FROM,
    policy: policyFromEnvironment(parsed.data),
  };
}

/** The deadlines the environment sets, or undefined when it sets none. */
function policyFromEnvironment(env: z.infer<typeof envSchema>): Partial<LifecyclePolicy> | undefined {
  const policy: Partial<LifecyclePolicy> = {
    ...(env.THIQA_RETENTION_MONTHS !== undefined ? { retentionMonths: env.THIQA_RETENTION_MONTHS } : {}),
    ...(env.THIQA_REMINDER_DAYS !== undefined ? { reminderAfterDays: env.THIQA_REMINDER_DAYS } : {}),
    ...(env.THIQA_MAX_REMINDERS !== undefined ? { maxReminders: env.THIQA_MAX_REMINDERS } : {}),
  };
  return Object.keys(policy).length > 0 ? policy : undefined;
}
