import { parseArgs } from 'node:util';
import { cliActor, withRegistry } from '../cli/registry-session.ts';
import { exportPublishedFiles } from './publish-out.ts';
import { publicDirectoryDir, publishDirectory } from './publisher.ts';
import { describeRepair } from './served-files.ts';
import { loadSigningKeys } from './signing-keys.ts';

export const PUBLISH_HELP = `thiqa publish [--if-changed] [--out <dir>] [--as <name>]
  Writes the next version of the signed directory under $THIQA_DATA_DIR/public/v1/directory/:
  manifest.json (signed by every key in $THIQA_DATA_DIR/keys), a content-addressed gzipped
  snapshot, and deltas from the last 7 versions. Serve that folder from any web server or CDN.
  --if-changed  publish only when the registry changed since the last version; when it did not,
                re-sign the same version with a later expiry once less than 3/4 of
                policy.directoryLifetimeHours remains (run it at least daily)
  --out <dir>   also copy the published files (manifest.json, snapshot, deltas) into <dir>
                for a static host or CDN: content files first, the manifest last, files no
                longer named removed; serve them as they are (no Content-Encoding)
  Either form first restores the files of the latest version if a crash left them incomplete.`;

export async function runPublish(args: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { 'if-changed': { type: 'boolean' }, out: { type: 'string' }, as: { type: 'string' } },
    strict: true,
  });
  return withRegistry(async (registry, config) => {
    const result = await publishDirectory(registry.db, {
      dataDir: config.dataDir,
      keys: await loadSigningKeys(config.dataDir),
      now: new Date(),
      actor: cliActor(values.as),
      onlyIfChanged: values['if-changed'] === true,
    });
    const repairLine = describeRepair(result.repair);
    if (repairLine) out(repairLine);
    // Copied whether or not a new version was made: the folder follows the served one.
    const exported = values.out ? await exportPublishedFiles(publicDirectoryDir(config.dataDir), values.out) : null;
    const exportLine = () => {
      if (!exported || !values.out) return;
      out(
        `copied to ${values.out}: ${exported.written.length} written, ${exported.removed.length} removed` +
          (exported.written.length > 0 ? ` (${exported.written.join(', ')})` : ''),
      );
    };
    if (!result.published) {
      out(
        result.renewed
          ? `nothing changed since version ${result.version}; renewed its freshness until ${result.expiresAt}`
          : `nothing changed since version ${result.version}; not published (fresh until ${result.expiresAt})`,
      );
      exportLine();
      return 0;
    }
    const { manifest } = result;
    out(`published version ${manifest.version} at ${manifest.publishedAt} (expires ${manifest.expiresAt})`);
    out(`digest ${manifest.digest}`);
    out(`in ${publicDirectoryDir(config.dataDir)}:`);
    out(`  manifest.json`);
    out(`  ${manifest.snapshot.path}  ${manifest.snapshot.size} bytes`);
    for (const delta of manifest.deltas) out(`  ${delta.path}  ${delta.size} bytes (from version ${delta.from})`);
    exportLine();
    return 0;
  });
}
