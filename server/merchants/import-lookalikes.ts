import { LookalikeIndex } from '../../src/directory/lookalike.ts';
import type { MerchantRecord } from './import-map.ts';
import type { RegistryMerchants } from './import-plan.ts';

// A merchant brought by an import whose domain looks like another merchant's domain
// (`atlas-electr0.test` beside `atlas-electro.test`) may be a clone slipping into the
// directory, or the same company's second shop. The import does not refuse it: it warns,
// naming both, so the operator checks. One ICE is one company: no warning then (the row
// is that merchant, whose own domains never imitate each other).

export interface ImportWarning {
  line: number;
  kind: 'lookalike';
  /** The row's domain that looks like another merchant's. */
  domain: string;
  /** The merchant (id after the import) and ICE of the row. */
  merchant: string;
  ice: string;
  /** The other merchant's domain, id and ICE. */
  imitates: { domain: string; merchant: string; ice: string };
  message: string;
}

/**
 * Warnings for the rows' domains that the registry did not already give that merchant.
 * `good`: the records the plan keeps (with their ids), with the file line of each.
 */
export function lookalikeWarnings(
  good: ReadonlyArray<{ line: number; record: MerchantRecord }>,
  registry: RegistryMerchants,
): ImportWarning[] {
  const after = new Map<string, { ice: string; domains: readonly string[] }>();
  for (const [id, merchant] of registry.byId) after.set(id, merchant.record);
  for (const { record } of good) after.set(record.id, record);
  const index = new LookalikeIndex(
    [...after].flatMap(([merchantId, record]) => record.domains.map((domain) => ({ domain, merchantId }))),
  );
  const warnings: ImportWarning[] = [];
  for (const { line, record } of good) {
    const before = new Set(registry.byId.get(record.id)?.record.domains ?? []);
    for (const domain of record.domains) {
      if (before.has(domain)) continue;
      const match = index.imitatedByMerchantDomain(domain, record.id);
      const other = match ? after.get(match.merchantId) : undefined;
      if (!match || !other || other.ice === record.ice) continue;
      warnings.push({
        line,
        kind: 'lookalike',
        domain,
        merchant: record.id,
        ice: record.ice,
        imitates: { domain: match.domain, merchant: match.merchantId, ice: other.ice },
        message: `${domain} (merchant ${record.id}, ICE ${record.ice}) looks like ${match.domain} (merchant ${match.merchantId}, ICE ${other.ice}): check it is no imitation`,
      });
    }
  }
  return warnings;
}
