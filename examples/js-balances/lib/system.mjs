// frame_system's account records and reference counting: spec/balances.md
// [SYS-1]..[SYS-5]. Account ids are lower-case hex strings here.

import { config, depositEvent, reject } from './context.mjs';

export const ZERO_DATA = Object.freeze({ free: 0n, reserved: 0n, frozen: 0n });

/** [SYS-1] The account's record `{consumers, providers, sufficients, data}`, or undefined. */
export function accountRecord(ctx, who) {
  return ctx.state.system.accounts.get(who);
}

/** [BAL-1] The account's balances data; `{0, 0, 0}` for an account without a record. */
export function accountData(ctx, who) {
  const record = accountRecord(ctx, who);
  return record ? { ...record.data } : { ...ZERO_DATA };
}

/** [SYS-1] An account exists iff it has a record. */
export function accountExists(ctx, who) {
  return ctx.state.system.accounts.has(who);
}

/**
 * [SYS-1] Write a record; one whose `providers` and `sufficients` are both 0
 * is never stored: writing it removes the record.
 */
export function writeRecord(ctx, who, record) {
  if (record.providers === 0n && record.sufficients === 0n) {
    ctx.state.system.accounts.delete(who);
  } else {
    ctx.state.system.accounts.set(who, record);
  }
}

function recordOrEmpty(ctx, who) {
  const record = accountRecord(ctx, who);
  return record
    ? { ...record, data: { ...record.data } }
    : { consumers: 0n, providers: 0n, sufficients: 0n, data: { ...ZERO_DATA } };
}

/** [SYS-2] `can_dec_provider`: no consumers, or more than one provider. */
export function canDecProvider(ctx, who) {
  const record = recordOrEmpty(ctx, who);
  return record.consumers === 0n || record.providers > 1n;
}

/** [SYS-3] `inc_providers`: creating an account emits `System.NewAccount`. */
export function incProviders(ctx, who) {
  const record = recordOrEmpty(ctx, who);
  if (record.providers === 0n && record.sufficients === 0n) {
    record.providers = 1n;
    writeRecord(ctx, who, record);
    depositEvent(ctx, 'System.NewAccount', { account: who }, ['account']);
  } else {
    record.providers += 1n;
    writeRecord(ctx, who, record);
  }
}

/** [SYS-4] `dec_providers`: may reap the account or reject with `ConsumerRemaining`. */
export function decProviders(ctx, who) {
  const existing = accountRecord(ctx, who);
  if (!existing) return;
  const record = { ...existing, data: { ...existing.data } };
  const providers = record.providers === 0n ? 1n : record.providers;
  if (providers === 1n && record.consumers === 0n && record.sufficients === 0n) {
    ctx.state.system.accounts.delete(who);
    depositEvent(ctx, 'System.KilledAccount', { account: who }, ['account']);
  } else if (providers === 1n && record.consumers > 0n) {
    reject('ConsumerRemaining');
  } else {
    record.providers = providers - 1n;
    writeRecord(ctx, who, record);
  }
}

/** [SYS-5] `inc_consumers` (limited by `max_consumers`). */
export function incConsumers(ctx, who) {
  const record = recordOrEmpty(ctx, who);
  if (record.providers === 0n) reject('NoProviders');
  if (record.consumers >= config(ctx).max_consumers) reject('TooManyConsumers');
  record.consumers += 1n;
  writeRecord(ctx, who, record);
}

/** [SYS-5] `inc_consumers_without_limit`. */
export function incConsumersWithoutLimit(ctx, who) {
  const record = recordOrEmpty(ctx, who);
  if (record.providers === 0n && record.sufficients === 0n) reject('NoProviders');
  record.consumers += 1n;
  writeRecord(ctx, who, record);
}

/** [SYS-5] `dec_consumers`: saturating at 0; an account without a record is left alone. */
export function decConsumers(ctx, who) {
  const existing = accountRecord(ctx, who);
  if (!existing) return;
  const record = { ...existing, data: { ...existing.data } };
  record.consumers = record.consumers > 0n ? record.consumers - 1n : 0n;
  writeRecord(ctx, who, record);
}

/** The account view's reference counts [VIEW-3]. */
export function referenceCounts(ctx, who) {
  return recordOrEmpty(ctx, who);
}
