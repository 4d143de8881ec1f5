// src/common/terminal-text.ts: what every command prints from text others control
// (access logs, mirror files, manifests) goes through terminalText.
import { DEFAULT_MAX_LENGTH, terminalText } from '../../src/common/terminal-text.js';

describe('terminalText', () => {
  it('keeps printable text, Unicode letters included', () => {
    expect(terminalText('nodemcuv2 1.4.2-beta.1+build.7 (stable)')).toBe('nodemcuv2 1.4.2-beta.1+build.7 (stable)');
    expect(terminalText('Küche – 台所 🙂')).toBe('Küche – 台所 🙂');
  });

  it.each([
    ['CSI: clear the screen', 'a\x1b[2Jb', 'a?b'],
    ['CSI with parameters: hide text', 'a\x1b[0;8mb', 'a?b'],
    ['OSC ended by BEL: window title', 'a\x1b]0;pwned\x07b', 'a?b'],
    ['OSC ended by ST: hyperlink', 'a\x1b]8;;http://evil\x1b\\b', 'a?b'],
    ['OSC 52 without an end: clipboard write', 'a\x1b]52;c;ZXZpbA==', 'a?'],
    ['DCS', 'a\x1bPq#0\x1b\\b', 'a?b'],
    ['two-byte ESC sequence: reset the terminal', 'a\x1bcb', 'a?b'],
    ['lone ESC at the end', 'ab\x1b', 'ab?'],
    ['8-bit CSI (C1)', 'a\u009b2Jb', 'a?b'],
    ['8-bit OSC ended by 8-bit ST', 'a\u009d0;x\u009cb', 'a?b'],
    ['other C1', 'a\u0085b', 'a?b'],
    ['C0: bell, backspace, carriage return, newline, tab, NUL', 'a\x07\x08\r\n\t\x00b', 'a??????b'],
    ['DEL', 'a\x7fb', 'a?b'],
    ['bidirectional overrides and isolates', 'a\u202eb\u2066c\u200fd', 'a?b?c?d'],
  ])('replaces %s', (_, text, shown) => {
    expect(terminalText(text)).toBe(shown);
  });

  it('cuts to maxLength code points, ending in an ellipsis, without cleaning what it will not show', () => {
    expect(terminalText('abcdef', 4)).toBe('abc…');
    expect(terminalText('abcd', 4)).toBe('abcd');
    expect(terminalText('🙂'.repeat(10), 3)).toBe('🙂🙂…');
    const huge = `${'\x1b[2J'.repeat(1_000)}${'x'.repeat(64 << 20)}`;
    const shown = terminalText(huge);
    expect([...shown]).toHaveLength(DEFAULT_MAX_LENGTH);
    expect(shown).toMatch(/^\?+…$/);
  });
});
