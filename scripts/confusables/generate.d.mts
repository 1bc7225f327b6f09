// Types of generate.mjs, for the unit test that checks the committed table.
export const UTS39_VERSION: string;
export const TABLE_PATH: string;
export function readConfusables(): { version: string; map: Record<string, string> };
export function tableSource(data: { version: string; map: Record<string, string> }): string;
