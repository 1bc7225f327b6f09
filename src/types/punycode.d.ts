// punycode.js ships no types; we use its Unicode conversion only.
declare module 'punycode/punycode.es6.js' {
  const punycode: { toUnicode(domain: string): string; toASCII(domain: string): string };
  export default punycode;
}
