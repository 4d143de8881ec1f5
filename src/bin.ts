#!/usr/bin/env node
// Bundled to dist/cli.js, the `static-ota` command.
import { runCli } from './cli/program.js';
import { stoppable } from './common/interrupt.js';

// A reader that went away (`static-ota publish ... | head -1`) is not a failure:
// stop printing, let the command finish its work and exit with its own code.
let stdoutClosed = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  stdoutClosed = true;
});

// Ctrl-C or a SIGTERM removes the command's temporary files and says what is already live before it ends.
process.exitCode = await stoppable(
  () =>
    runCli(process.argv.slice(2), {
      stdout: (text) => {
        if (!stdoutClosed) process.stdout.write(text);
      },
    }),
  (text) => process.stderr.write(text),
);
