/**
 * Text from the server reaches the developer's terminal: a notification's fields are whatever an
 * anonymous POST to the public endpoint sent (stored even when unsigned), and a local backend's answer
 * is whatever it sent. A control character there (ESC, BEL, a C1 CSI…) would be a terminal command: an
 * OSC 52 writes the clipboard, a CSI erases the line or hides what follows. Every line `logs tail` and
 * `listen` print goes through here, so none reaches the terminal raw.
 */

// C0 (tab and newline too: one printed line stays one line), DEL and C1.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

const hex = (c: string): string => c.charCodeAt(0).toString(16).padStart(2, '0');

/** A line with each control character shown as `\xNN` (ESC as `\x1b`). */
export function printable(line: string): string {
  return line.replace(CONTROL, (c) => `\\x${hex(c)}`);
}

/**
 * A JSON line for --json: JSON.stringify escapes C0 already, not DEL or C1, which become `\u00NN` here:
 * still the same JSON value for a script, and nothing raw for a terminal.
 */
export function printableJson(value: unknown): string {
  return JSON.stringify(value).replace(CONTROL, (c) => `\\u00${hex(c)}`);
}
