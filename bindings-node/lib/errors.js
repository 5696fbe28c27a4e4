'use strict';
// The core's one error model as JS classes (tests/error-model.json is the table they follow).
// The addon builds every error through `fromNative`, on the JS thread, so a rejection is
// already the right class: `err instanceof ThrottledError`, `err.code === 'THROTTLED'`.

class DcsError extends Error {
  constructor(message, details = {}) {
    super(message, details.cause !== undefined ? { cause: details.cause } : undefined);
    /** The core's stable code: INVALID_INPUT, CREDENTIALS, CONNECTION, ... */
    this.code = details.code ?? codeOf(new.target);
    if (details.param !== undefined) this.param = details.param;
  }
  get name() {
    return this.constructor.name;
  }
}

/** An HTTP error answer of the service. */
class ServiceError extends DcsError {
  constructor(message, details = {}) {
    super(message, details);
    this.statusCode = details.statusCode ?? null;
    this.errorCode = details.errorCode ?? null;
    this.errorMsg = details.errorMsg ?? null;
    this.requestId = details.requestId ?? null;
  }
}

class ClientRequestError extends ServiceError {}
class ServerResponseError extends ServiceError {}
class ThrottledError extends ServiceError {
  constructor(message, details = {}) {
    super(message, details);
    /** Seconds from `Retry-After`, or null. */
    this.retryAfter = details.retryAfter ?? null;
  }
}
class InvalidInputError extends DcsError {}
class CredentialsError extends DcsError {}
class ConnectionError extends DcsError {}
class TlsError extends ConnectionError {}
class TimeoutError extends DcsError {}
class DecodeError extends DcsError {}
class AnalysisError extends DcsError {
  constructor(message, details = {}) {
    super(message, details);
    /** Byte offset in the input where the analysis failed. */
    this.offset = details.offset ?? null;
    if (details.partialReport !== undefined) this.partialReport = details.partialReport;
  }
}
class IoError extends DcsError {}
class CancelledError extends DcsError {}
class InternalError extends DcsError {}

const BY_CODE = Object.freeze({
  INVALID_INPUT: InvalidInputError,
  CREDENTIALS: CredentialsError,
  CONNECTION: ConnectionError,
  TLS: TlsError,
  TIMEOUT: TimeoutError,
  THROTTLED: ThrottledError,
  CLIENT_REQUEST: ClientRequestError,
  SERVER_RESPONSE: ServerResponseError,
  DECODE: DecodeError,
  ANALYSIS: AnalysisError,
  IO: IoError,
  CANCELLED: CancelledError,
  INTERNAL: InternalError,
});

function codeOf(cls) {
  for (const [code, c] of Object.entries(BY_CODE)) if (c === cls) return code;
  return 'INTERNAL';
}

/** Called by the addon with `{code, message, statusCode?, ...}`. */
function fromNative(details) {
  const Cls = BY_CODE[details.code] ?? DcsError;
  return new Cls(details.message, details);
}

module.exports = {
  DcsError,
  ServiceError,
  ClientRequestError,
  ServerResponseError,
  ThrottledError,
  InvalidInputError,
  CredentialsError,
  ConnectionError,
  TlsError,
  TimeoutError,
  DecodeError,
  AnalysisError,
  IoError,
  CancelledError,
  InternalError,
  ERROR_CLASSES: BY_CODE,
  fromNative,
};
