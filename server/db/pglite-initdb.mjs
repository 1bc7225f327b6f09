// Creates a PGlite database (initdb) and exits: see createPgliteDatabase in database.ts. Its
// own process, in plain JavaScript, so it runs the same under tsx, vitest or the bundled command.
// Usage: node pglite-initdb.mjs <data dir> <start parameters as JSON>
import { PGlite } from '@electric-sql/pglite';

const [dataDir, startParams] = process.argv.slice(2);
const lite = await PGlite.create(dataDir, { startParams: JSON.parse(startParams) });
await lite.close();
