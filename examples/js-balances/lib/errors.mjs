// The three ways a step can go wrong, as the adapter protocol reports them.

/**
 * A rejected call [CHAIN-6]: exactly one error code, such as
 * `Token.NotExpendable` or `BadOrigin`. The step's reply is `ok` and its
 * outcome the code; the state is the one before the call [CHAIN-9].
 */
export class DispatchError extends Error {
  constructor(code) {
    super(code);
    this.code = code;
  }
}

/**
 * Input that cannot be a step or a call at all [CHAIN-6]: the reply is
 * `error` and the state is unchanged [ADP-7].
 */
export class InvalidInput extends Error {}

/**
 * Something the specification defines that this implementation does not
 * implement (a preset, an override, a call, a view): the reply is
 * `unsupported` [ADP-3].
 */
export class Unsupported extends Error {}
