// Runbooks (docs/runbooks/<check>.md) as Slack shows them: the markdown the team writes turned into mrkdwn.
import { escapeEntities } from './escape.js';
import type { RunbookSteps } from './next-step.js';

/** A check's runbook: its title, the two step lines and the rest, all mrkdwn. */
export interface Runbook extends RunbookSteps {
  readonly check: string;
  readonly title: string;
  readonly body: string;
}

/**
 * The markdown runbooks use, as mrkdwn: `**bold**` → `*bold*`, `[text](url)` → `<url|text>`, headings as bold
 * lines, `-` bullets as `•`, links to docs/ pages as their path; `&`, `<` and `>` escaped first so a runbook's text cannot make a link or mention (the runbook's own markup stays: the team writes it).
 */
export function markdownToMrkdwn(markdown: string): string {
  return (
    escapeEntities(markdown)
      .replace(
        /\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g,
        (_, text: string, url: string) => `<${url}|${text}>`,
      )
      // A link to another page of docs/ names the page: the repository's address is not the bot's to know.
      .replace(/\[([^\]\n]+)\]\(\.\.\/([^)\s]+)\)/g, '$1 (docs/$2)')
      .replace(/\*\*([^*\n]+)\*\*/g, '*$1*')
      .replace(/^#{1,6} +(.+)$/gm, '*$1*')
      .replace(/^(\s*)[-*] +/gm, '$1• ')
  );
}
