// The device library's User-Agent, the TypeScript side of
// firmware/src/core/user_agent.* (a test checks both agree):
//   static-ota/<library version> (<board>; <running version>; <channel>[; <device id>])
// or the bare product token when the device cannot name itself.
import library from '../firmware/library.json' with { type: 'json' };

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

const USER_AGENT = /^static-ota\/([^\s()]+) \(([^;()]+); ([^;()]+); ([^;()]+)(?:; ([A-Za-z0-9._-]{1,32}))?\)$/;

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
