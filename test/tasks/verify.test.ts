import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createOidcVerifier, googleKeySource, staticKeySource } from '../../src/tasks/oidc.js';
import { verifyLocalTaskCaller } from '../../src/tasks/verify.js';
import { type LocalFixture, localFixture, SECRET } from './local-fixture.js';

const AUDIENCE = 'https://shotclock.example.run.app';
const SA = 'shotclock-tasks@nba-props-platform.iam.gserviceaccount.com';
const google = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const NOW_S = Date.parse('2026-01-20T09:00:00Z') / 1000;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token shaped like the ones Cloud Tasks sends, signed with a local key. */
function token(
  overrides: Record<string, unknown> = {},
  {
    key = google.privateKey,
    kid = 'k1',
    alg = 'RS256',
  }: { key?: KeyObject; kid?: string; alg?: string } = {},
): string {
  const claims = {
    iss: 'https://accounts.google.com',
    aud: AUDIENCE,
    azp: '1234567890',
    email: SA,
    email_verified: true,
    sub: '1234567890',
    iat: NOW_S - 60,
    exp: NOW_S + 3540,
    ...overrides,
  };
  const input = `${b64({ alg, kid, typ: 'JWT' })}.${b64(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/** Google's JWKS endpoint, served from memory, counting fetches. */
function jwksFetch(keys: Record<string, KeyObject>, maxAgeS = 3600) {
  const calls: string[] = [];
  let fail = false;
  const fetch = (async (url: string | URL | Request) => {
    calls.push(String(url));
    if (fail) throw new Error('getaddrinfo ENOTFOUND www.googleapis.com');
    const body = {
      keys: Object.entries(keys).map(([kid, k]) => ({
        ...k.export({ format: 'jwk' }),
        kid,
        alg: 'RS256',
        use: 'sig',
      })),
    };
    return new Response(JSON.stringify(body), {
      headers: { 'content-type': 'application/json', 'cache-control': `public, max-age=${maxAgeS}` },
    });
  }) as typeof globalThis.fetch;
  return {
    fetch,
    calls,
    failNext(on: boolean) {
      fail = on;
    },
  };
}

function setup(keys: Record<string, KeyObject> = { k1: google.publicKey }) {
  const clock = new ManualClock(new Date(NOW_S * 1000));
  const jwks = jwksFetch(keys);
  const keySource = googleKeySource({ fetch: jwks.fetch, now: () => clock.now().getTime() });
  const verify = createOidcVerifier({ audience: AUDIENCE, serviceAccountEmail: SA, keySource, clock });
  const auth = (t: string) => ({ authorization: `Bearer ${t}` });
  return { clock, jwks, verify, auth };
}

describe('createOidcVerifier (Google OIDC ID tokens from Cloud Tasks)', () => {
  it('accepts a token signed by a Google key for our audience and service account', async () => {
    const { verify, auth, jwks } = setup();
    expect(await verify(auth(token()))).toEqual({ ok: true, caller: SA });
    expect(await verify(new Headers(auth(token({ iss: 'accounts.google.com' }))))).toEqual({
      ok: true,
      caller: SA,
    });
    expect(jwks.calls).toEqual(['https://www.googleapis.com/oauth2/v3/certs']);
  });

  it('answers 401 to a missing, malformed, unsigned or forged token', async () => {
    const { verify, auth } = setup();
    const good = token();
    const [h, , s] = good.split('.');
    const cases: Array<[string, Record<string, string>]> = [
      ['no header', {}],
      ['basic auth', { authorization: 'Basic dXNlcjpwYXNz' }],
      ['two segments', auth('a.b')],
      ['garbage', auth('not.a.jwt')],
      ['alg none', auth(`${b64({ alg: 'none', kid: 'k1' })}.${b64({ email: SA })}.`)],
      ['HS256', auth(token({}, { alg: 'HS256' }))],
      ['unknown kid', auth(token({}, { kid: 'k9' }))],
      ['signed by another key', auth(token({}, { key: stranger.privateKey }))],
      [
        'claims swapped under a good signature',
        auth(`${h}.${b64({ email: 'evil@x.iam.gserviceaccount.com' })}.${s}`),
      ],
      ['wrong issuer', auth(token({ iss: 'https://evil.example.com' }))],
      ['wrong audience', auth(token({ aud: 'https://other.run.app' }))],
      ['no exp', auth(token({ exp: undefined }))],
      ['lifetime over a day', auth(token({ exp: NOW_S + 2 * 86400 }))],
    ];
    for (const [label, headers] of cases) {
      const result = await verify(headers);
      expect(result, label).toMatchObject({ ok: false, status: 401 });
    }
  });

  it('checks expiry and issue time against the injected clock with 5 minutes of skew', async () => {
    const { verify, auth, clock } = setup();
    const t = token();
    clock.set(new Date((NOW_S + 3540 + 299) * 1000));
    expect((await verify(auth(t))).ok).toBe(true);
    clock.set(new Date((NOW_S + 3540 + 301) * 1000));
    expect(await verify(auth(t))).toEqual({ ok: false, status: 401, reason: 'token expired' });
    clock.set(new Date((NOW_S - 60 - 301) * 1000));
    expect(await verify(auth(t))).toEqual({ ok: false, status: 401, reason: 'token issued in the future' });
  });

  it('answers 403 to a valid Google token for another identity', async () => {
    const { verify, auth } = setup();
    expect(
      await verify(auth(token({ email: 'someone@nba-props-platform.iam.gserviceaccount.com' }))),
    ).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(await verify(auth(token({ email_verified: false })))).toEqual({
      ok: false,
      status: 403,
      reason: 'email not verified',
    });
  });

  it('answers 503 when the keys cannot be fetched, and never lets the token through', async () => {
    const { verify, auth, jwks } = setup();
    jwks.failNext(true);
    expect(await verify(auth(token()))).toMatchObject({ ok: false, status: 503 });
    jwks.failNext(false);
    expect((await verify(auth(token()))).ok).toBe(true);
  });
});

describe('googleKeySource', () => {
  it("caches keys for the response's max-age, then refetches", async () => {
    const { verify, auth, jwks, clock } = setup();
    for (let i = 0; i < 5; i++) await verify(auth(token()));
    expect(jwks.calls).toHaveLength(1);
    clock.advance(3600 * 1000);
    await verify(auth(token({ iat: NOW_S + 3600, exp: NOW_S + 7000 })));
    expect(jwks.calls).toHaveLength(2);
  });

  it('refetches for an unknown key id (rotation), at most once a minute', async () => {
    const keys: Record<string, KeyObject> = { k1: google.publicKey };
    const clock = new ManualClock(new Date(NOW_S * 1000));
    const jwks = jwksFetch(keys);
    const source = googleKeySource({ fetch: jwks.fetch, now: () => clock.now().getTime() });
    expect(await source.getKey('k1')).toBeDefined();
    expect(await source.getKey('k2')).toBeUndefined(); // within a minute of the last fetch: no refetch
    expect(jwks.calls).toHaveLength(1);
    keys.k2 = stranger.publicKey; // Google rotated in a new key
    clock.advance(60_000);
    expect(await source.getKey('k2')).toBeDefined();
    expect(jwks.calls).toHaveLength(2);
  });

  it('shares one fetch between concurrent verifications', async () => {
    const { verify, auth, jwks } = setup();
    await Promise.all(Array.from({ length: 10 }, () => verify(auth(token()))));
    expect(jwks.calls).toHaveLength(1);
  });
});

describe('staticKeySource', () => {
  it('serves a fixed key set through the same verifier', async () => {
    const clock = new ManualClock(new Date(NOW_S * 1000));
    const verify = createOidcVerifier({
      audience: AUDIENCE,
      serviceAccountEmail: SA,
      keySource: staticKeySource({ k1: google.publicKey }),
      clock,
    });
    expect((await verify({ authorization: `Bearer ${token()}` })).ok).toBe(true);
  });
});

describe('verifyLocalTaskCaller', () => {
  it('accepts the shared secret and refuses anything else with 401', () => {
    expect(verifyLocalTaskCaller({ authorization: `Bearer ${SECRET}` }, SECRET)).toEqual({
      ok: true,
      caller: 'local-task-queue',
    });
    expect(verifyLocalTaskCaller(new Headers({ Authorization: `bearer ${SECRET}` }), SECRET).ok).toBe(true);
    for (const headers of [
      {},
      { authorization: SECRET },
      { authorization: `Bearer ${SECRET}x` },
      { authorization: `Bearer ${SECRET.slice(0, -1)}` },
      { authorization: 'Bearer ' },
    ]) {
      expect(verifyLocalTaskCaller(headers, SECRET), JSON.stringify(headers)).toMatchObject({
        ok: false,
        status: 401,
      });
    }
  });

  it('refuses everything when no secret is configured', () => {
    expect(verifyLocalTaskCaller({ authorization: 'Bearer ' }, '')).toMatchObject({ ok: false, status: 503 });
  });

  describe('with the local queue', () => {
    let f: LocalFixture;
    afterEach(async () => {
      await f.cleanup();
    });

    it("accepts the local queue's deliveries and nothing signed with another secret", async () => {
      f = await localFixture();
      f.receiver.respond((req) => {
        const check = verifyLocalTaskCaller(req.headers, SECRET);
        return check.ok ? 200 : check.status;
      });
      const good = await f.open();
      const bad = await f.open({ secret: 'not-the-secret' });
      // Both queues share the table; each delivers with its own secret, so run them one after the other.
      await bad.queue.enqueue({
        name: 'forged',
        route: '/tasks/retry',
        body: 1,
        scheduleTime: f.clock.now(),
      });
      await bad.queue.drain();
      await good.queue.enqueue({ name: 'ok', route: '/tasks/retry', body: 1, scheduleTime: f.clock.now() });
      await good.queue.drain();
      const rows = await f.rows();
      expect(rows.map((r) => [r.name, r.status, r.lastStatus])).toEqual([
        ['forged', 'failed', 401],
        ['ok', 'done', 200],
      ]);
    });
  });
});
