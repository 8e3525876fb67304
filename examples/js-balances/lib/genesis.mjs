// Presets and the genesis state: spec/chain.md [GEN-1]..[GEN-4], dev
// accounts [CRYPTO-2].

import { U128_MAX } from './context.mjs';
import { InvalidInput, Unsupported } from './errors.mjs';
import { toHex } from './plain.mjs';

const PHA = 10n ** 12n; // [GEN-1]
const CENT = 10n ** 10n;

/**
 * [CRYPTO-2] The accounts of the dev names the presets endow: Substrate's
 * `//Alice`, `//Bob`, ... and `//Foundation`, as the table of [CRYPTO-2]
 * lists them (this implementation has no sr25519 of its own).
 */
const DEV_ACCOUNTS = {
  alice: 'd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d',
  bob: '8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48',
  charlie: '90b5ab205c6974c9ea841be688864633dc9ca8a357843eeacf2314649965fe22',
  dave: '306721211d5404bd9da88e0204360a1a9ab8b87c66c1bc2fcdd37f3c2222cc20',
  eve: 'e659a7a1628cdd93febc04a4e0646ea20e9f5f0ce097d9a05290d4a9e054df4e',
  ferdie: '1cbd2d43530a44705ad088af313e18f80b53ef16b36177cd4b77b846f2a5f07c',
  foundation: '04a7e334acfeccd035ed052705040cc944c70eb92247d4770b55bceec4072664',
};

export function devAccount(name) {
  return DEV_ACCOUNTS[name];
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
