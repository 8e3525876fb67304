#!/usr/bin/env node
// An adapter for the phala-spec conformance runner (spec/adapter-protocol.md,
// protocol 2) serving an independent JavaScript implementation of the system
// and balances pallets.
//
//   phala-spec conformance run --adapter "node examples/js-balances/adapter.mjs" \
//       -k /balances/ --digests subsystems
//
// Standard output carries protocol frames only; logs go to standard error
// [ADP-1]. Set JS_BALANCES_WRONG=1 to make a transfer credit one unit more
// than it debits (a deliberate bug, to see how the runner reports it).

import { CALLS, SUBSYSTEMS, VIEWS, applyStep, commitment, plainSubsystem, query } from './lib/chain.mjs';
import { InvalidInput, Unsupported } from './lib/errors.mjs';
import { PRESETS, genesisState } from './lib/genesis.mjs';
import { canonicalEncode, decodePlain } from './lib/plain.mjs';

const PROTOCOL = 2n;
const MAX_FRAME = 64 * 1024 * 1024; // [ADP-2]

/** [ADP-4] [ADP-5] What this implementation runs, declared exactly. */
export const CAPABILITIES = {
  suites: ['balances'],
  presets: Object.keys(PRESETS),
  crypto: ['none'],
  calls: Object.keys(CALLS),
  views: Object.keys(VIEWS),
  subsystems: Object.keys(SUBSYSTEMS),
  steps: ['initialize_block', 'call', 'finalize_block'],
  primitives: [], // no `primitive` steps [STEP-9]: the primitives vectors are unsupported
};

/** The adapter's one piece of state: the loaded chain state, or null. */
let loaded = null;

const ok = (fields = {}) => ({ status: 'ok', ...fields });
const error = (message) => ({ status: 'error', message });
const unsupported = (reason) => ({ status: 'unsupported', reason });

const HANDLERS = {
  hello(request) {
    if (request.protocol !== PROTOCOL) return unsupported(`this adapter speaks protocol ${PROTOCOL}`);
    return ok({
      protocol: PROTOCOL,
      implementation: { name: 'js-balances', version: '0.1.0' },
      capabilities: CAPABILITIES,
    });
  },
  load(request) {
    const state = genesisState(request.genesis);
    loaded = state;
    return ok({ digests: commitment(state) });
  },
  step(request) {
    if (!loaded) return error('no state loaded');
    const result = applyStep(loaded, request.step);
    loaded = result.state;
    return ok({
      outcome: result.outcome,
      events: result.events,
      returned: result.returned,
      digests: commitment(loaded),
    });
  },
  query(request) {
    if (!loaded) return error('no state loaded');
    if (typeof request.view !== 'string') return error('a view name is text');
    return ok({ value: query(loaded, request.view, request.args) });
  },
  state(request) {
    if (!loaded) return error('no state loaded');
    return ok({ value: plainSubsystem(loaded, request.subsystem) });
  },
  reset() {
    loaded = null;
    return ok();
  },
  bye() {
    return ok();
  },
};

/** [ADP-3] One request, one reply. */
function handle(request) {
  if (request === null || typeof request !== 'object' || Array.isArray(request)) {
    return error('a request is a map');
  }
  const handler = Object.hasOwn(HANDLERS, request.request) ? HANDLERS[request.request] : null;
  if (!handler) return error(`unknown request ${String(request.request)}`);
  try {
    return handler(request);
  } catch (e) {
    if (e instanceof Unsupported) return unsupported(e.message);
    if (e instanceof InvalidInput) return error(`invalid input: ${e.message}`);
    process.stderr.write(`js-balances: internal failure: ${e.stack}\n`);
    return error(`internal failure: ${e.message}`);
  }
}

// ---------------------------------------------------------------------------
// [ADP-2] Framing: a 4-byte big-endian length, then one canonical CBOR map.

function writeFrame(message) {
  const body = canonicalEncode(message);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  process.stdout.write(Buffer.concat([head, body]));
}

async function* frames(input) {
  let buffer = Buffer.alloc(0);
  for await (const chunk of input) {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 4) {
      const length = buffer.readUInt32BE(0);
      if (length > MAX_FRAME) throw new Error(`frame of ${length} bytes exceeds 64 MiB`);
      if (buffer.length < 4 + length) break;
      yield buffer.subarray(4, 4 + length);
      buffer = buffer.subarray(4 + length);
    }
  }
  if (buffer.length > 0) throw new Error('the input ended inside a frame');
}

async function main() {
  for await (const frame of frames(process.stdin)) {
    let request;
    try {
      request = decodePlain(frame);
    } catch (e) {
      writeFrame(error(e.message));
      continue;
    }
    const reply = handle(request);
    writeFrame(reply);
    if (request?.request === 'bye') break;
  }
  await new Promise((resolve) => process.stdout.write('', resolve));
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`js-balances: ${e.stack}\n`);
    process.exit(1);
  },
);
