import { z } from 'zod';
import { isValidIce } from './ice.ts';
import { isCanonicalShopDomain, isCanonicalShopKey } from './shop-identity.ts';
import { socialShopOfKey } from './social-identity.ts';
import { personText } from './text-policy.ts';

// Schemas of every record and file the directory is made of. Every file names its
// format and format version, so a reader refuses what it does not understand instead
// of guessing.

const isoDate = z.iso.date();
const isoDateTime = z.iso.datetime({ offset: false });
/** Every text of the directory is read by shoppers: the text policy holds for each. */
const text = (max: number) => personText(max).min(1);

/** A host name in lowercase ASCII form, as `new URL()` gives it. */
export const domainNameSchema = z
  .string()
  .max(253)
  .regex(/^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+[a-z0-9-]{2,63}$/, {
    message: 'must be a lowercase ASCII (punycode) domain name',
  });

/**
 * A social seller's key in canonical form, such as `instagram.com/atlas.electro`,
 * `facebook.com/100089123456789`, `tiktok.com/@atlas.electro` or `wa.me/212612345678`.
 */
export const socialKeySchema = z
  .string()
  .max(100)
  .refine((key) => socialShopOfKey(key) !== null, {
    message: 'must be a canonical social key like instagram.com/<handle> or wa.me/<number>',
  });

/**
 * What flags and complaint counts are keyed by: a domain, or a social seller's key (it
 * holds a `/`, which no domain has). Files that name only domains read as before.
 */
export const shopKeySchema = z.union([domainNameSchema, socialKeySchema], {
  error: 'must be a lowercase ASCII domain name or a social key like instagram.com/<handle> or wa.me/<number>',
});

export const merchantStatusSchema = z.enum(['verified', 'suspended', 'revoked']);
export const verificationMethodSchema = z.enum(['commercial-register', 'phone-call', 'site-visit', 'document-check']);
export const labelKindSchema = z.enum(['e-thiq', 'cndp', 'cmi-payment', 'fnem-member', 'other']);
export const flagReasonSchema = z.enum(['fraud', 'non-delivery', 'counterfeit', 'phishing', 'impersonation']);
/** What a shopper may say when reporting a shop. */
export const reportReasonSchema = z.enum([
  'fraud',
  'non-delivery',
  'counterfeit',
  'phishing',
  'impersonation',
  'overcharge',
  'data-misuse',
  'suspicious',
  'other',
]);
/** What a moderator files an accepted report under ("suspicious" is not a finding). */
export const complaintCategorySchema = reportReasonSchema.exclude(['suspicious']);
export const socialNetworkSchema = z.enum([
  'facebook',
  'instagram',
  'tiktok',
  'whatsapp',
  'youtube',
  'x',
  'snapchat',
  'other',
]);

/** A CNDP declaration reference under law 09-08, e.g. `D-W-903/2024`. */
export const CNDP_REFERENCE = /^[A-Z]{1,2}-[A-Z]{1,3}-\d{1,6}\/\d{4}$/;

export const labelSchema = z
  .strictObject({
    kind: labelKindSchema,
    issuer: text(200),
    reference: text(100).nullable(),
    // Null when the source does not say: a date made up here (the verification's, say)
    // once made a label look issued after it had expired.
    issued: isoDate.nullable(),
    validUntil: isoDate.nullable(),
  })
  .superRefine((label, ctx) => {
    if (label.kind === 'cndp' && (label.reference === null || !CNDP_REFERENCE.test(label.reference))) {
      ctx.addIssue({
        code: 'custom',
        path: ['reference'],
        message: 'a CNDP declaration needs a reference like D-W-903/2024',
      });
    }
    if (label.issued !== null && label.validUntil !== null && label.validUntil < label.issued) {
      ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'must not be before issued' });
    }
  });

const countsByCategory = z.partialRecord(complaintCategorySchema, z.int().min(0).max(1_000_000));
export const complaintCountsSchema = z.strictObject({
  open: countsByCategory,
  resolved: countsByCategory,
});

/**
 * How a merchant answers the complaints Thiqa sends it: of those sent (and not found
 * unfounded), how many it answered, and the median days from sending to answer, to one
 * decimal (null when it answered none). Absent when no complaint was ever sent to it, and
 * in directories published before the field existed.
 */
export const answerRecordSchema = z
  .strictObject({
    sent: z.int().min(0).max(1_000_000),
    answered: z.int().min(0).max(1_000_000),
    medianDays: z
      .number()
      .min(0)
      .max(36_500)
      .refine((days) => Math.round(days * 10) / 10 === days, { message: 'must have at most one decimal' })
      .nullable(),
  })
  .superRefine((record, ctx) => {
    if (record.answered > record.sent) {
      ctx.addIssue({ code: 'custom', path: ['answered'], message: 'must not exceed sent' });
    }
    if ((record.answered === 0) !== (record.medianDays === null)) {
      ctx.addIssue({
        code: 'custom',
        path: ['medianDays'],
        message: 'must be null exactly when no complaint was answered',
      });
    }
  });

export const socialIdentitySchema = z.strictObject({
  network: socialNetworkSchema,
  handle: text(200),
});

export const merchantSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: 'must be a lowercase slug' }),
  legalName: text(300),
  tradeNames: z.array(text(300)).max(20),
  ice: z.string().refine(isValidIce, { message: 'must be a valid ICE (15 digits, divisible by 97)' }),
  rc: text(64).nullable(),
  city: text(100),
  phone: z.string().regex(/^\+[1-9]\d{6,14}$/, { message: 'must be a phone number in E.164 form' }),
  email: z.email().max(254).nullable(),
  domains: z.array(domainNameSchema).min(1).max(50),
  social: z.array(socialIdentitySchema).max(20),
  status: merchantStatusSchema,
  verification: z.strictObject({
    at: isoDate,
    by: text(200),
    methods: z.array(verificationMethodSchema).min(1),
  }),
  labels: z.array(labelSchema).max(20),
  complaints: complaintCountsSchema,
  answers: answerRecordSchema.optional(),
});

export const flaggedDomainSchema = z.strictObject({
  /** The shop key: a domain or, since issue 14, a social key (older extensions refuse those). */
  domain: shopKeySchema,
  reason: flagReasonSchema,
  since: isoDate,
  summary: text(500),
});

/** Complaints against a shop that is not a merchant of the directory. */
export const domainComplaintsSchema = z.strictObject({
  domain: shopKeySchema,
  complaints: complaintCountsSchema,
});

export const policySchema = z.strictObject({
  /** Open complaints at or above this number turn a verdict to caution. */
  complaintCautionThreshold: z.int().min(1).max(10_000),
  /** A verification older than this many days turns a verdict to caution. */
  maxVerificationAgeDays: z.int().min(1).max(3650),
  /** How long a published directory stays fresh (manifest `expiresAt`). */
  directoryLifetimeHours: z
    .int()
    .min(1)
    .max(24 * 90),
});

export const DEFAULT_POLICY: z.infer<typeof policySchema> = {
  complaintCautionThreshold: 3,
  maxVerificationAgeDays: 365,
  directoryLifetimeHours: 72,
};

/** The content of the directory: what the manifest's digest covers. */
export const directoryStateSchema = z
  .strictObject({
    policy: policySchema,
    platforms: z.array(domainNameSchema).max(1000),
    merchants: z.array(merchantSchema),
    flagged: z.array(flaggedDomainSchema),
    domainComplaints: z.array(domainComplaintsSchema),
  })
  .superRefine((state, ctx) => checkDirectoryState(state, ctx));

export const SNAPSHOT_FORMAT = 'thiqa.snapshot';
export const snapshotSchema = z.strictObject({
  format: z.literal(SNAPSHOT_FORMAT),
  formatVersion: z.literal(1),
  version: z.int().min(1),
  publishedAt: isoDateTime,
  state: directoryStateSchema,
});

const fileRefSchema = z.strictObject({
  path: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,200}$/, { message: 'must be a plain file name' }),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.int().min(1),
});

export const MANIFEST_FORMAT = 'thiqa.manifest';
export const manifestSchema = z
  .strictObject({
    format: z.literal(MANIFEST_FORMAT),
    formatVersion: z.literal(1),
    version: z.int().min(1),
    publishedAt: isoDateTime,
    expiresAt: isoDateTime,
    /** SHA-256 of the canonical JSON of the directory state. */
    digest: z.string().regex(/^[0-9a-f]{64}$/),
    snapshot: fileRefSchema,
    deltas: z.array(fileRefSchema.extend({ from: z.int().min(1) })),
  })
  .refine((manifest) => manifest.expiresAt > manifest.publishedAt, {
    path: ['expiresAt'],
    message: 'must be after publishedAt',
  })
  .refine((manifest) => manifest.deltas.every((delta) => delta.from < manifest.version), {
    path: ['deltas'],
    message: 'a delta must start from an older version',
  });

/** The signed envelope: the manifest's exact bytes (base64) and signatures over them. */
export const signedManifestSchema = z.strictObject({
  payloadType: z.literal('application/vnd.thiqa.manifest+json'),
  payload: z.base64(),
  signatures: z
    .array(z.strictObject({ keyId: z.string().regex(/^[0-9a-f]{16}$/), sig: z.base64() }))
    .min(1)
    .max(8),
});

export const DELTA_FORMAT = 'thiqa.delta';
export const deltaSchema = z.strictObject({
  format: z.literal(DELTA_FORMAT),
  formatVersion: z.literal(1),
  from: z.int().min(1),
  to: z.int().min(2),
  policy: policySchema.nullable(),
  platforms: z.array(domainNameSchema).nullable(),
  merchants: z.strictObject({ upsert: z.array(merchantSchema), remove: z.array(z.string()) }),
  flagged: z.strictObject({ upsert: z.array(flaggedDomainSchema), remove: z.array(shopKeySchema) }),
  domainComplaints: z.strictObject({
    upsert: z.array(domainComplaintsSchema),
    remove: z.array(shopKeySchema),
  }),
});

export type Policy = z.infer<typeof policySchema>;
export type Label = z.infer<typeof labelSchema>;
export type LabelKind = z.infer<typeof labelKindSchema>;
export type Merchant = z.infer<typeof merchantSchema>;
export type MerchantStatus = z.infer<typeof merchantStatusSchema>;
export type FlaggedDomain = z.infer<typeof flaggedDomainSchema>;
export type FlagReason = z.infer<typeof flagReasonSchema>;
export type DomainComplaints = z.infer<typeof domainComplaintsSchema>;
export type ComplaintCounts = z.infer<typeof complaintCountsSchema>;
export type AnswerRecord = z.infer<typeof answerRecordSchema>;
export type ComplaintCategory = z.infer<typeof complaintCategorySchema>;
export type ReportReason = z.infer<typeof reportReasonSchema>;
export type DirectoryState = z.infer<typeof directoryStateSchema>;
export type Snapshot = z.infer<typeof snapshotSchema>;
export type Manifest = z.infer<typeof manifestSchema>;
export type SignedManifest = z.infer<typeof signedManifestSchema>;
export type Delta = z.infer<typeof deltaSchema>;

interface StateShape {
  platforms: string[];
  merchants: Merchant[];
  flagged: FlaggedDomain[];
  domainComplaints: DomainComplaints[];
}

/**
 * Rules across records: sorted and unique keys (so the same data is the same bytes),
 * every domain a shop identity under the directory's own platform list, and no domain
 * owned by two merchants.
 */
function checkDirectoryState(state: StateShape, ctx: z.RefinementCtx): void {
  const platforms = state.platforms;
  const checkSorted = (keys: string[], path: string) => {
    for (let i = 1; i < keys.length; i++) {
      const previous = keys[i - 1] as string;
      const current = keys[i] as string;
      if (previous >= current) {
        ctx.addIssue({
          code: 'custom',
          path: [path, i],
          message: previous === current ? `duplicate key ${current}` : 'must be sorted by key',
        });
        return;
      }
    }
  };
  checkSorted(state.platforms, 'platforms');
  checkSorted(
    state.merchants.map((merchant) => merchant.id),
    'merchants',
  );
  checkSorted(
    state.flagged.map((flag) => flag.domain),
    'flagged',
  );
  checkSorted(
    state.domainComplaints.map((entry) => entry.domain),
    'domainComplaints',
  );
  const owner = new Map<string, string>();
  state.merchants.forEach((merchant, index) => {
    merchant.domains.forEach((domain, domainIndex) => {
      const path = ['merchants', index, 'domains', domainIndex];
      if (!isCanonicalShopDomain(domain, platforms)) {
        ctx.addIssue({ code: 'custom', path, message: `${domain} is not a shop identity` });
      }
      const previous = owner.get(domain);
      if (previous !== undefined) {
        ctx.addIssue({ code: 'custom', path, message: `${domain} also belongs to merchant ${previous}` });
      }
      owner.set(domain, merchant.id);
    });
  });
  const checkDomains = (domains: string[], path: string) =>
    domains.forEach((domain, index) => {
      if (!isCanonicalShopKey(domain, platforms)) {
        ctx.addIssue({ code: 'custom', path: [path, index, 'domain'], message: `${domain} is not a shop identity` });
      }
    });
  checkDomains(
    state.flagged.map((flag) => flag.domain),
    'flagged',
  );
  checkDomains(
    state.domainComplaints.map((entry) => entry.domain),
    'domainComplaints',
  );
}

/** One line per problem, each naming the field path: for CLIs, logs and the options page. */
export function describeSchemaError(error: z.ZodError, what: string): string {
  const lines = error.issues.slice(0, 10).map((issue) => {
    // An unknown field is named as the field itself, so a reader finds it in the file.
    const segments = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys.join(',')] : issue.path;
    const path = segments.length > 0 ? segments.join('.') : '(root)';
    return `${what}: ${path}: ${issue.message}`;
  });
  if (error.issues.length > 10) lines.push(`${what}: ... and ${error.issues.length - 10} more problems`);
  return lines.join('\n');
}
