// Options for the device simulator in the end-to-end tests: one poll of `url`,
// updating `flash` when a newer, valid release is offered. The chip follows
// the board as test/action/action-runner.ts gives it a platform (esp32* is espressif32),
// so an ESP8266 takes the gzip images compress: auto makes for it.
import type { KeyFile } from '../helpers.js';

export function deviceArgs(options: {
  url: string;
  key: KeyFile;
  version: string;
  board: string;
  channel?: string;
  flash: string;
}): string[] {
  return [
    ...[
      '--url',
      options.url,
      '--pubkey',
      options.key.publicHex,
      '--version',
      options.version,
      '--board',
      options.board,
    ],
    ...['--channel', options.channel ?? 'stable', '--flash', options.flash, '--flash-size', String(1024 * 1024)],
    ...['--chip', options.board.startsWith('esp32') ? 'esp32' : 'esp8266'],
  ];
}
