// ES module entry: the same objects as the CommonJS entry (one addon instance).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cjs = require('./index.js');

export const {
  Client,
  analyze,
  Operations,
  OPERATIONS,
  WAITERS,
  runtimeId,
  coreVersion,
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
  ERROR_CLASSES,
  _internal,
} = cjs;
export default cjs;
