// Plain data, its canonical CBOR encoding and the state digest.
//
// [CODEC-1] Plain data is integers of any size, booleans, null, text, bytes,
// lists and maps (keys text, bytes or integers), encoded in RFC 8949's core
// deterministic encoding: shortest heads, definite lengths, map keys sorted by
// their encoded bytes, integers beyond 64 bits as bignums (tags 2 and 3).
// [CODEC-2] [CODEC-3] A digest is BLAKE2b-256 of that encoding.
//
// In this implementation every integer is a BigInt, bytes are Uint8Array, a
// map with only text keys is a plain object and any other map is a Map.
// cbor2's `cde` (common deterministic encoding) options give exactly the core
// deterministic encoding: keys sorted bytewise by their encodings, and
// BigInts collapsed to plain integers when they fit 64 bits, bignums
// otherwise.

import { blake2b } from '@noble/hashes/blake2.js';
import { decode, encode } from 'cbor2';

import { InvalidInput } from './errors.mjs';

const ENCODE_OPTIONS = { cde: true, rejectUndefined: true, rejectFloats: true };
const DECODE_OPTIONS = {
  preferBigInt: true,
  rejectFloats: true,
  rejectUndefined: true,
  rejectSimple: true,
  rejectStreaming: true,
  rejectDuplicateKeys: true,
};

/** The canonical encoding of a plain value [CODEC-1]. */
export function canonicalEncode(value) {
  return encode(checkPlain(value), ENCODE_OPTIONS);
}

/** Decode bytes into plain data, rejecting anything else [CODEC-1] [ADP-2]. */
export function decodePlain(bytes) {
  let value;
  try {
    // A plain Uint8Array copy: decoded byte strings are then Uint8Arrays, not
    // Node Buffers (which cbor2 would not encode as byte strings).
    value = decode(new Uint8Array(bytes), DECODE_OPTIONS);
  } catch (error) {
    throw new InvalidInput(`not CBOR plain data: ${error.message}`);
  }
  return checkPlain(value);
}

/** BLAKE2b with a 32-byte output [CRYPTO-3]. */
export function blake2b256(bytes) {
  return blake2b(bytes, { dkLen: 32 });
}

/** The digest of a plain value: BLAKE2b-256 of its canonical encoding [CODEC-2]. */
export function digest(value) {
  return blake2b256(canonicalEncode(value));
}

/** Throws InvalidInput unless `value` is plain data; returns it unchanged. */
export function checkPlain(value) {
  if (value === null || typeof value === 'bigint' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) {
    if (value.constructor !== Uint8Array) throw new InvalidInput('bytes must be a plain Uint8Array');
    return value;
  }
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return value;
    throw new InvalidInput(`not plain data: the number ${value}`);
  }
  if (Array.isArray(value)) {
    value.forEach(checkPlain);
    return value;
  }
  if (value instanceof Map) {
    for (const [key, item] of value) {
      if (!['string', 'bigint', 'number'].includes(typeof key) && !(key instanceof Uint8Array)) {
        throw new InvalidInput('not plain data: a map key that is not text, bytes or an integer');
      }
      checkPlain(item);
    }
    return value;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    Object.values(value).forEach(checkPlain);
    return value;
  }
  throw new InvalidInput(`not plain data: ${Object.prototype.toString.call(value)}`);
}

/** Lower-case hex of bytes, the key this implementation uses for account maps. */
export function toHex(bytes) {
  return Buffer.from(bytes).toString('hex');
}

/** The bytes of a lower-case hex string. */
export function fromHex(hex) {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** A plain map keyed by bytes, from a JS Map keyed by hex, values mapped by `plainOf`. */
export function bytesKeyedMap(map, plainOf) {
  const out = new Map();
  for (const [hex, value] of map) out.set(fromHex(hex), plainOf(value));
  return out;
}
