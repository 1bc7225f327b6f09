import { isValidIce } from '../../src/directory/ice.ts';
import {
  type Label,
  type LabelKind,
  labelKindSchema,
  type Merchant,
  merchantStatusSchema,
  socialNetworkSchema,
  verificationMethodSchema,
} from '../../src/directory/schemas.ts';
import { resolveShopIdentity } from '../../src/directory/shop-identity.ts';
import { socialKeyOf } from '../../src/directory/social-identity.ts';
import { SERVICE_PLATFORMS } from '../directory/directory-state.ts';

// The columns of `thiqa import`, declared once: the reader accepts these headers, the
// mapper fills a merchant record through them, and `thiqa import --help` and README.md's
// column list are rendered from them (import-columns-doc.ts), so none can tell another story.

/** A row's value under one header: CSV text, or in a JSON row text or a list of text. */
export type Cell = string | string[];

/** The entries of a list cell: a JSON list, or text separated by `;`. */
export const listOf = (cell: Cell | undefined): string[] =>
  (Array.isArray(cell) ? cell : (cell ?? '').split(';'))
    .map((item) => String(item).trim())
    .filter((item) => item !== '');

/** A cell as one text; a list reads as its entries joined by `; `. */
export const textOf = (cell: Cell | undefined): string => (Array.isArray(cell) ? cell.join('; ') : (cell ?? '')).trim();

/** A row's cells as the fields of a merchant record, before the merchant schema judges them. */
export interface MerchantDraft {
  /** Empty when the file leaves the id to the import. */
  id: string;
  legalName: string;
  tradeNames: string[];
  ice: string;
  rc: string | null;
  city: string;
  phone: string;
  email: string | null;
  domains: string[];
  social: Merchant['social'];
  status: string;
  verification: { at: string; by: string; methods: string[] };
  labels: Label[];
}

export interface FillContext {
  /** The text of another column of the row: an `other` label is issued by the row's verifier. */
  text(column: string): string;
  /** The day of the import, `YYYY-MM-DD`. */
  today: string;
  /** Marks the cell bad; the row is then not imported. */
  refuse(message: string): void;
}

export interface ImportColumn {
  /** The header as the reader normalises it: lowercase, `_` for spaces and dashes. */
  name: string;
  /** Other headers read as this column; with several of them, their lists are joined. */
  aliases: readonly string[];
  required: boolean;
  /** Where the column goes in a merchant record: the schema's complaints there name this column. */
  field: readonly string[];
  /** The column's entries have parts (a label's kind, reference, dates): a complaint names the entry. */
  namesEntries?: true;
  /** What the column holds, `code` in backticks: the help and README.md are made from it. */
  doc: string;
  fill(draft: MerchantDraft, cell: Cell | undefined, context: FillContext): void;
}

/** E.164 from what people type: `0522-00 01 01`, `+212 522 000101`, `00212...`. */
export function normalizePhone(input: string): string {
  const compact = input.replace(/[\s.\-()/]/g, '');
  if (/^0[5-8]\d{8}$/.test(compact)) return `+212${compact.slice(1)}`;
  if (compact.startsWith('00')) return `+${compact.slice(2)}`;
  return compact;
}

/** The shops that domain names stand for, each once: `www.` is dropped, a subdomain or a platform refused. */
export function shopDomains(inputs: readonly string[], refuse: (message: string) => void): string[] {
  const domains: string[] = [];
  for (const input of inputs) {
    const identity = resolveShopIdentity(input, SERVICE_PLATFORMS);
    if (!identity.ok) {
      refuse(
        identity.cause === 'public-suffix'
          ? `${input} is a public suffix or shop platform, not a shop`
          : `${input} is not a shop domain (${identity.cause})`,
      );
      continue;
    }
    const { domain, host, kind } = identity.identity;
    if (kind === 'social') {
      refuse(`${input} is a social profile, not a shop domain: put it in the social column`);
      continue;
    }
    if (host !== domain && host !== `www.${domain}`) {
      refuse(`${input} is a subdomain: the shop is ${domain}`);
      continue;
    }
    if (!domains.includes(domain)) domains.push(domain);
  }
  return domains;
}

/** A verification is something that happened: not dated after the import. */
export function checkVerifiedAt(at: string, today: string, refuse: (message: string) => void): void {
  if (/^\d{4}-\d{2}-\d{2}$/.test(at) && at > today) refuse(`${at} is in the future`);
}

const LABEL_ALIASES: Record<string, LabelKind> = { cmi: 'cmi-payment', fnem: 'fnem-member', ethiq: 'e-thiq' };
/** Who issues each kind of label; an `other` label is issued by whoever verified the merchant. */
const LABEL_ISSUERS: Record<LabelKind, string> = {
  'e-thiq': 'Label e-thiq',
  cndp: 'CNDP',
  'cmi-payment': 'CMI',
  'fnem-member': 'FNEM',
  other: '',
};

/** `kind[:reference][@validUntil]`, or `[@issued..validUntil]`, or `[@issued..]` with no end. */
const LABEL_ENTRY = /^([a-z-]+)(?::([^@]+))?(?:@(?:(\d{4}-\d{2}-\d{2})\.\.)?(\d{4}-\d{2}-\d{2})?)?$/i;

function parseLabels(cell: Cell | undefined, issuer: string, refuse: (message: string) => void): Label[] {
  const labels: Label[] = [];
  for (const entry of listOf(cell)) {
    const match = LABEL_ENTRY.exec(entry);
    if (!match || entry.endsWith('@')) {
      refuse(`label "${entry}" is not kind[:reference][@[issued..]valid-until]`);
      return [];
    }
    const name = (match[1] as string).toLowerCase();
    const kind = labelKindSchema.safeParse(LABEL_ALIASES[name] ?? name);
    if (!kind.success) {
      refuse(`label kind "${name}" is not one of ${labelKindSchema.options.join(', ')}, cmi, fnem`);
      return [];
    }
    labels.push({
      kind: kind.data,
      issuer: LABEL_ISSUERS[kind.data] || issuer,
      reference: match[2]?.trim() ?? null,
      issued: match[3] ?? null,
      validUntil: match[4] ?? null,
    });
  }
  return labels;
}

/** `network:handle` entries (the import's `social` column, the console's edit form); the first bad one refuses the lot. */
export function parseSocial(cell: Cell | undefined, refuse: (message: string) => void): Merchant['social'] {
  const social: Merchant['social'] = [];
  for (const entry of listOf(cell)) {
    const separator = entry.indexOf(':');
    const network = socialNetworkSchema.safeParse(entry.slice(0, separator).trim().toLowerCase());
    if (separator < 1 || !network.success) {
      refuse(`"${entry}" is not network:handle (${socialNetworkSchema.options.join(', ')})`);
      return [];
    }
    const entryOf = socialEntry(network.data, entry.slice(separator + 1), refuse);
    if (entryOf === null) return [];
    social.push(entryOf);
  }
  return social;
}

/** Networks whose profiles the extension recognises: their handles are stored in canonical form. */
const KEYED_NETWORKS: ReadonlySet<string> = new Set(['instagram', 'facebook', 'tiktok', 'whatsapp']);

/**
 * One social entry, its handle canonical (`@Atlas.Electro` and the profile's address become
 * `atlas.electro`; a WhatsApp number becomes E.164, `+212…`) so the directory's key for it is
 * the one the extension computes from the page's address. A handle the network would not
 * allow is refused.
 */
export function socialEntry(
  network: Merchant['social'][number]['network'],
  written: string,
  refuse: (message: string) => void,
): Merchant['social'][number] | null {
  const handle = written.trim();
  if (!KEYED_NETWORKS.has(network)) return { network, handle };
  const key = socialKeyOf(network, handle);
  if (key === null) {
    refuse(
      network === 'whatsapp'
        ? `"${handle}" is not a valid WhatsApp number (write it as +212 6XX XX XX XX or 06XX XX XX XX)`
        : `"${handle}" is not a valid ${network} profile name or address`,
    );
    return null;
  }
  const canonical = key.slice(key.indexOf('/') + 1);
  // A number is kept in E.164 with its `+`, as people read it on the certificate page.
  return { network, handle: network === 'whatsapp' ? `+${canonical}` : canonical };
}

const code = (words: readonly string[]) => words.map((word) => `\`${word}\``).join(', ');
const orNull = (text: string) => (text === '' ? null : text);
type ColumnDeclaration = Omit<ImportColumn, 'aliases' | 'required'> &
  Partial<Pick<ImportColumn, 'aliases' | 'required'>>;
const column = (declaration: ColumnDeclaration): ImportColumn => ({ aliases: [], required: false, ...declaration });

const NETWORK_COLUMNS = socialNetworkSchema.options.filter((network) => network !== 'other');

export const IMPORT_COLUMNS: readonly ImportColumn[] = [
  column({
    name: 'domains',
    required: true,
    field: ['domains'],
    doc: '`;`-separated shop domains (`www.` is dropped; a subdomain or a public suffix is refused)',
    fill: (draft, cell, { refuse }) => {
      draft.domains = shopDomains(listOf(cell), refuse);
    },
  }),
  column({
    name: 'legal_name',
    required: true,
    field: ['legalName'],
    doc: "the legal entity's name as written (Arabic kept intact)",
    fill: (draft, cell) => {
      draft.legalName = textOf(cell);
    },
  }),
  column({
    name: 'trade_name',
    aliases: ['trade_names'],
    field: ['tradeNames'],
    doc: 'the names the shop trades under, `;`-separated',
    fill: (draft, cell) => {
      draft.tradeNames = listOf(cell);
    },
  }),
  column({
    name: 'ice',
    required: true,
    field: ['ice'],
    doc: '15 digits, divisible by 97 (spaces ignored)',
    fill: (draft, cell, { refuse }) => {
      draft.ice = textOf(cell).replace(/\s/g, '');
      if (!isValidIce(draft.ice)) refuse(`${draft.ice} is not a valid ICE (15 digits, divisible by 97)`);
    },
  }),
  column({
    name: 'rc',
    field: ['rc'],
    doc: 'the commercial register number, e.g. `RC Casablanca 481516`',
    fill: (draft, cell) => {
      draft.rc = orNull(textOf(cell));
    },
  }),
  column({
    name: 'city',
    required: true,
    field: ['city'],
    doc: 'the city of the legal entity',
    fill: (draft, cell) => {
      draft.city = textOf(cell);
    },
  }),
  column({
    name: 'phone',
    required: true,
    field: ['phone'],
    doc: 'E.164 or Moroccan form (`0522-00 01 01` → `+212522000101`)',
    fill: (draft, cell) => {
      draft.phone = normalizePhone(textOf(cell));
    },
  }),
  column({
    name: 'email',
    field: ['email'],
    doc: 'a contact address (kept in lowercase)',
    fill: (draft, cell) => {
      draft.email = orNull(textOf(cell).toLowerCase());
    },
  }),
  column({
    name: 'status',
    required: true,
    field: ['status'],
    doc: `one of ${code(merchantStatusSchema.options)}`,
    fill: (draft, cell) => {
      draft.status = textOf(cell).toLowerCase();
    },
  }),
  column({
    name: 'verified_at',
    required: true,
    field: ['verification', 'at'],
    doc: 'the day of the verification, `YYYY-MM-DD`, not in the future',
    fill: (draft, cell, { today, refuse }) => {
      draft.verification.at = textOf(cell);
      checkVerifiedAt(draft.verification.at, today, refuse);
    },
  }),
  column({
    name: 'verified_by',
    required: true,
    field: ['verification', 'by'],
    doc: 'who verified (also the issuer of labels of kind `other`)',
    fill: (draft, cell) => {
      draft.verification.by = textOf(cell);
    },
  }),
  column({
    name: 'methods',
    field: ['verification', 'methods'],
    doc: `\`;\`-separated, among ${code(verificationMethodSchema.options)} (by default \`commercial-register\`)`,
    fill: (draft, cell) => {
      const methods = listOf(cell);
      draft.verification.methods = methods.length > 0 ? methods : ['commercial-register'];
    },
  }),
  column({
    name: 'labels',
    field: ['labels'],
    namesEntries: true,
    doc:
      '`;`-separated `kind[:reference][@valid-until]` or `kind[:reference][@issued..valid-until]`; kinds `e-thiq`, ' +
      '`cndp` (reference like `D-W-903/2024`), `cmi`, `fnem`, `other`; e.g. ' +
      '`e-thiq@2027-06-30; cndp:D-W-903/2024@2029-01-01; cmi`; an issue date only if given',
    fill: (draft, cell, { text, refuse }) => {
      draft.labels = parseLabels(cell, text('verified_by'), refuse);
    },
  }),
  column({
    name: 'social',
    field: ['social'],
    namesEntries: true,
    doc: `\`;\`-separated \`network:handle\`, networks ${code(socialNetworkSchema.options)}; a handle may be written \`@name\` or as the profile's address, a WhatsApp number as \`+212…\` or \`06…\`; Instagram, Facebook, TikTok and WhatsApp handles are stored canonical and a bad one is refused`,
    fill: (draft, cell, { refuse }) => {
      draft.social.push(...parseSocial(cell, refuse));
    },
  }),
  ...NETWORK_COLUMNS.map((network) =>
    column({
      name: network,
      field: ['social'],
      doc: 'handles on the network the column is named after, `;`-separated, read as in `social`',
      fill: (draft, cell, { refuse }) => {
        for (const handle of listOf(cell)) {
          const entry = socialEntry(network, handle, refuse);
          if (entry) draft.social.push(entry);
        }
      },
    }),
  ),
  column({
    name: 'id',
    field: ['id'],
    doc: "the merchant's slug; by default made from its first domain",
    fill: (draft, cell) => {
      draft.id = textOf(cell);
    },
  }),
];

export const REQUIRED_COLUMNS = IMPORT_COLUMNS.filter((entry) => entry.required);

/** The headers a file may have: every column's name and aliases. */
export const KNOWN_HEADERS: ReadonlySet<string> = new Set(
  IMPORT_COLUMNS.flatMap((entry) => [entry.name, ...entry.aliases]),
);

const startsWith = (path: readonly PropertyKey[], prefix: readonly PropertyKey[]) =>
  prefix.every((key, index) => path[index] === key);

/** The column a place in a merchant record comes from (a complaint about `verification` names `verified_at`). */
export function columnAt(path: readonly PropertyKey[]): ImportColumn | undefined {
  return (
    IMPORT_COLUMNS.find((entry) => startsWith(path, entry.field)) ??
    IMPORT_COLUMNS.find((entry) => path.length > 0 && entry.field[0] === path[0])
  );
}
