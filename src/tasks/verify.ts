import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Who may call /tasks/*: the local queue (shared secret, here) or Cloud Tasks (a Google-signed OIDC ID token
 * minted for our service account, src/tasks/oidc.ts — a module of its own so jose loads only in cloud mode).
 * Both answer with the same typed result so a route maps it to a status directly.
 */
export type CallerCheck =
  | { readonly ok: true; readonly caller: string }
  | { readonly ok: false; readonly status: 401 | 403 | 503; readonly reason: string };

export type HeaderSource = IncomingHttpHeaders | Headers;

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as IncomingHttpHeaders)[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function bearer(headers: HeaderSource): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(header(headers, 'authorization') ?? '');
  return match?.[1];
}

export const deny = (status: 401 | 403 | 503, reason: string): CallerCheck => ({ ok: false, status, reason });

/** Local queue caller: `Authorization: Bearer <secret>`, compared in constant time (digests hide the length). */
export function verifyLocalTaskCaller(headers: HeaderSource, secret: string): CallerCheck {
  if (!secret) return deny(503, 'no local task secret configured');
  const token = bearer(headers);
  if (token === undefined) return deny(401, 'missing bearer token');
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  if (!timingSafeEqual(digest(token), digest(secret))) return deny(401, 'wrong local task secret');
  return { ok: true, caller: 'local-task-queue' };
}
