// How the device library fetches over HTTP, for tools that must fetch the same
// way (verify). Read from the chips' HTTPClient (ESP8266 core 3.x
// ESP8266HTTPClient.cpp, arduino-esp32 HTTPClient.cpp) as the library drives
// it (firmware/src/arduino/arduino_http_transport.cpp).
import { BARE_USER_AGENT } from './user-agent.js';

/**
 * The library's bare User-Agent: what a device sends when it cannot name its
 * board, version and channel (src/protocol/user-agent.ts). A tool is no device, so
 * `static-ota fleet` does not count it.
 */
export const DEVICE_USER_AGENT = BARE_USER_AGENT;

/** Both cores send this on HTTP/1.1: no gzip is offered, so a server with `gzip on` answers the plain file. */
export const DEVICE_ACCEPT_ENCODING = 'identity;q=1,chunked;q=0.1,*;q=0';

/** Redirects HTTPClient follows for a GET (HTTPC_STRICT_FOLLOW_REDIRECTS): not 308. */
export const DEVICE_FOLLOWED_REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307]);

/** The library's redirect limit (kMaxRedirects in firmware/src/core/static_ota_limits.h). */
export const DEVICE_MAX_REDIRECTS = 3;

/**
 * The request head ESP8266's HTTPClient sends for the library's GET, in its
 * order: the port is left out of Host for 80 and 443 whatever the scheme,
 * the connection is not reused, and every request carries Content-Length: 0.
 */
export function deviceRequestHeaders(url: URL): string[] {
  const host =
    url.port === '' || url.port === '80' || url.port === '443' ? url.hostname : `${url.hostname}:${url.port}`;
  return [
    'Host',
    host,
    'User-Agent',
    DEVICE_USER_AGENT,
    'Accept-Encoding',
    DEVICE_ACCEPT_ENCODING,
    'Connection',
    'close',
    'Content-Length',
    '0',
  ];
}

/**
 * Where HTTPClient goes for a redirect's Location, or undefined when it stops
 * there and the 3xx is the answer: it takes an absolute path, or an absolute
 * URL of the same scheme (setURL() refuses any other form).
 */
export function deviceRedirectTarget(current: URL, location: string): URL | undefined {
  if (location.startsWith('/')) return new URL(current.origin + location); // a path, even one starting with //
  if (location.startsWith(current.protocol)) return new URL(location);
  return undefined;
}
