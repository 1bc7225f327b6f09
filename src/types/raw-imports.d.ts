// Vite's `?raw` imports: a file's text, bundled at build time (the help page's rights texts).
declare module '*.md?raw' {
  const text: string;
  export default text;
}
