// The four slash commands. Slack gives a command 3 s: ack comes first, then parsing, the query and the
// answer through response_url (ephemeral), so a slow warehouse never shows the user a timeout.
import type { App, RespondFn } from '@slack/bolt';
import type { ReadOptions } from '../dashboard/snapshot.js';
import { PIPELINE_SCRAPERS } from '../jobs/scrapers.js';
import { etDate } from '../jobs/time.js';
import type { Services } from '../services.js';
import { context } from '../views/blocks.js';
import {
  breakersView,
  COMMANDS,
  type Command,
  type CommandRequest,
  commandErrorView,
  helpView,
  parseCommand,
  pipelineHealthView,
  retryQueueView,
  scrapeStatusView,
} from '../views/commands.js';
import { readingAge } from '../views/home.js';
import type { MessageView, ViewContext } from '../views/types.js';
import { LIMITS } from '../views/validate.js';
import { afterAck } from './after-ack.js';
import type { Surface } from './app.js';

type CommandServices = Pick<Services, 'data' | 'clock' | 'fmt' | 'log'>;

/**
 * What a parsed request shows (help and errors need no data). The data comes from the snapshot App Home
 * shares (src/dashboard/snapshot.ts) unless `fresh`: a user who names a date wants that date as it is now.
 */
export async function answerCommand(
  deps: CommandServices,
  command: Command,
  request: CommandRequest,
  options: Pick<ReadOptions, 'fresh'> = {},
): Promise<MessageView> {
  const now = deps.clock.now();
  const read: ReadOptions = { ...options, surface: 'command' };
  const ctx = { now, fmt: deps.fmt };
  switch (request.kind) {
    case 'help':
      return helpView(command);
    case 'error':
      return commandErrorView(command, request.message);
    case 'scrape-status': {
      const { value, asOf } = await deps.data.scraperStatus(now, read);
      return withAge(scrapeStatusView(value, ctx, request.scraper, PIPELINE_SCRAPERS), asOf, ctx);
    }
    case 'pipeline-health': {
      const { value, asOf } = await deps.data.pipelineHealth(request.date, now, read);
      return withAge(pipelineHealthView(value), asOf, ctx);
    }
    case 'breakers': {
      const { value, asOf } = await deps.data.breakers(now, read);
      return withAge(breakersView(value, ctx), asOf, ctx);
    }
    case 'retry-queue':
      return retryQueueView(await deps.data.retryQueue(request.status), ctx, request.status);
  }
}

/** A view of a shared reading says when it was read (nothing when it was read for this answer). */
function withAge(view: MessageView, asOf: Date, ctx: ViewContext): MessageView {
  const age = readingAge(asOf, ctx);
  if (!age) return view;
  const line = `Read from the warehouse ${age}, shared with App Home and the other commands.`;
  // First, so a view at Slack's block limit loses its own tail rather than the age.
  return { text: view.text, blocks: [context([line]), ...view.blocks].slice(0, LIMITS.messageBlocks) };
}

/** A failed query is answered, never silent: the user learns what failed and that it is logged. */
export function dataErrorView(command: Command, error: unknown): MessageView {
  const why = error instanceof Error ? error.message : String(error);
  const text = `:warning: ${command} could not read its data: ${why.slice(0, 500)}. This was logged; try again in a minute.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

async function handle(deps: CommandServices, command: Command, text: string, respond: RespondFn) {
  const request = parseCommand(command, text, etDate(deps.clock.now()));
  // Only /pipeline-health takes a date; without one it shows yesterday, which every asker shares.
  const explicitDate = request.kind === 'pipeline-health' && text.trim() !== '';
  let view: MessageView;
  try {
    view = await answerCommand(deps, command, request, { fresh: explicitDate });
  } catch (error) {
    deps.log.error('slash command query failed', {
      command,
      text,
      error: error instanceof Error ? error.message : String(error),
    });
    view = dataErrorView(command, error);
  }
  await respond({ response_type: 'ephemeral', text: view.text, blocks: view.blocks });
}

const isCommand = (name: string): name is Command => (COMMANDS as readonly string[]).includes(name);
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
/** Every command of the bot, exactly (e.g. not `/scrape-status-x`). */
export const COMMAND_PATTERN = new RegExp(`^(?:${COMMANDS.map(escapeRegExp).join('|')})$`);

export function commandsSurface(deps: CommandServices): Surface {
  return (app: App) => {
    // One listener for all commands, not one each: Bolt runs every listener's middleware for every
    // request, and under load that work sits in front of the acks.
    app.command(COMMAND_PATTERN, async ({ ack, command: body, respond }) => {
      await ack();
      const command = body.command;
      if (!isCommand(command)) return;
      const text = body.text ?? '';
      await afterAck.run(
        () => handle(deps, command, text, respond),
        (error) => deps.log.error('slash command failed after its ack', { command, error: String(error) }),
      );
    });
  };
}
