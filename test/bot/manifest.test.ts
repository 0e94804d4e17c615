// manifest.yml is what Slack is told about the app: it must declare every command, the interactivity and
// the events the code registers, with keys and values Slack's own manifest type knows.
import { readFileSync } from 'node:fs';
import type { App, webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { actionsSurface } from '../../src/bot/actions/index.js';
import { commandsSurface } from '../../src/bot/commands.js';
import { homeSurface } from '../../src/bot/home.js';
import type { Services } from '../../src/services.js';
import { COMMANDS } from '../../src/views/commands.js';

type Manifest = webApi.AppsManifestCreateArguments['manifest'];
type Features = NonNullable<Manifest['features']>;
type Settings = NonNullable<Manifest['settings']>;
type SlashCommand = NonNullable<Features['slash_commands']>[number];
type Scopes = NonNullable<NonNullable<Manifest['oauth_config']>['scopes']>;
type BotScope = NonNullable<Scopes['bot']>[number];
type EventSubscriptions = NonNullable<Settings['event_subscriptions']>;
type BotEvent = NonNullable<EventSubscriptions['bot_events']>[number];

// The keys Slack's manifest type knows in each section we use (tsc checks each name): a key outside these
// is a typo Slack would reject at app creation.
const KNOWN_KEYS: Record<string, readonly string[]> = {
  '': [
    '_metadata',
    'display_information',
    'features',
    'oauth_config',
    'settings',
  ] satisfies (keyof Manifest)[],
  display_information: [
    'name',
    'description',
    'long_description',
    'background_color',
  ] satisfies (keyof Manifest['display_information'])[],
  features: [
    'app_home',
    'bot_user',
    'shortcuts',
    'slash_commands',
    'unfurl_domains',
  ] satisfies (keyof Features)[],
  'features.app_home': [
    'home_tab_enabled',
    'messages_tab_enabled',
    'messages_tab_read_only_enabled',
  ] satisfies (keyof NonNullable<Features['app_home']>)[],
  'features.bot_user': ['display_name', 'always_online'] satisfies (keyof NonNullable<
    Features['bot_user']
  >)[],
  'features.slash_commands[]': [
    'command',
    'description',
    'should_escape',
    'url',
    'usage_hint',
  ] satisfies (keyof SlashCommand)[],
  oauth_config: ['redirect_urls', 'scopes', 'token_management_enabled'] satisfies (keyof NonNullable<
    Manifest['oauth_config']
  >)[],
  'oauth_config.scopes': ['bot', 'user', 'bot_optional', 'user_optional'] satisfies (keyof Scopes)[],
  settings: [
    'allowed_ip_address_ranges',
    'event_subscriptions',
    'incoming_webhooks',
    'interactivity',
    'org_deploy_enabled',
    'socket_mode_enabled',
    'token_rotation_enabled',
  ] satisfies (keyof Settings)[],
  'settings.event_subscriptions': [
    'bot_events',
    'user_events',
    'request_url',
  ] satisfies (keyof EventSubscriptions)[],
  'settings.interactivity': [
    'is_enabled',
    'request_url',
    'message_menu_options_url',
  ] satisfies (keyof NonNullable<Settings['interactivity']>)[],
};

/**
 * The Web API calls the bot makes need these scopes (chat.*, commands, usergroups.users.list, history, and
 * files.* for the charts it uploads).
 */
const NEEDED_SCOPES = [
  'chat:write',
  'commands',
  'usergroups:read',
  'channels:history',
  'files:write',
] satisfies BotScope[];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every key of the known sections that Slack's type does not know, as `section.key`. */
function unknownKeys(manifest: Obj): string[] {
  const found: string[] = [];
  const at = (path: string): Obj[] => {
    if (path === '') return [manifest];
    const list = path.endsWith('[]');
    const parts = path.replace(/\[\]$/, '').split('.');
    let value: unknown = manifest;
    for (const p of parts) value = isObj(value) ? value[p] : undefined;
    return list ? (Array.isArray(value) ? value.filter(isObj) : []) : isObj(value) ? [value] : [];
  };
  for (const [path, keys] of Object.entries(KNOWN_KEYS)) {
    for (const section of at(path)) {
      for (const key of Object.keys(section)) if (!keys.includes(key)) found.push(`${path}.${key}`);
    }
  }
  return found;
}

/** What the code registers on the app: commands, action and view listeners, events. */
function registrations() {
  const seen = { commands: [] as (string | RegExp)[], actions: 0, views: 0, events: [] as string[] };
  const recorder = {
    command: (name: string | RegExp) => seen.commands.push(name),
    action: () => seen.actions++,
    view: () => seen.views++,
    event: (name: string) => seen.events.push(name),
  } as unknown as App;
  // Registration reads no dependency; listeners (never run here) would.
  const deps = {} as Services;
  for (const surface of [commandsSurface(deps), actionsSurface(deps), homeSurface(deps)]) surface(recorder);
  return seen;
}

const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8')) as Obj;

describe('manifest.yml', () => {
  it('uses only keys Slack’s manifest type knows', () => {
    expect(unknownKeys(manifest)).toEqual([]);
  });

  it('declares exactly the commands the code registers, each with a description and usage hint', () => {
    const seen = registrations();
    const declared = ((manifest.features as Obj).slash_commands ?? []) as Obj[];
    const names = declared.map((c) => String(c.command));
    expect([...names].sort()).toEqual([...COMMANDS].sort());
    // The code registers listeners by name or by pattern: each declared command has one, and each listener
    // answers declared commands only (not a near miss like /scrape-status2 or another app's command).
    const handles = (p: string | RegExp, command: string) =>
      typeof p === 'string' ? p === command : p.test(command);
    for (const name of names)
      expect(
        seen.commands.some((p) => handles(p, name)),
        name,
      ).toBe(true);
    const nearMisses = [...names.map((n) => `${n}2`), ...names.map((n) => n.slice(1)), '/deploy', '/'];
    for (const miss of nearMisses)
      expect(
        seen.commands.some((p) => handles(p, miss)),
        miss,
      ).toBe(false);
    for (const c of declared) {
      expect(String(c.description ?? '').length, String(c.command)).toBeGreaterThan(10);
      // Every command answers `help` with its usage.
      expect(String(c.usage_hint ?? ''), String(c.command)).toContain('help');
      expect(c.url, String(c.command)).toMatch(/\/slack\/events$/);
    }
  });

  it('declares interactivity, the events and the scopes the code needs, in Slack’s manifest shape', () => {
    const seen = registrations();
    expect(seen.actions).toBeGreaterThan(0);
    expect(seen.views).toBeGreaterThan(0);
    const needed = {
      display_information: { name: 'shotclock' },
      features: {
        app_home: { home_tab_enabled: true },
        bot_user: { display_name: 'shotclock' },
        slash_commands: COMMANDS.map(
          (command): SlashCommand => ({
            command,
            description: expect.any(String),
            usage_hint: expect.any(String),
          }),
        ),
      },
      settings: {
        event_subscriptions: { bot_events: seen.events as BotEvent[] },
        interactivity: { is_enabled: seen.actions + seen.views > 0 },
      },
    } satisfies Manifest;
    expect(seen.events).toEqual(['app_home_opened']);
    expect(manifest).toMatchObject(needed);
    const settings = manifest.settings as Obj;
    expect((settings.interactivity as Obj).request_url).toMatch(/\/slack\/events$/);
    expect((settings.event_subscriptions as Obj).request_url).toMatch(/\/slack\/events$/);
    const scopes = ((manifest.oauth_config as Obj).scopes as Obj).bot as string[];
    expect(scopes).toEqual(expect.arrayContaining(NEEDED_SCOPES));
  });
});
