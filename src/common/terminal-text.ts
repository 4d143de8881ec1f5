// Text that others control (access logs, a mirror's files, manifests) printed
// to the maintainer's terminal: a control character there is a command to the
// terminal (clear the screen, hide text, set the title, rewrite the clipboard),
// so anyone who can send a request or write a mirror file could forge or hide
// what a command reports. Every such text goes through terminalText first.

/**
 * Escape sequences, 7-bit (ESC ...) and 8-bit (CSI, OSC, DCS, SOS, PM, APC as
 * single C1 characters), removed whole so their parameters do not show:
 * CSI parameters and final byte; OSC/DCS/SOS/PM/APC strings up to BEL or ST
 * (or the end of the text); other ESC sequences up to their final byte.
 */
const ESCAPE_SEQUENCE =
  // eslint-disable-next-line no-control-regex -- matching control characters is what this module is for.
  /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[\x20-\x2f]*[\x30-\x7e]?/g;

/**
 * What is left: C0, DEL, C1, and Unicode's bidirectional controls (they reorder
 * what a terminal shows, as in "Trojan Source").
 */
// eslint-disable-next-line no-control-regex -- as above.
const CONTROL_CHARACTER = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Shown in place of each removed sequence or character, so the maintainer sees that something was there. */
export const REPLACEMENT = '?';

/** Printed fields are cut to this many characters unless the caller says otherwise. */
export const DEFAULT_MAX_LENGTH = 200;

/**
 * `text` without terminal controls, one line (a newline or tab is a control
 * too), at most `maxLength` characters (code points): longer text ends in "…".
 */
export function terminalText(text: string, maxLength = DEFAULT_MAX_LENGTH): string {
  // Only the start can be shown: cleaning megabytes to print a few hundred characters would be work for nothing.
  const head = text.length > maxLength * 4 + 64 ? text.slice(0, maxLength * 4 + 64) : text;
  const clean = Array.from(head.replace(ESCAPE_SEQUENCE, REPLACEMENT).replace(CONTROL_CHARACTER, REPLACEMENT));
  return clean.length > maxLength || head.length < text.length
    ? `${clean.slice(0, maxLength - 1).join('')}…`
    : clean.join('');
}
