// Preloaded into a `thiqa` process the publish bench runs (node --import): prints the
// process's peak resident set size, all threads included, as it exits.
process.on('exit', () => {
  process.stderr.write(`THIQA_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});
