// The one place text from data or from people is made safe for the Slack surface that shows it. Every view
// escapes every such value through here (format.ts re-exports it): a scraper's error, a title, a name, a reason.
//
// mrkdwn has three control characters (`&`, `<`, `>`: a link, a mention, `<!channel>`), which Slack reads back
// from their HTML entities, and markers that format a run of text: `*bold*`, `_italic_`, `~strike~`,
// `` `code` ``, and `>` opening a quote at the start of a line. Slack has no backslash escape for the markers. A
// marker formats only where a word starts or ends (an `_` inside `bdl_box_scores` is just a character), so one
// there gets a zero-width space on each side, which breaks the edge Slack looks for and leaves names people copy
// unchanged; a backtick formats anywhere, so it becomes the modifier grave accent (ˋ) that looks the same.
// plain_text shows characters as they are; it only must stay on one line (headers, buttons, options).

/** Zero-width space: invisible, and neither a space nor a word character to a formatter. */
const ZWSP = '\u200B';
const WORD = /[\p{L}\p{N}]/u;
const MARKERS = new Set(['*', '_', '~']);

/** `&`, `<` and `>` as the entities Slack reads back: no link, mention or `<!channel>` from data. */
export function escapeEntities(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/**
 * Text from data or a person as mrkdwn that shows exactly those characters: entities escaped, formatting markers
 * at word edges broken with zero-width spaces, backticks swapped for a look-alike, a line-leading `>` kept
 * from quoting.
 */
export function escapeMrkdwn(text: string): string {
  const chars = [...escapeEntities(text).replaceAll('`', 'ˋ')];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (!MARKERS.has(c)) {
      out += c;
      continue;
    }
    const inWord = WORD.test(chars[i - 1] ?? ' ') && WORD.test(chars[i + 1] ?? ' ');
    out += inWord ? c : `${ZWSP}${c}${ZWSP}`;
  }
  return out.replace(/(^|\n)&gt;/g, `$1${ZWSP}&gt;`);
}

/** Text from data as plain_text: the characters as they are, on one line (control characters as spaces). */
export function escapePlainText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes.
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}
