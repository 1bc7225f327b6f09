import { resolve } from 'node:path';
import { buildExtensionInto, type ExtensionBuildSettings, PROJECT_ROOT } from '../../scripts/demo/extension-build.ts';

/** Builds the extension for one test file into `.output/test-<name>`. */
export function buildExtension(name: string, settings: ExtensionBuildSettings = {}): Promise<string> {
  return buildExtensionInto(resolve(PROJECT_ROOT, '.output', `test-${name}`), settings);
}
