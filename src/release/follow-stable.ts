// Channels that follow stable (docs/protocol.md, "Channels"): a stable release
// is also offered, signed for that channel, on every other channel of its board
// whose latest.txt offers a lower version, so beta testers reach the release
// that supersedes their beta. The board's channel index tells which channels exist.
import {
  channelIndexPath,
  isValidChannel,
  manifestPath,
  readVersionLine,
  STABLE_CHANNEL,
} from '../protocol/manifest.js';
import type { MirrorSession } from '../mirror/target.js';
import { compareVersions } from './version.js';

/** The channels an index lists: valid names other than stable, each once, in order. */
export function parseChannelIndex(bytes: Buffer | undefined): string[] {
  const names = (bytes?.toString('latin1') ?? '').split('\n').map((line) => line.trim());
  return [...new Set(names.filter((name) => name !== STABLE_CHANNEL && isValidChannel(name)))];
}

/** Adds a channel other than stable to its board's index, with a conditional write. */
export async function recordChannel(session: MirrorSession, board: string, channel: string): Promise<void> {
  if (channel === STABLE_CHANNEL) return;
  const path = channelIndexPath(board);
  const previous = await session.read(path);
  const channels = parseChannelIndex(previous);
  if (channels.includes(channel)) return;
  await session.writeManifest(path, [...channels, channel].map((name) => `${name}\n`).join(''), previous);
}

/**
 * The indexed channels of a board whose latest.txt offers a version lower than
 * `version`. A channel without a readable latest.txt is left alone: publishing
 * there is its owner's decision, and a refused file is reported by its own publish.
 */
export async function channelsBehind(session: MirrorSession, board: string, version: string): Promise<string[]> {
  const behind: string[] = [];
  for (const channel of parseChannelIndex(await session.read(channelIndexPath(board)))) {
    const current = await session.read(manifestPath(board, channel));
    let offered: string | undefined;
    try {
      offered = current && readVersionLine(current);
    } catch {
      offered = undefined;
    }
    if (offered !== undefined && compareVersions(offered, version) < 0) behind.push(channel);
  }
  return behind;
}
