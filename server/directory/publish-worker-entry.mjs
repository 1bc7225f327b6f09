// The publish worker's entry: the service runs its TypeScript through tsx, whose loader a
// worker thread does not inherit when it was registered from code (bin/thiqa.mjs). Under
// a runner that already loads TypeScript (tsx's own command), the import succeeds as is.
const worker = new URL('./publish-worker.ts', import.meta.url);
try {
  await import(worker.href);
} catch (error) {
  if (error?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error;
  const { register } = await import('tsx/esm/api');
  register();
  await import(`${worker.href}?tsx`);
}
