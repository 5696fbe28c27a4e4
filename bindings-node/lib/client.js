'use strict';
const native = require('./native');
const { Operations } = require('../generated/operations.js');

/**
 * The DCS client. Every operation of the spec is a camelCase method (generated, see
 * generated/operations.js) that resolves to the response as a plain object.
 */
class Client extends Operations {
  #native;

  /** @param {object} [options] region | endpoint, projectId, credentials, timeouts, retries, proxy, caBundle */
  constructor(options = {}) {
    super();
    this.#native = new native.NativeClient(options);
  }

  /** Calls an operation by name: `call('ListInstances', { limit: 10 })`. */
  call(operation, input) {
    return this.#native.call(String(operation), input ?? {});
  }

  /** Every item of a list operation, fetching pages as needed. */
  async *paginate(operation, input) {
    const pages = this.#native.paginate(String(operation), input ?? {});
    for (;;) {
      const next = await pages.nextItem();
      if (next === null) return;
      yield next[0];
    }
  }

  /** Every response page of a list operation. */
  async *paginatePages(operation, input) {
    const pages = this.#native.paginate(String(operation), input ?? {});
    for (;;) {
      const next = await pages.nextPage();
      if (next === null) return;
      yield next[0];
    }
  }

  /** Polls until the named waiter's condition holds: `wait('instance_running', { instance_id })`. */
  wait(waiter, input, options) {
    return this.#native.wait(String(waiter), input ?? {}, options ?? {});
  }

  /** The endpoint requests go to. */
  get endpoint() {
    return this.#native.endpoint;
  }
}

module.exports = { Client };
