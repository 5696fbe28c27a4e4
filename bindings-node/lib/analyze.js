'use strict';
const { fileURLToPath } = require('node:url');
const native = require('./native');
const { CancelledError } = require('./errors');

/**
 * Analyzes an RDB file (path, .gz, tar, or http(s) URL) off the JS thread and resolves to the
 * DCS offline key analysis report. `onProgress({bytesRead, totalBytes, keys})` is called a few
 * times per second; `signal` (an AbortSignal) stops the analysis with a CancelledError.
 */
async function analyze(pathOrUrl, options = {}) {
  const { onProgress, signal, ...rest } = options ?? {};
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new TypeError('analyze: options.onProgress must be a function');
  }
  if (signal?.aborted) {
    throw new CancelledError('the analysis was aborted before it started', { cause: signal.reason });
  }
  const token = new native.CancelToken();
  const onAbort = () => token.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  // An exception in the callback stops the analysis and becomes its rejection.
  let callbackError;
  const progress = onProgress
    ? (p) => {
        if (callbackError !== undefined) return;
        try {
          onProgress(p);
        } catch (e) {
          callbackError = e;
          token.cancel();
        }
      }
    : undefined;
  try {
    return await native.nativeAnalyze(inputString(pathOrUrl), rest, progress, token);
  } catch (e) {
    if (callbackError !== undefined) throw callbackError;
    if (e instanceof CancelledError && signal?.aborted && e.cause === undefined) {
      Object.defineProperty(e, 'cause', { value: signal.reason, configurable: true, writable: true });
    }
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** A path, an http(s) URL, or a `file:` URL object (as a path). */
function inputString(pathOrUrl) {
  if (pathOrUrl instanceof URL) return pathOrUrl.protocol === 'file:' ? fileURLToPath(pathOrUrl) : pathOrUrl.href;
  return String(pathOrUrl);
}

module.exports = { analyze };
