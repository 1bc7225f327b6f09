import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DirectoryIndex } from '../../src/directory/directory-index.ts';
import type { Manifest, Merchant, Snapshot } from '../../src/directory/schemas.ts';
import { loadPublishedDirectory } from '../directory/directory-source.ts';

// The portal answers from the directory as published, the very files every extension
// syncs, so that a check on the portal and the popup always agree. The files are read
// once per publication (or renewal) and kept in memory: a page costs no database query.

/** One published version, indexed for the portal's pages. */
export class PortalDirectory {
  readonly index: DirectoryIndex;
  readonly #merchants = new Map<string, Merchant>();

  constructor(
    readonly manifest: Manifest,
    readonly snapshot: Snapshot,
  ) {
    this.index = new DirectoryIndex(snapshot.state);
    for (const merchant of snapshot.state.merchants) this.#merchants.set(merchant.id, merchant);
  }

  get version(): number {
    return this.manifest.version;
  }

  get merchants(): readonly Merchant[] {
    return this.snapshot.state.merchants;
  }

  merchant(id: string): Merchant | null {
    return this.#merchants.get(id) ?? null;
  }

  /** True once the manifest's `expiresAt` has passed: extensions then say the directory is out of date. */
  isExpired(now: Date): boolean {
    return now.toISOString() >= this.manifest.expiresAt;
  }
}

interface Loaded {
  /** What identifies the manifest file on disk: it is replaced (renamed) on every publication. */
  stamp: string;
  directory: PortalDirectory | null;
}

/**
 * The latest publication in a served folder. Each call looks at `manifest.json`'s
 * identity (one `stat`); only a new file is read, checked against its hashes and indexed.
 * Readers that arrive during a reload share it.
 */
export class PublishedDirectory {
  #loaded: Loaded | null = null;
  #loading: Promise<Loaded> | null = null;

  constructor(
    private readonly servedDir: string,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  async current(): Promise<PortalDirectory | null> {
    const stamp = await this.#stamp();
    if (this.#loaded && this.#loaded.stamp === stamp) return this.#loaded.directory;
    this.#loading ??= this.#load(stamp).finally(() => {
      this.#loading = null;
    });
    return (await this.#loading).directory;
  }

  async #stamp(): Promise<string> {
    try {
      const info = await stat(join(this.servedDir, 'manifest.json'), { bigint: true });
      return `${info.ino}:${info.size}:${info.mtimeNs}`;
    } catch {
      return 'none';
    }
  }

  async #load(stamp: string): Promise<Loaded> {
    if (stamp === 'none') {
      this.#loaded = { stamp, directory: null };
      return this.#loaded;
    }
    try {
      const { manifest, snapshot } = await loadPublishedDirectory(this.servedDir);
      this.#loaded = { stamp, directory: new PortalDirectory(manifest, snapshot) };
    } catch (error) {
      // A folder caught between two renames, or damaged: keep what we had (the next
      // request looks again), or show nothing rather than something unchecked.
      this.onError(error);
      // Remembered under its stamp: a damaged folder is read again once it changes, not
      // on every request (each would check the whole signed directory and log a line).
      this.#loaded = { stamp, directory: this.#loaded?.directory ?? null };
      return this.#loaded;
    }
    return this.#loaded;
  }
}
