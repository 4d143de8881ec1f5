// Options for the device simulator in the end-to-end tests: one poll of `url`,
// updating `flash` when a newer, valid release is offered.
import type { KeyFile } from '../helpers.js';

export function deviceArgs(options: { url: string; key: KeyFile; version: string; board: string; channel?: string; flash: string }): string[] {
  return [
    ...['--url', options.url, '--pubkey', options.key.publicHex, '--version', options.version, '--board', options.board],
    ...['--channel', options.channel ?? 'stable', '--flash', options.flash, '--flash-size', String(1024 * 1024)],
  ];
}
