// `npm run docs`: rewrites docs/http-api.md from the service's OpenAPI document. A unit
// test compares the file with a fresh rendering, so a route changed without it fails.
import { writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { generateHttpApiDoc, HTTP_API_DOC_PATH } from './http-api-doc.ts';

await writeFile(HTTP_API_DOC_PATH, await generateHttpApiDoc());
console.log(`wrote ${relative(process.cwd(), HTTP_API_DOC_PATH)}`);
