// Preloaded by the benchmark (`node -r`): reports the process's peak resident memory and CPU time
// (all threads) on exit. Workers inherit the preload: only the main thread reports.
import { isMainThread } from 'worker_threads';

if (isMainThread) {
  process.on('exit', () => {
    const cpu = process.cpuUsage();
    process.stderr.write(`__MAXRSS_KB__ ${process.resourceUsage().maxRSS}\n__CPU_MS__ ${Math.round((cpu.user + cpu.system) / 1000)}\n`);
  });
}
