// Presets and the genesis state: spec/chain.md [GEN-1]..[GEN-4], dev
// accounts [CRYPTO-2].

import { createPrivateKey, createPublicKey } from 'node:crypto';

import { U128_MAX } from './context.mjs';
import { InvalidInput, Unsupported } from './errors.mjs';
import { blake2b256, toHex } from './plain.mjs';

const PHA = 10n ** 12n; // [GEN-1]
const CENT = 10n ** 10n;

/**
 * [CRYPTO-2] The account of a dev name: the Ed25519 public key of the seed
 * BLAKE2b-256("phala-spec/dev/" ‖ name).
 */
export function devAccount(name) {
  const seed = blake2b256(new TextEncoder().encode(`phala-spec/dev/${name}`));
  // PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410).
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const publicKey = createPublicKey(createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return toHex(spki.subarray(spki.length - 32));
}

const DEV = ['alice', 'bob', 'charlie', 'dave', 'eve', 'ferdie'];

/**
 * [GEN-2] The parameters this implementation models, by their plain-data
 * names, and each preset's endowments. `khala` has `phala`'s balances
 * parameters and endowments (it differs only in registry constants, which
 * this implementation does not model).
 */
export const PRESETS = {
  minimal: {
    config: {
      existential_deposit: 10n,
      max_locks: 4n,
      max_reserves: 4n,
      max_consumers: 4n,
      block_time_ms: 12000n,
    },
    endowments: () => DEV.map((name) => [devAccount(name), 1000n]),
  },
  phala: {
    config: {
      existential_deposit: CENT,
      max_locks: 50n,
      max_reserves: 50n,
      max_consumers: 16n,
      block_time_ms: 12000n,
    },
    endowments: () => {
      const each = 1_000_000n * PHA;
      const supply = 1_000_000_000n * PHA;
      const dev = DEV.map((name) => [devAccount(name), each]);
      return [...dev, [devAccount('foundation'), supply - each * BigInt(DEV.length)]];
    },
  },
};
PRESETS.khala = PRESETS.phala;

/** [GEN-3] [GEN-4] The genesis state of `{preset, overrides}`. */
export function genesisState(genesis) {
  if (genesis === null || typeof genesis !== 'object' || Array.isArray(genesis)) {
    throw new InvalidInput('genesis must be a map {preset, overrides}');
  }
  const { preset, overrides = {} } = genesis;
  if (typeof preset !== 'string') throw new InvalidInput('genesis preset must be text');
  if (!Object.hasOwn(PRESETS, preset)) {
    throw new Unsupported(`preset '${preset}' is not implemented (only ${Object.keys(PRESETS).join(', ')})`);
  }
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) {
    throw new InvalidInput('genesis overrides must be a map');
  }
  for (const section of Object.keys(overrides)) {
    if (section !== 'config' && section !== 'balances') {
      throw new Unsupported(`genesis override '${section}' is not implemented`);
    }
  }
  const config = { preset, ...PRESETS[preset].config };
  for (const [name, value] of Object.entries(overrides.config ?? {})) {
    if (!Object.hasOwn(PRESETS[preset].config, name)) {
      throw new Unsupported(`config parameter '${name}' is not implemented`);
    }
    if (typeof value !== 'bigint' || value < 0n) {
      throw new InvalidInput(`config parameter '${name}' must be a non-negative integer`);
    }
    config[name] = value;
  }
  const endowments = overrides.balances === undefined
    ? PRESETS[preset].endowments()
    : parseEndowments(overrides.balances);

  const accounts = new Map();
  let total = 0n;
  for (const [who, amount] of endowments) {
    if (amount < config.existential_deposit) {
      throw new InvalidInput('every genesis balance must be at least the existential deposit');
    }
    if (accounts.has(who)) throw new InvalidInput('a genesis account is endowed twice');
    total += amount;
    // Every endowed account gets one provider and its free balance.
    accounts.set(who, {
      consumers: 0n,
      providers: 1n,
      sufficients: 0n,
      data: { free: amount, reserved: 0n, frozen: 0n },
    });
  }
  if (total > U128_MAX) throw new InvalidInput('the genesis supply does not fit 128 bits');

  return {
    config,
    system: {
      // [GEN-3] The genesis block: number 0, timestamp 0, zero randomness, finalized.
      block: { number: 0n, timestamp: 0n, randomness: new Uint8Array(32) },
      in_block: false,
      parent_number: 0n,
      accounts,
    },
    balances: { total_issuance: total, locks: new Map() },
  };
}

function parseEndowments(list) {
  if (!Array.isArray(list)) throw new InvalidInput('genesis balances must be a list');
  return list.map((entry) => {
    const ok =
      Array.isArray(entry) &&
      entry.length === 2 &&
      entry[0] instanceof Uint8Array &&
      entry[0].length === 32 &&
      typeof entry[1] === 'bigint' &&
      entry[1] >= 0n;
    if (!ok) throw new InvalidInput('a genesis balance is [account id (32 bytes), amount]');
    return [toHex(entry[0]), entry[1]];
  });
}
