// Cloud Tasks' caller check: a Google-signed OIDC ID token minted for our service account.
//
// The OIDC check is jose's jwtVerify (it takes the clock and a key resolver, and its errors do not carry the
// token) rather than google-auth-library's OAuth2Client.verifyIdToken, which fetches keys and reads Date.now()
// itself and embeds the whole token in its errors. Google's key set is fetched here rather than by jose's
// createRemoteJWKSet because that cache reads the wall clock and a fixed max age, while Google's keys carry
// their lifetime in Cache-Control and tests move an injected clock past it.
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { errors, type JWTPayload, jwtVerify } from 'jose';
import { type Clock, systemClock } from '../clock.js';
import { hours } from '../jobs/time.js';
import { bearer, type CallerCheck, deny, type HeaderSource } from './verify.js';

/** Public keys by key id ("kid"); returns undefined for an unknown kid. */
export interface KeySource {
  getKey(kid: string): Promise<KeyObject | undefined>;
}

export const GOOGLE_JWKS_URL = 'https://www.googleapis.com/oauth2/v3/certs';

export interface GoogleKeySourceOptions {
  readonly fetch?: typeof globalThis.fetch;
  readonly url?: string;
  /** Cache lifetime when the response has no Cache-Control max-age. */
  readonly defaultMaxAgeMs?: number;
  /** An unknown kid triggers a refetch (key rotation), at most this often. */
  readonly minRefetchMs?: number;
  readonly now?: () => number;
}

/** Google's signing keys (JWKS), cached for the response's max-age and refetched when a new kid appears. */
export function googleKeySource(options: GoogleKeySourceOptions = {}): KeySource {
  const doFetch = options.fetch ?? globalThis.fetch;
  const url = options.url ?? GOOGLE_JWKS_URL;
  const now = options.now ?? Date.now;
  const minRefetchMs = options.minRefetchMs ?? 60_000;
  let keys = new Map<string, KeyObject>();
  let expiresAt = 0;
  let fetchedAt = Number.NEGATIVE_INFINITY;
  let pending: Promise<void> | undefined;

  const refresh = async () => {
    const res = await doFetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`fetching ${url}: HTTP ${res.status}`);
    const body = (await res.json()) as { keys?: Array<JsonWebKey & { kid?: string }> };
    const next = new Map<string, KeyObject>();
    for (const jwk of body.keys ?? []) {
      if (jwk.kty === 'RSA' && typeof jwk.kid === 'string')
        next.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
    }
    const maxAge = /max-age=(\d+)/.exec(res.headers.get('cache-control') ?? '')?.[1];
    keys = next;
    fetchedAt = now();
    expiresAt =
      fetchedAt + (maxAge === undefined ? (options.defaultMaxAgeMs ?? hours(1)) : Number(maxAge) * 1000);
  };
  const refreshOnce = () => {
    pending ??= refresh().finally(() => {
      pending = undefined;
    });
    return pending;
  };

  return {
    async getKey(kid) {
      if (now() >= expiresAt) await refreshOnce();
      else if (!keys.has(kid) && now() - fetchedAt >= minRefetchMs) await refreshOnce();
      return keys.get(kid);
    },
  };
}

/** A fixed key set (tests, or keys pinned by configuration). */
export function staticKeySource(keys: Readonly<Record<string, KeyObject>>): KeySource {
  return { getKey: async (kid) => keys[kid] };
}

export interface OidcVerifierOptions {
  /** Expected `aud`: the audience the Cloud Tasks adapter sets (TASKS_TARGET_URL). */
  readonly audience: string;
  /** The only service account allowed to call. */
  readonly serviceAccountEmail: string;
  readonly keySource: KeySource;
  readonly clock?: Clock;
  /** Tolerated clock difference with Google (default 5 min, like google-auth-library). */
  readonly clockSkewMs?: number;
}

const ISSUERS = ['accounts.google.com', 'https://accounts.google.com'];
const MAX_LIFETIME_S = hours(24) / 1000;

/** The key source failed (network, HTTP error): thrown from the key resolver so it maps to 503, not 401. */
class KeysUnavailable extends Error {}

export type OidcVerifier = (headers: HeaderSource) => Promise<CallerCheck>;

/** A fixed reason for each way jose refuses a token; never the error's own text, which may quote claims. */
function rejection(error: unknown): CallerCheck {
  if (error instanceof KeysUnavailable) return deny(503, `signing keys unavailable: ${error.message}`);
  if (error instanceof errors.JWTExpired) return deny(401, 'token expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return deny(401, `token without ${error.claim}`);
    if (error.claim === 'iss') return deny(401, 'wrong issuer');
    if (error.claim === 'aud') return deny(401, 'wrong audience');
    if (error.claim === 'iat') return deny(401, 'token issued in the future');
    return deny(401, `bad ${error.claim} claim`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return deny(401, 'token is not RS256');
  if (error instanceof errors.JWKSNoMatchingKey) return deny(401, 'unknown signing key');
  if (error instanceof errors.JWSSignatureVerificationFailed) return deny(401, 'bad signature');
  if (error instanceof errors.JOSEError) return deny(401, `malformed token (${error.code})`);
  return deny(401, 'malformed token');
}

/**
 * Verifies the OIDC ID token Cloud Tasks puts on an HTTP task with jose's jwtVerify: RS256 only (a token
 * cannot choose a weaker or symmetric algorithm), signed by a Google key from the key source, iss
 * accounts.google.com, our audience, exp and iat present and checked against the injected clock with skew, a
 * lifetime of at most a day, and the email of our service account with email_verified. A bad or expired token
 * is 401; a good token for another identity is 403; keys that cannot be fetched are 503 (Cloud Tasks retries,
 * nothing is let through). Reasons are fixed strings: neither the token nor its claims reach the logs.
 */
export function createOidcVerifier(options: OidcVerifierOptions): OidcVerifier {
  const clock = options.clock ?? systemClock;
  const skewS = (options.clockSkewMs ?? 300_000) / 1000;
  const resolveKey = async (header: { kid?: string }) => {
    if (typeof header.kid !== 'string') throw new errors.JWKSNoMatchingKey();
    let key: KeyObject | undefined;
    try {
      key = await options.keySource.getKey(header.kid);
    } catch (error) {
      throw new KeysUnavailable(error instanceof Error ? error.message : String(error));
    }
    if (!key) throw new errors.JWKSNoMatchingKey();
    return key;
  };
  return async (headers) => {
    const token = bearer(headers);
    if (token === undefined) return deny(401, 'missing bearer token');
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, resolveKey, {
        algorithms: ['RS256'],
        issuer: ISSUERS,
        audience: options.audience,
        requiredClaims: ['exp', 'iat'],
        maxTokenAge: MAX_LIFETIME_S,
        clockTolerance: skewS,
        currentDate: clock.now(),
      }));
    } catch (error) {
      return rejection(error);
    }
    if ((claims.exp as number) - (claims.iat as number) > MAX_LIFETIME_S)
      return deny(401, 'token lifetime too long');
    if (claims.email_verified !== true && claims.email_verified !== 'true')
      return deny(403, 'email not verified');
    if (claims.email !== options.serviceAccountEmail)
      return deny(403, 'caller is not the tasks service account');
    return { ok: true, caller: options.serviceAccountEmail };
  };
}
