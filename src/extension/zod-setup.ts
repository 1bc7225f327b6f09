import { z } from 'zod';

// Manifest V3 pages and workers forbid `new Function`: zod must not compile parsers, and
// must not even probe for it (the probe shows up as a CSP violation). Imported first by
// every entrypoint, before any schema parses anything.
z.config({ jitless: true });
