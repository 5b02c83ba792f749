/**
 * How long the signed-in credential has left, in words, and when that changes: for the status bar
 * ("expires in 3 days"), the one warning a day before, and the expired look. All times are epoch
 * seconds. The API's `/v1/auth/validate` answer is the source (`expiresAt`); nothing here asks for it.
 * No `vscode` import.
 */
import * as l10n from '@vscode/l10n';

export const MINUTE_SECONDS = 60;
export const HOUR_SECONDS = 60 * MINUTE_SECONDS;
export const DAY_SECONDS = 24 * HOUR_SECONDS;
/** The warning comes when less than this is left. */
export const WARN_BEFORE_SECONDS = DAY_SECONDS;
/** setTimeout's limit (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How far past a boundary a timer aims (a millisecond), so that the change has happened when it fires. */
const PAST_BOUNDARY_SECONDS = 0.001;

export type ExpiryState =
  /** Not checked (validation failed or has not run). */
  | { kind: 'unknown' }
  /** An API token: it never expires. */
  | { kind: 'never' }
  | { kind: 'expires'; expiresAt: number; secondsLeft: number }
  | { kind: 'expired'; expiresAt: number };

export function expiryState(validation: { expiresAt?: number } | undefined, nowSeconds: number): ExpiryState {
  if (!validation) {
    return { kind: 'unknown' };
  }
  if (validation.expiresAt === undefined) {
    return { kind: 'never' };
  }
  const secondsLeft = validation.expiresAt - nowSeconds;
  return secondsLeft > 0
    ? { kind: 'expires', expiresAt: validation.expiresAt, secondsLeft }
    : { kind: 'expired', expiresAt: validation.expiresAt };
}


/**
 * "3 days", "5 hours", "12 minutes", "less than a minute". Days and hours are rounded (a fresh 7-day
 * login token reads "7 days", not "6"); under an hour, whole minutes.
 */
export function formatTimeLeft(secondsLeft: number): string {
  if (secondsLeft >= DAY_SECONDS) {
    const days = Math.round(secondsLeft / DAY_SECONDS);
    return days === 1 ? l10n.t('1 day') : l10n.t('{0} days', days);
  }
  if (secondsLeft >= HOUR_SECONDS) {
    const hours = Math.round(secondsLeft / HOUR_SECONDS);
    return hours === 1 ? l10n.t('1 hour') : l10n.t('{0} hours', hours);
  }
  if (secondsLeft >= MINUTE_SECONDS) {
    const minutes = Math.floor(secondsLeft / MINUTE_SECONDS);
    return minutes === 1 ? l10n.t('1 minute') : l10n.t('{0} minutes', minutes);
  }
  return l10n.t('less than a minute');
}

/** "expires in 3 days", "expired"; undefined when there is nothing to say (never expires, unknown). */
export function expiryLabel(state: ExpiryState): string | undefined {
  switch (state.kind) {
    case 'expires':
      return l10n.t('expires in {0}', formatTimeLeft(state.secondsLeft));
    case 'expired':
      return l10n.t('expired');
    default:
      return undefined;
  }
}

/** Less than a day left, and not yet expired: time for the one warning. */
export function needsExpiryWarning(state: ExpiryState): boolean {
  return state.kind === 'expires' && state.secondsLeft < WARN_BEFORE_SECONDS;
}

/** Seconds until `needsExpiryWarning` turns true; undefined when it never will (or already is). */
export function secondsUntilWarning(state: ExpiryState): number | undefined {
  if (state.kind !== 'expires' || state.secondsLeft < WARN_BEFORE_SECONDS) {
    return undefined;
  }
  // Strictly less than a day must be left when the timer fires.
  return state.secondsLeft - WARN_BEFORE_SECONDS + PAST_BOUNDARY_SECONDS;
}

/**
 * Seconds until `expiryLabel` reads differently ("3 days" → "2 days", "1 hour" → "59 minutes",
 * "less than a minute" → "expired"), so a display can re-render then without asking the API.
 * Undefined when it never changes.
 */
export function secondsUntilLabelChanges(state: ExpiryState): number | undefined {
  if (state.kind !== 'expires') {
    return undefined;
  }
  const left = state.secondsLeft;
  let boundary: number; // the label holds while left >= boundary
  if (left >= DAY_SECONDS) {
    boundary = Math.max(DAY_SECONDS, (Math.round(left / DAY_SECONDS) - 0.5) * DAY_SECONDS);
  } else if (left >= HOUR_SECONDS) {
    boundary = Math.max(HOUR_SECONDS, (Math.round(left / HOUR_SECONDS) - 0.5) * HOUR_SECONDS);
  } else if (left >= MINUTE_SECONDS) {
    boundary = Math.floor(left / MINUTE_SECONDS) * MINUTE_SECONDS;
  } else {
    // "less than a minute" until it is expired (left <= 0).
    return left;
  }
  return left - boundary + PAST_BOUNDARY_SECONDS;
}

/** A delay for setTimeout, clamped to what it accepts. */
export function timerDelayMs(seconds: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(seconds * 1000)));
}

/** "2026-06-01 14:05 UTC": the moment, to the minute, for a tooltip. */
export function formatExpiryMoment(expiresAt: number): string {
  return l10n.t('{0} UTC', new Date(expiresAt * 1000).toISOString().slice(0, 16).replace('T', ' '));
}
