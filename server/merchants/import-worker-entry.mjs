// A worker thread starts without the main thread's TypeScript loader: register tsx here,
// then run the import's planning (import-worker.ts).
import { register } from 'tsx/esm/api';

register();
await import('./import-worker.ts');
