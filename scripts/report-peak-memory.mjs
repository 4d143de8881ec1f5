// Preloaded by the benchmark: reports the process's peak resident memory on exit.
import { resourceUsage } from 'node:process';

process.on('exit', () => process.stderr.write(`peak-rss-kib=${resourceUsage().maxRSS}\n`));
