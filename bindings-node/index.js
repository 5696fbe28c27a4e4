'use strict';
// dcskit for Node.js: the DCS API client and the offline RDB analyzer on the Rust core.
const native = require('./lib/native');
const { fromNative, ...errors } = require('./lib/errors');
const { Client } = require('./lib/client');
const { analyze } = require('./lib/analyze');
const { OPERATIONS, WAITERS, Operations } = require('./generated/operations.js');

native.setErrorFactory(fromNative);

module.exports = {
  Client,
  analyze,
  Operations,
  OPERATIONS,
  WAITERS,
  ...errors,
  /** The id of the core's one tokio runtime. */
  runtimeId: native.runtimeId,
  /** The version of the Rust core. */
  coreVersion: native.coreVersion(),
  /** Hooks for this package's own tests; not a stable API. */
  _internal: {
    asyncRuntimeId: native.asyncRuntimeId,
    foreignRuntimeId: native.foreignRuntimeId,
    errorForCode: native.errorForCode,
    nativeOperations: native.operations,
  },
};
