// Preloaded by the benchmark (`node -r`): reports the process's peak resident memory on exit.
process.on('exit', () => {
  process.stderr.write(`__MAXRSS_KB__ ${process.resourceUsage().maxRSS}\n`);
});
