// The device library's User-Agent, the TypeScript side of
// firmware/src/core/user_agent.* (a test checks both agree):
//   static-ota/<library version> (<board>; <running version>; <channel>[; <device id>])
// or the bare product token when the device cannot name itself.
import library from '../../firmware/library.json' with { type: 'json' };

export interface DeviceAgent {
  library: string;
  board: string;
  version: string;
  channel: string;
  /** Only when the sketch opted in (StaticOta::setDeviceId). */
  deviceId?: string;
}

/** The library version this repository's firmware/ reports. */
export const LIBRARY_VERSION: string = library.version;

/** What the library sends when a setting cannot go into the header; tools fetching as a device (verify) send it too. */
export const BARE_USER_AGENT = `static-ota/${LIBRARY_VERSION}`;

export const formatUserAgent = ({ library, board, version, channel, deviceId }: DeviceAgent): string =>
  `static-ota/${library} (${board}; ${version}; ${channel}${deviceId ? `; ${deviceId}` : ''})`;

/** The longest board, running version and channel a device names (kMaxBoardLength and so on in static_ota_limits.h). */
export const MAX_BOARD_LENGTH = 64;
export const MAX_VERSION_LENGTH = 64;
export const MAX_CHANNEL_LENGTH = 32;

/**
 * Only what a device can send: each part is printable ASCII without `;()`
 * (isCommentPart in user_agent.cpp), within its limit. Anything else (a control
 * character, a byte above 0x7e, an overlong part) comes from another client.
 */
const COMMENT_CHARACTER = String.raw`[\x20-\x27\x2a-\x3a\x3c-\x7e]`;
const part = (maxLength: number): string => `(${COMMENT_CHARACTER}{1,${maxLength}})`;
const USER_AGENT = new RegExp(
  String.raw`^static-ota/([\x21-\x27\x2a-\x3a\x3c-\x7e]{1,${MAX_VERSION_LENGTH}}) \(` +
    `${part(MAX_BOARD_LENGTH)}; ${part(MAX_VERSION_LENGTH)}; ${part(MAX_CHANNEL_LENGTH)}` +
    String.raw`(?:; ([A-Za-z0-9._-]{1,32}))?\)$`,
);

/** A device's User-Agent, or undefined for anything else (browsers, monitors, the bare token). */
export function parseUserAgent(userAgent: string): DeviceAgent | undefined {
  const match = USER_AGENT.exec(userAgent);
  if (!match) return undefined;
  return {
    library: match[1],
    board: match[2],
    version: match[3],
    channel: match[4],
    ...(match[5] ? { deviceId: match[5] } : {}),
  };
}
