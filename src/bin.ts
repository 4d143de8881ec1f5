#!/usr/bin/env node
// Bundled to dist/cli.js, the `static-ota` command.
import { runCli } from './cli.js';

// A reader that went away (`static-ota publish ... | head -1`) is not a failure:
// stop printing, let the command finish its work and exit with its own code.
let stdoutClosed = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  stdoutClosed = true;
});

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => {
    if (!stdoutClosed) process.stdout.write(text);
  },
});
