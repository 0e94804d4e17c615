// Each check's runbook, kept as data beside the pipeline's notes: docs/runbooks/<check>.md. Its "Next step:"
// paragraph becomes the alert's Next step line, "When resolved:" the line of a closed alert, and the whole file
// the Runbook part of the Details modal. Read once per file and kept: runbooks ship with the release.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownToMrkdwn, type Runbook } from '../views/runbook.js';

/** The project's `docs/runbooks/` directory, found relative to this module in both `src/` and `dist/`. */
export const RUNBOOK_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'runbooks');

const CHECK_NAME = /^[a-z][a-z0-9_]*$/;
const STEP = /^(Next step|When resolved):\s*/;

/** A runbook's markdown read apart: its title, its two step paragraphs (as mrkdwn) and the rest. */
export function parseRunbook(check: string, markdown: string): Runbook {
  const paragraphs = markdown.replaceAll('\r\n', '\n').split(/\n{2,}/);
  let title = check;
  const steps: Record<string, string> = {};
  const body: string[] = [];
  for (const paragraph of paragraphs) {
    const text = paragraph.trim();
    const heading = /^# (.+)$/.exec(text);
    const step = STEP.exec(text);
    if (heading?.[1] && title === check && body.length === 0) title = heading[1].trim();
    else if (step?.[1]) steps[step[1]] = markdownToMrkdwn(text.slice(step[0].length).replaceAll('\n', ' '));
    else if (text) body.push(text);
  }
  if (!steps['Next step']) throw new Error(`docs/runbooks/${check}.md: no "Next step:" paragraph`);
  return {
    check,
    title,
    next: steps['Next step'],
    ...(steps['When resolved'] ? { closed: steps['When resolved'] } : {}),
    body: markdownToMrkdwn(body.join('\n\n')),
  };
}

const cache = new Map<string, Runbook | null>();

/** The check's runbook, or undefined when it has none (the alert then says where to read instead). */
export function runbookOf(check: string, dir = RUNBOOK_DIR): Runbook | undefined {
  if (!CHECK_NAME.test(check)) return undefined;
  const key = `${dir}\0${check}`;
  if (!cache.has(key)) {
    let text: string | undefined;
    try {
      text = readFileSync(join(dir, `${check}.md`), 'utf8');
    } catch {
      text = undefined;
    }
    cache.set(key, text === undefined ? null : parseRunbook(check, text));
  }
  return cache.get(key) ?? undefined;
}
