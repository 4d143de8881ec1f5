#!/usr/bin/env node
// Bundled to dist/cli.js, the `static-ota` command.
import { runCli } from './cli.js';

process.exitCode = await runCli(process.argv.slice(2));
