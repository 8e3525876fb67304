// The context a step runs in: the state it changes, the events it deposits,
// and the transactional rollback of [CHAIN-9] and [BAL-3].
//
// The state is a mutable tree; every rule reads it through `ctx.state`, never
// through a reference kept across a nested rule, so rolling a failed nested
// rule back is replacing `ctx.state` by a copy taken before it.

import { DispatchError } from './errors.mjs';
import { fromHex } from './plain.mjs';

export const U128_MAX = (1n << 128n) - 1n;

/** A step's context over a state: `ctx.state` and `ctx.events` change in place. */
export function newContext(state) {
  return { state, events: [] };
}

/** The runtime parameters of the loaded state ([CHAIN-4]). */
export function config(ctx) {
  return ctx.state.config;
}

/**
 * Run `fn` transactionally: if it rejects with a DispatchError, the state and
 * the events are exactly as before, and the error propagates ([CHAIN-9]; "if
 * any step rejects, nothing of the mutation happens", [BAL-3]).
 */
export function transactional(ctx, fn) {
  const saved = structuredClone(ctx.state);
  const eventCount = ctx.events.length;
  try {
    return fn();
  } catch (error) {
    if (error instanceof DispatchError) {
      ctx.state = saved;
      ctx.events.length = eventCount;
    }
    throw error;
  }
}

/**
 * Run `fn` transactionally and swallow its DispatchError: returns
 * `{ok: true, value}` or `{ok: false, code}` (the rules that ignore a failure:
 * [BAL-18], [BAL-19], [BAL-21], [BAL-28]).
 */
export function attempt(ctx, fn) {
  try {
    return { ok: true, value: transactional(ctx, fn) };
  } catch (error) {
    if (error instanceof DispatchError) return { ok: false, code: error.code };
    throw error;
  }
}

/** Reject the current call with an error code. */
export function reject(code) {
  throw new DispatchError(code);
}

/**
 * Deposit an event [CHAIN-3]: `{name, fields}`. Account ids are held as hex
 * inside this implementation; `accountFields` names the fields to turn back
 * into bytes.
 */
export function depositEvent(ctx, name, fields, accountFields = []) {
  const plain = { ...fields };
  for (const field of accountFields) plain[field] = fromHex(fields[field]);
  ctx.events.push({ name, fields: plain });
}
