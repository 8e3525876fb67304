// The chain around the pallets: steps [STEP-1]..[STEP-4], blocks [CHAIN-8]
// [CHAIN-10], origins [CHAIN-2], the call table with its argument kinds
// [CHAIN-7], calls [CHAIN-9], views [VIEW-1]..[VIEW-6] and the plain data of
// the subsystems this implementation commits to [CODEC-3].

import * as balances from './balances.mjs';
import { newContext, reject, transactional } from './context.mjs';
import { DispatchError, InvalidInput, Unsupported } from './errors.mjs';
import { bytesKeyedMap, digest, toHex } from './plain.mjs';
import { accountData, accountExists, referenceCounts } from './system.mjs';

// ---------------------------------------------------------------------------
// Argument kinds [CHAIN-7]: each returns the argument as this implementation
// holds it (account ids as hex) or throws InvalidInput.

const isInt = (v) => typeof v === 'bigint';
const inRange = (v, bits) => isInt(v) && v >= 0n && v < 1n << bits;

const KINDS = {
  balance: (v) => (inRange(v, 128n) ? v : invalidKind('a balance: an integer in 0..2^128-1')),
  bool: (v) => (typeof v === 'boolean' ? v : invalidKind('a boolean')),
  account_id: (v) =>
    v instanceof Uint8Array && v.length === 32 ? toHex(v) : invalidKind('an account id: 32 bytes'),
  lock_id: (v) => (v instanceof Uint8Array && v.length === 8 ? v : invalidKind('a lock id: 8 bytes')),
  lock_reasons: (v) =>
    ['None', 'Fee', 'Misc', 'All'].includes(v) ? v : invalidKind('one of None, Fee, Misc, All'),
  balance_status: (v) => (['Free', 'Reserved'].includes(v) ? v : invalidKind('Free or Reserved')),
};

function invalidKind(what) {
  throw new InvalidInput(`must be ${what}`);
}

// ---------------------------------------------------------------------------
// Origins [CHAIN-2]

const ORIGIN_FIELDS = {
  signed: ['who'],
  root: [],
  none: [],
  pallet: ['pallet'],
  collective: ['collective', 'yes', 'total'],
  collective_member: ['collective', 'who'],
};

/** A well-formed origin, or InvalidInput (checked before the call is dispatched). */
export function parseOrigin(origin) {
  const malformed = () => new InvalidInput('malformed origin');
  if (origin === null || typeof origin !== 'object' || Array.isArray(origin)) throw malformed();
  const fields = ORIGIN_FIELDS[origin.kind];
  if (!fields) throw malformed();
  const keys = Object.keys(origin).filter((k) => k !== 'kind');
  if (keys.length !== fields.length || !fields.every((f) => keys.includes(f))) throw malformed();
  if ('who' in origin && !(origin.who instanceof Uint8Array && origin.who.length === 32)) {
    throw malformed();
  }
  if (origin.kind === 'pallet' && typeof origin.pallet !== 'string') throw malformed();
  if (origin.kind === 'collective') {
    const { collective, yes, total } = origin;
    if (typeof collective !== 'string' || !inRange(yes, 32n) || !inRange(total, 32n)) throw malformed();
  }
  if (origin.kind === 'collective_member' && typeof origin.collective !== 'string') throw malformed();
  return origin.who ? { ...origin, who: toHex(origin.who) } : origin;
}

/**
 * The origin check, always a call's first check ([CHAIN-2]): `ensure_signed`
 * gives the signer, `ensure_root` nothing; a trait operation accepts only a
 * pallet origin ([CHAIN-7]). Anything else is `BadOrigin`.
 */
function ensureOrigin(required, origin) {
  if (origin.kind !== required) reject('BadOrigin');
  return origin.kind === 'signed' ? origin.who : null;
}

// ---------------------------------------------------------------------------
// The call table [CHAIN-7]: who may call (`signed` extrinsics receive the
// signer first), the arguments (name -> kind), the rule, and whether the
// rule's result is the step's `returned` value.

const ACCOUNT_VALUE = { who: 'account_id', value: 'balance' };
const ACCOUNT_AMOUNT = { who: 'account_id', amount: 'balance' };
const DEST_VALUE = { dest: 'account_id', value: 'balance' };
const LOCK = { lock_id: 'lock_id', who: 'account_id', amount: 'balance', reasons: 'lock_reasons' };

export const CALLS = {
  // Extrinsics [BAL-10]..[BAL-15]
  'Balances.transfer_allow_death': { origin: 'signed', args: DEST_VALUE, rule: balances.transferAllowDeath },
  'Balances.transfer': { origin: 'signed', args: DEST_VALUE, rule: balances.transferAllowDeath },
  'Balances.transfer_keep_alive': { origin: 'signed', args: DEST_VALUE, rule: balances.transferKeepAlive },
  'Balances.transfer_all': {
    origin: 'signed',
    args: { dest: 'account_id', keep_alive: 'bool' },
    rule: balances.transferAll,
  },
  'Balances.force_transfer': {
    origin: 'root',
    args: { source: 'account_id', dest: 'account_id', value: 'balance' },
    rule: balances.forceTransfer,
  },
  'Balances.force_set_balance': {
    origin: 'root',
    args: { who: 'account_id', new_free: 'balance' },
    rule: balances.forceSetBalance,
  },
  'Balances.force_unreserve': { origin: 'root', args: ACCOUNT_AMOUNT, rule: balances.forceUnreserve },
  // Operations [BAL-17]..[BAL-28]
  'Balances.reserve': { origin: 'pallet', args: ACCOUNT_VALUE, rule: balances.reserve },
  'Balances.unreserve': { origin: 'pallet', args: ACCOUNT_VALUE, rule: balances.unreserve, returns: true },
  'Balances.slash_reserved': {
    origin: 'pallet',
    args: ACCOUNT_VALUE,
    rule: balances.slashReserved,
    returns: true,
  },
  'Balances.repatriate_reserved': {
    origin: 'pallet',
    args: { slashed: 'account_id', beneficiary: 'account_id', value: 'balance', status: 'balance_status' },
    rule: balances.repatriateReserved,
    returns: true,
  },
  'Balances.set_lock': { origin: 'pallet', args: LOCK, rule: balances.setLock },
  'Balances.extend_lock': { origin: 'pallet', args: LOCK, rule: balances.extendLock },
  'Balances.remove_lock': {
    origin: 'pallet',
    args: { lock_id: 'lock_id', who: 'account_id' },
    rule: balances.removeLock,
  },
  'Balances.mint_into': { origin: 'pallet', args: ACCOUNT_AMOUNT, rule: balances.mintInto },
  'Balances.burn_from': { origin: 'pallet', args: ACCOUNT_AMOUNT, rule: balances.burnFrom },
  'Balances.withdraw': {
    origin: 'pallet',
    args: { who: 'account_id', value: 'balance', keep_alive: 'bool' },
    rule: balances.withdraw,
  },
  'Balances.deposit_creating': { origin: 'pallet', args: ACCOUNT_VALUE, rule: balances.depositCreating },
  'Balances.deposit_into_existing': {
    origin: 'pallet',
    args: ACCOUNT_VALUE,
    rule: balances.depositIntoExisting,
  },
};

/** Dispatch a decoded call: the origin check, then the rule. Returns the `returned` value. */
function dispatch(ctx, entry, origin, args) {
  const signer = ensureOrigin(entry.origin, origin);
  const result = entry.origin === 'signed' ? entry.rule(ctx, signer, args) : entry.rule(ctx, args);
  return entry.returns ? result : null;
}

/** [CHAIN-7] Check a call's arguments against its kinds: exactly the names listed. */
function decodeArgs(name, spec, args) {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    throw new InvalidInput(`${name}: arguments must be a map`);
  }
  const expected = Object.keys(spec).sort();
  const given = Object.keys(args).sort();
  if (expected.join() !== given.join()) {
    throw new InvalidInput(`${name} takes arguments [${expected}], got [${given}]`);
  }
  const decoded = {};
  for (const [arg, kind] of Object.entries(spec)) {
    try {
      decoded[arg] = KINDS[kind](args[arg]);
    } catch (error) {
      throw new InvalidInput(`${name}: argument '${arg}' ${error.message}`);
    }
  }
  return decoded;
}

// ---------------------------------------------------------------------------
// Steps [STEP-1]

/**
 * Apply a step to `state`. Returns `{state, outcome, events, returned}`;
 * throws InvalidInput (the state is then unchanged) or Unsupported.
 */
export function applyStep(state, step) {
  if (step === null || typeof step !== 'object' || Array.isArray(step)) {
    throw new InvalidInput('a step is a map with a kind');
  }
  const ctx = newContext(structuredClone(state));
  let outcome = 'ok';
  let returned = null;
  switch (step.kind) {
    case 'initialize_block':
      initializeBlock(ctx, step);
      break;
    case 'finalize_block':
      finalizeBlock(ctx, step);
      break;
    case 'call':
      ({ outcome, returned } = applyCall(ctx, step));
      break;
    case 'network_block':
      throw new Unsupported('network_block steps are not implemented');
    default:
      throw new InvalidInput(`unknown step kind ${String(step.kind)}`);
  }
  return { state: ctx.state, outcome, events: ctx.events, returned };
}

function expectFields(step, fields) {
  const keys = Object.keys(step).filter((k) => k !== 'kind').sort();
  if (keys.join() !== [...fields].sort().join()) {
    throw new InvalidInput(`a ${step.kind} step has exactly the fields ${fields.join(', ')}`);
  }
}

/**
 * [CHAIN-8] [STEP-2] Open a block: the number must exceed the current one,
 * the timestamp must not decrease, the randomness is 32 bytes and the previous
 * block is finalized. No pallet implemented here has an `on_initialize` hook.
 */
export function initializeBlock(ctx, step) {
  expectFields(step, ['number', 'timestamp', 'randomness']);
  const { number, timestamp, randomness } = step;
  const system = ctx.state.system;
  if (!inRange(number, 32n) || !inRange(timestamp, 64n)) {
    throw new InvalidInput('a block number is a u32 and a timestamp a u64');
  }
  if (!(randomness instanceof Uint8Array) || randomness.length !== 32) {
    throw new InvalidInput('block randomness is 32 bytes');
  }
  if (system.in_block) throw new InvalidInput('the current block has not been finalized');
  if (number <= system.block.number) throw new InvalidInput('the block number must increase');
  if (timestamp < system.block.timestamp) throw new InvalidInput('the timestamp must not decrease');
  system.parent_number = system.block.number;
  system.block = { number, timestamp, randomness };
  system.in_block = true;
}

/** [CHAIN-10] [STEP-4] Close the open block; no hook of these pallets acts on it. */
export function finalizeBlock(ctx, step) {
  expectFields(step, []);
  if (!ctx.state.system.in_block) throw new InvalidInput('no block is open');
  ctx.state.system.in_block = false;
}

/**
 * [CHAIN-9] [STEP-3] Apply a call inside an open block, transactionally. The
 * input is checked first (an open block, a known call, a well-formed origin,
 * every argument of its kind): a failure there is invalid input. Only then is
 * the call dispatched, and its first check is the origin ([CHAIN-2]).
 */
export function applyCall(ctx, step) {
  expectFields(step, ['origin', 'call', 'args']);
  if (!ctx.state.system.in_block) {
    throw new InvalidInput('calls are applied inside a block: initialize one first');
  }
  if (typeof step.call !== 'string') throw new InvalidInput('a call name is text');
  const entry = CALLS[step.call];
  if (!entry) {
    throw new Unsupported(`call ${step.call} is not implemented`);
  }
  const origin = parseOrigin(step.origin);
  const args = decodeArgs(step.call, entry.args, step.args);
  try {
    const returned = transactional(ctx, () => dispatch(ctx, entry, origin, args));
    return { outcome: 'ok', returned };
  } catch (error) {
    if (error instanceof DispatchError) return { outcome: error.code, returned: null };
    throw error;
  }
}

// ---------------------------------------------------------------------------
// Views [VIEW-1]

function accountArg(args) {
  if (!Array.isArray(args) || args.length !== 1) throw new InvalidInput('the view takes one account');
  return KINDS.account_id(args[0]);
}

function noArgs(args) {
  if (!Array.isArray(args) || args.length !== 0) throw new InvalidInput('the view takes no argument');
}

export const VIEWS = {
  /** [VIEW-2] `{free, reserved, frozen}`, zeros for an absent account. */
  balance: (state, args) => accountData({ state }, accountArg(args)),
  /** [VIEW-3] `{exists, providers, consumers, sufficients}`, zeros for an absent account. */
  account: (state, args) => {
    const who = accountArg(args);
    const { providers, consumers, sufficients } = referenceCounts({ state }, who);
    return { exists: accountExists({ state }, who), providers, consumers, sufficients };
  },
  /** [VIEW-4] The account's locks in storage order. */
  locks: (state, args) => balances.locksOf({ state }, accountArg(args)),
  /** [VIEW-5] The total issuance. */
  total_issuance: (state, args) => (noArgs(args), state.balances.total_issuance),
  /** [VIEW-6] The current block and whether it is open. */
  block: (state, args) => {
    noArgs(args);
    const { number, timestamp, randomness } = state.system.block;
    return { number, timestamp, randomness, open: state.system.in_block };
  },
};

export function query(state, view, args) {
  if (!Object.hasOwn(VIEWS, view)) throw new Unsupported(`view ${view} is not implemented`);
  return VIEWS[view](state, args);
}

// ---------------------------------------------------------------------------
// The commitment [CODEC-3]: the plain data of each subsystem and its digest.

export const SUBSYSTEMS = {
  /** `system`: `{block, in_block, parent_number, accounts}` ([CODEC-2]). */
  system: (state) => ({
    block: { ...state.system.block },
    in_block: state.system.in_block,
    parent_number: state.system.parent_number,
    accounts: bytesKeyedMap(state.system.accounts, (record) => ({
      consumers: record.consumers,
      providers: record.providers,
      sufficients: record.sufficients,
      data: { ...record.data },
    })),
  }),
  /** `balances`: `{total_issuance, locks}`; an account without locks has no entry. */
  balances: (state) => ({
    total_issuance: state.balances.total_issuance,
    locks: bytesKeyedMap(state.balances.locks, (locks) => locks.map((lock) => ({ ...lock }))),
  }),
};

export function plainSubsystem(state, name) {
  if (!Object.hasOwn(SUBSYSTEMS, name)) {
    throw new Unsupported(`subsystem ${name} is not implemented (only ${Object.keys(SUBSYSTEMS)})`);
  }
  return SUBSYSTEMS[name](state);
}

export function commitment(state) {
  const digests = {};
  for (const name of Object.keys(SUBSYSTEMS)) digests[name] = digest(plainSubsystem(state, name));
  return digests;
}
