// pallet-balances: spec/balances.md [BAL-1]..[BAL-28]. One function per rule,
// named as the specification names it. Balances are BigInts in 0..U128_MAX;
// account ids are lower-case hex strings.

import {
  U128_MAX,
  attempt,
  config,
  depositEvent,
  reject,
  transactional,
} from './context.mjs';
import {
  ZERO_DATA,
  accountData,
  accountRecord,
  canDecProvider,
  decConsumers,
  decProviders,
  incConsumers,
  incConsumersWithoutLimit,
  incProviders,
  referenceCounts,
} from './system.mjs';

// The deliberately wrong mode: a transfer credits one unit more than it
// debits. Used to show that a runner names the state path that differs.
const WRONG = process.env.JS_BALANCES_WRONG === '1';

const min = (a, b) => (a < b ? a : b);
const max = (a, b) => (a > b ? a : b);
const saturatingSub = (a, b) => (a > b ? a - b : 0n);
const saturatingAdd = (a, b) => min(a + b, U128_MAX);
const isZeroData = (d) => d.free === 0n && d.reserved === 0n && d.frozen === 0n;

function ed(ctx) {
  return config(ctx).existential_deposit;
}

/** [BAL-2] The total issuance. */
export function totalIssuance(ctx) {
  return ctx.state.balances.total_issuance;
}

function setTotalIssuance(ctx, value) {
  ctx.state.balances.total_issuance = value;
}

/** [BAL-1] An account "has no balance data" when its data is `{0, 0, 0}`. */
export function hasBalanceData(ctx, who) {
  return !isZeroData(accountData(ctx, who));
}

/** [BAL-1] The account's locks, in insertion order (a copy). */
export function locksOf(ctx, who) {
  return (ctx.state.balances.locks.get(who) ?? []).map((lock) => ({ ...lock }));
}

// ---------------------------------------------------------------------------
// Account mutation

function storeData(ctx, who, data) {
  const record = accountRecord(ctx, who);
  // [SYS-1] data is kept only on a record with a provider or a sufficient:
  // a record exists here only if it has one.
  if (record) ctx.state.system.accounts.set(who, { ...record, data: { ...data } });
}

/**
 * [BAL-3] `mutate_account(who, change)`: apply `change(data, isNew)` and
 * settle the reference counts in the clause's order; store the data, losing
 * the dust [BAL-8]; emit `Endowed` for an account that had no balance data
 * (even with 0) and `DustLost`. Transactional: if any part rejects, nothing
 * happens. Returns the data `change` produced.
 */
export function mutateAccount(ctx, who, change) {
  return transactional(ctx, () => {
    const existential = ed(ctx);
    const before = accountData(ctx, who);
    const isNew = isZeroData(before);
    const didProvide =
      before.free >= existential &&
      (existential > 0n || referenceCounts(ctx, who).providers > 0n);
    const didConsume = !isNew && (before.reserved > 0n || before.frozen > 0n);

    const after = change({ ...before }, isNew);

    const doesProvide = after.free >= existential;
    const doesConsume = after.reserved > 0n || after.frozen > 0n;
    if (!didProvide && doesProvide) incProviders(ctx, who); // 1
    if (didConsume && !doesConsume) decConsumers(ctx, who); // 2
    if (!didConsume && doesConsume) incConsumers(ctx, who); // 3
    if (doesConsume && referenceCounts(ctx, who).consumers === 0n) incConsumers(ctx, who); // 4
    if (didProvide && !doesProvide) decProviders(ctx, who); // 5

    let dust = 0n;
    if (after.free < existential && after.reserved === 0n) {
      dust = after.free;
      storeData(ctx, who, ZERO_DATA);
    } else {
      storeData(ctx, who, after);
    }
    if (isNew) {
      depositEvent(ctx, 'Balances.Endowed', { account: who, free_balance: after.free }, ['account']);
    }
    if (dust > 0n) burnDust(ctx, who, dust);
    return after;
  });
}

/** [BAL-8] Dust is lost: `DustLost` and the total issuance falls by the dust. */
export function burnDust(ctx, who, dust) {
  depositEvent(ctx, 'Balances.DustLost', { account: who, amount: dust }, ['account']);
  setTotalIssuance(ctx, saturatingSub(totalIssuance(ctx), dust));
}

// ---------------------------------------------------------------------------
// fungible checks

/** [BAL-4] `reducible_balance(who, preservation, fortitude)`. */
export function reducibleBalance(ctx, who, preservation, fortitude) {
  const data = accountData(ctx, who);
  const { providers } = referenceCounts(ctx, who);
  let untouchable = fortitude === 'Polite' ? saturatingSub(data.frozen, data.reserved) : 0n;
  const edUntouchable =
    preservation === 'Preserve' ||
    (preservation === 'Protect' && data.free !== 0n && providers === 1n) ||
    (preservation === 'Expendable' && data.free !== 0n && !canDecProvider(ctx, who));
  if (edUntouchable) untouchable = max(untouchable, ed(ctx));
  return saturatingSub(data.free, untouchable);
}

/** [BAL-5] `can_withdraw(who, amount)`: a withdraw consequence. */
export function canWithdraw(ctx, who, amount) {
  if (amount === 0n) return { kind: 'Success' };
  const data = accountData(ctx, who);
  if (totalIssuance(ctx) < amount) return { kind: 'Underflow' };
  if (data.free < amount) return { kind: 'BalanceLow' };
  const newFree = data.free - amount;
  let consequence = { kind: 'Success' };
  if (newFree < ed(ctx)) {
    if (!canDecProvider(ctx, who)) return { kind: 'WouldDie' };
    consequence = { kind: 'ReducedToZero', value: newFree };
  }
  if (newFree + data.reserved < data.frozen) return { kind: 'Frozen' };
  return consequence;
}

/** [BAL-5] A withdraw consequence as an error (`into_result(keep_nonzero)`). */
export function withdrawIntoResult(consequence, keepNonzero) {
  switch (consequence.kind) {
    case 'Underflow':
      return reject('Arithmetic.Underflow');
    case 'BalanceLow':
      return reject('Token.FundsUnavailable');
    case 'WouldDie':
      return reject('Token.OnlyProvider');
    case 'Frozen':
      return reject('Token.Frozen');
    case 'ReducedToZero':
      return keepNonzero ? reject('Token.NotExpendable') : undefined;
    default:
      return undefined;
  }
}

/** [BAL-7] `can_deposit(who, amount, provenance)` as an error. */
export function canDeposit(ctx, who, amount, provenance) {
  if (amount === 0n) return;
  const data = accountData(ctx, who);
  if (provenance === 'Minted' && totalIssuance(ctx) + amount > U128_MAX) {
    reject('Arithmetic.Overflow');
  }
  if (data.free + amount > U128_MAX) reject('Arithmetic.Overflow');
  if (data.free + amount < ed(ctx)) reject('Token.BelowMinimum');
  if (data.reserved + data.free + amount > U128_MAX) reject('Arithmetic.Overflow');
}

/** [BAL-6] `write_balance(who, amount)`: set `free`, bounded by the expendable reduction. */
export function writeBalance(ctx, who, amount) {
  const maxReduction = reducibleBalance(ctx, who, 'Expendable', 'Force');
  mutateAccount(ctx, who, (data) => {
    if (saturatingSub(data.free, amount) > maxReduction) reject('Balances.InsufficientBalance');
    return { ...data, free: amount };
  });
}

/** [BAL-6] `decrease_balance`: returns the amount taken. */
export function decreaseBalance(ctx, who, amount, precision, preservation, fortitude) {
  const reducible = reducibleBalance(ctx, who, preservation, fortitude);
  let taken = amount;
  if (precision === 'BestEffort') taken = min(amount, reducible);
  else if (reducible < amount) reject('Token.FundsUnavailable');
  const { free } = accountData(ctx, who);
  if (free < taken) reject('Token.FundsUnavailable');
  writeBalance(ctx, who, free - taken);
  return taken;
}

/** [BAL-6] `increase_balance`: returns the amount added (`new - free`). */
export function increaseBalance(ctx, who, amount, precision) {
  const { free } = accountData(ctx, who);
  let newFree;
  if (precision === 'BestEffort') newFree = saturatingAdd(free, amount);
  else if (free + amount > U128_MAX) reject('Arithmetic.Overflow');
  else newFree = free + amount;
  if (newFree < ed(ctx)) {
    if (precision === 'BestEffort') return 0n;
    reject('Token.BelowMinimum');
  }
  if (newFree === free) return 0n;
  writeBalance(ctx, who, newFree);
  return newFree - free;
}

// ---------------------------------------------------------------------------
// Transfers and root calls

/** [BAL-9] `transfer(source, dest, amount, preservation)` (`fungible::Mutate::transfer`). */
export function transfer(ctx, source, dest, amount, preservation) {
  withdrawIntoResult(canWithdraw(ctx, source, amount), preservation !== 'Expendable');
  canDeposit(ctx, dest, amount, 'Extant');
  if (source === dest) return;
  decreaseBalance(ctx, source, amount, 'BestEffort', preservation, 'Polite');
  increaseBalance(ctx, dest, WRONG ? amount + 1n : amount, 'BestEffort');
  depositEvent(ctx, 'Balances.Transfer', { from: source, to: dest, amount }, ['from', 'to']);
}

/** [BAL-10] `transfer_allow_death` (and its legacy name `transfer`). */
export function transferAllowDeath(ctx, source, { dest, value }) {
  transfer(ctx, source, dest, value, 'Expendable');
}

/** [BAL-11] `transfer_keep_alive`. */
export function transferKeepAlive(ctx, source, { dest, value }) {
  transfer(ctx, source, dest, value, 'Preserve');
}

/** [BAL-12] `force_transfer`: polite, so locked funds stay. */
export function forceTransfer(ctx, { source, dest, value }) {
  transfer(ctx, source, dest, value, 'Expendable');
}

/** [BAL-13] `transfer_all`: the amount is the reducible balance, computed before the checks. */
export function transferAll(ctx, source, { dest, keep_alive: keepAlive }) {
  const preservation = keepAlive ? 'Preserve' : 'Expendable';
  const amount = reducibleBalance(ctx, source, preservation, 'Polite');
  transfer(ctx, source, dest, amount, preservation);
}

/** [BAL-14] `force_set_balance`. */
export function forceSetBalance(ctx, { who, new_free: requested }) {
  const newFree = requested < ed(ctx) ? 0n : requested;
  const oldFree = accountData(ctx, who).free;
  mutateAccount(ctx, who, (data) => ({ ...data, free: newFree }));
  if (newFree > oldFree) setTotalIssuance(ctx, saturatingAdd(totalIssuance(ctx), newFree - oldFree));
  else setTotalIssuance(ctx, saturatingSub(totalIssuance(ctx), oldFree - newFree));
  depositEvent(ctx, 'Balances.BalanceSet', { who, free: newFree }, ['who']);
}

/** [BAL-15] `force_unreserve`: the leftover is discarded. */
export function forceUnreserve(ctx, { who, amount }) {
  unreserve(ctx, { who, value: amount });
}

// ---------------------------------------------------------------------------
// Reserves (ReservableCurrency)

/** [BAL-16] `ensure_can_withdraw`: the lock bounds the free balance alone. */
export function ensureCanWithdraw(data, amount, newFree) {
  if (amount > 0n && newFree < data.frozen) reject('Balances.LiquidityRestrictions');
}

/** [BAL-17] `reserve`. */
export function reserve(ctx, { who, value }) {
  if (value === 0n) return;
  mutateAccount(ctx, who, (data) => {
    if (data.free < value) reject('Balances.InsufficientBalance');
    if (data.reserved + value > U128_MAX) reject('Arithmetic.Overflow');
    ensureCanWithdraw(data, value, data.free - value);
    return { ...data, free: data.free - value, reserved: data.reserved + value };
  });
  depositEvent(ctx, 'Balances.Reserved', { who, amount: value }, ['who']);
}

/** [BAL-18] `unreserve`: returns the amount not unreserved; never rejects. */
export function unreserve(ctx, { who, value }) {
  if (value === 0n) return 0n;
  const data = accountData(ctx, who);
  if (data.free + data.reserved === 0n) return value;
  const actual = min(data.reserved, value);
  const result = attempt(ctx, () =>
    mutateAccount(ctx, who, (d) => ({
      ...d,
      reserved: d.reserved - actual,
      free: saturatingAdd(d.free, actual),
    })),
  );
  if (!result.ok) return value;
  depositEvent(ctx, 'Balances.Unreserved', { who, amount: actual }, ['who']);
  return value - actual;
}

/** [BAL-19] `slash_reserved`: returns the amount not slashed; the slashed amount is burnt. */
export function slashReserved(ctx, { who, value }) {
  if (value === 0n) return 0n;
  const data = accountData(ctx, who);
  if (data.free + data.reserved === 0n) return value;
  const actual = min(value, data.reserved);
  const result = attempt(ctx, () =>
    mutateAccount(ctx, who, (d) => ({ ...d, reserved: d.reserved - actual })),
  );
  if (!result.ok) return value;
  setTotalIssuance(ctx, saturatingSub(totalIssuance(ctx), actual));
  depositEvent(ctx, 'Balances.Slashed', { who, amount: actual }, ['who']);
  return value - actual;
}

/** [BAL-20] `repatriate_reserved`: returns the amount not moved. */
export function repatriateReserved(ctx, { slashed, beneficiary, value, status }) {
  if (value === 0n) return 0n;
  const from = accountData(ctx, slashed);
  const movable = saturatingSub(from.reserved, saturatingSub(from.frozen, from.free));
  const actual = min(value, movable);
  if (slashed === beneficiary) {
    if (status === 'Free') {
      const notUnreserved = unreserve(ctx, { who: slashed, value: actual });
      return value - (actual - notUnreserved);
    }
    return value - actual;
  }
  if (!hasBalanceData(ctx, beneficiary)) reject('Balances.DeadAccount');
  const to = accountData(ctx, beneficiary);
  if ((status === 'Free' ? to.free : to.reserved) + actual > U128_MAX) reject('Arithmetic.Overflow');
  mutateAccount(ctx, slashed, (d) => ({ ...d, reserved: d.reserved - actual }));
  mutateAccount(ctx, beneficiary, (d) =>
    status === 'Free' ? { ...d, free: d.free + actual } : { ...d, reserved: d.reserved + actual },
  );
  depositEvent(
    ctx,
    'Balances.ReserveRepatriated',
    { from: slashed, to: beneficiary, amount: actual, destination_status: status },
    ['from', 'to'],
  );
  return value - actual;
}

// ---------------------------------------------------------------------------
// Locks (LockableCurrency)

/** [BAL-21] `update_locks(who, locks)`: store the locks, recompute `frozen` (the largest lock). */
export function updateLocks(ctx, who, locks) {
  const prevFrozen = accountData(ctx, who).frozen;
  const afterFrozen = locks.reduce((m, lock) => max(m, lock.amount), 0n);
  // A failure (NoProviders, TooManyConsumers) is ignored: frozen is not written.
  attempt(ctx, () => mutateAccount(ctx, who, (data) => ({ ...data, frozen: afterFrozen })));
  const hadEntry = ctx.state.balances.locks.has(who);
  if (locks.length === 0) {
    ctx.state.balances.locks.delete(who);
    if (hadEntry) decConsumers(ctx, who);
  } else {
    ctx.state.balances.locks.set(who, locks); // even beyond max_locks: only a warning
    if (!hadEntry) attempt(ctx, () => incConsumersWithoutLimit(ctx, who));
  }
  if (afterFrozen < prevFrozen) {
    depositEvent(ctx, 'Balances.Unlocked', { who, amount: prevFrozen - afterFrozen }, ['who']);
  } else if (afterFrozen > prevFrozen) {
    depositEvent(ctx, 'Balances.Locked', { who, amount: afterFrozen - prevFrozen }, ['who']);
  }
}

/** [BAL-22] `set_lock`: replace in place or append; `None` reasons or a zero amount remove. */
export function setLock(ctx, { lock_id: id, who, amount, reasons }) {
  if (reasons === 'None' || amount === 0n) {
    removeLock(ctx, { lock_id: id, who });
    return;
  }
  const locks = locksOf(ctx, who);
  const index = locks.findIndex((lock) => sameId(lock.id, id));
  const lock = { id, amount, reasons };
  if (index >= 0) locks[index] = lock;
  else locks.push(lock);
  updateLocks(ctx, who, locks);
}

/** [BAL-23] The union of lock reasons: `Fee ∪ Misc = All`, `X ∪ X = X`, `X ∪ All = All`. */
export function reasonsUnion(a, b) {
  if (a === b) return a;
  if (a === 'None') return b;
  if (b === 'None') return a;
  return 'All';
}

/** [BAL-23] `extend_lock`: never lowers a lock. */
export function extendLock(ctx, { lock_id: id, who, amount, reasons }) {
  if (amount === 0n || reasons === 'None') return;
  const locks = locksOf(ctx, who);
  const index = locks.findIndex((lock) => sameId(lock.id, id));
  if (index >= 0) {
    const old = locks[index];
    locks[index] = { id, amount: max(old.amount, amount), reasons: reasonsUnion(old.reasons, reasons) };
  } else {
    locks.push({ id, amount, reasons });
  }
  updateLocks(ctx, who, locks);
}

/** [BAL-24] `remove_lock`: update the locks with the rest (an account without data is endowed with 0). */
export function removeLock(ctx, { lock_id: id, who }) {
  const locks = locksOf(ctx, who).filter((lock) => !sameId(lock.id, id));
  updateLocks(ctx, who, locks);
}

function sameId(a, b) {
  return Buffer.from(a).equals(Buffer.from(b));
}

// ---------------------------------------------------------------------------
// Minting and burning

/** [BAL-25] `mint_into`. */
export function mintInto(ctx, { who, amount }) {
  if (totalIssuance(ctx) + amount > U128_MAX) reject('Arithmetic.Overflow');
  const actual = increaseBalance(ctx, who, amount, 'Exact');
  setTotalIssuance(ctx, totalIssuance(ctx) + actual);
  depositEvent(ctx, 'Balances.Minted', { who, amount }, ['who']);
}

/** [BAL-26] `burn_from` (Exact, Polite, Expendable). */
export function burnFrom(ctx, { who, amount }) {
  const actual = min(reducibleBalance(ctx, who, 'Expendable', 'Polite'), amount);
  if (actual !== amount) reject('Token.FundsUnavailable');
  if (totalIssuance(ctx) < amount) reject('Arithmetic.Overflow');
  const taken = decreaseBalance(ctx, who, amount, 'BestEffort', 'Expendable', 'Polite');
  setTotalIssuance(ctx, saturatingSub(totalIssuance(ctx), taken));
  depositEvent(ctx, 'Balances.Burned', { who, amount: taken }, ['who']);
}

/** [BAL-27] `withdraw` (`Currency::withdraw`): `Withdraw` is emitted inside the mutation, first. */
export function withdraw(ctx, { who, value, keep_alive: keepAlive }) {
  if (value === 0n) return;
  mutateAccount(ctx, who, (data) => {
    if (data.free < value) reject('Balances.InsufficientBalance');
    const newFree = data.free - value;
    if (keepAlive && newFree < ed(ctx) && ed(ctx) <= data.free) reject('Balances.Expendability');
    ensureCanWithdraw(data, value, newFree);
    depositEvent(ctx, 'Balances.Withdraw', { who, amount: value }, ['who']);
    return { ...data, free: newFree };
  });
  setTotalIssuance(ctx, saturatingSub(totalIssuance(ctx), value));
}

/** [BAL-28] `deposit_creating`: a deposit that cannot be made is dropped silently. */
export function depositCreating(ctx, { who, value }) {
  if (value === 0n) return;
  const result = attempt(ctx, () =>
    mutateAccount(ctx, who, (data, isNew) => {
      if (isNew && value < ed(ctx)) reject('Balances.ExistentialDeposit');
      if (data.free + value > U128_MAX) reject('Arithmetic.Overflow');
      depositEvent(ctx, 'Balances.Deposit', { who, amount: value }, ['who']);
      return { ...data, free: data.free + value };
    }),
  );
  if (!result.ok) return;
  setTotalIssuance(ctx, saturatingAdd(totalIssuance(ctx), value));
}

/** [BAL-28] `deposit_into_existing`: its errors are the call's outcome. */
export function depositIntoExisting(ctx, { who, value }) {
  if (value === 0n) return;
  mutateAccount(ctx, who, (data, isNew) => {
    if (isNew) reject('Balances.DeadAccount');
    if (data.free + value > U128_MAX) reject('Arithmetic.Overflow');
    depositEvent(ctx, 'Balances.Deposit', { who, amount: value }, ['who']);
    return { ...data, free: data.free + value };
  });
  setTotalIssuance(ctx, saturatingAdd(totalIssuance(ctx), value));
}
