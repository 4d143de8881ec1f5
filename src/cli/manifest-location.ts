// --board and --channel of a manifest already on a mirror (rollout, cosign, verify).
import { parseChannel } from '../release/version.js';
import { checkBoard } from '../settings/values.js';
import { parsed } from './options.js';

export function boardAndChannel(options: { board?: string; channel: string }): { board: string; channel: string } {
  const board = parsed(() => checkBoard(options.board as string, '--board'));
  return { board, channel: parsed(() => parseChannel(options.channel, '--channel')) };
}
