import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import type { DocumentStore } from '../../src/store/port.js';
import { registerPortContract } from './contract-port.js';
import { registerRaceContract } from './contract-races.js';
import { registerRepositoryContract } from './contract-repos.js';

/** What an adapter's test file provides: how to open its store and how to empty it between tests. */
export interface StoreHarness {
  open(): Promise<DocumentStore>;
  /** Remove every document (called before each test). */
  reset(): Promise<void>;
  /** Close the store and whatever the harness started. */
  close(): Promise<void>;
}

/** Lets the registered tests reach the store the harness opened in beforeAll. */
export interface StoreRef {
  readonly store: DocumentStore;
}

/**
 * The one Store contract both adapters must pass: port semantics (transactions, preconditions, Dates, query
 * rules), every repository's behaviour, and races between concurrent callers.
 */
export function describeStoreContract(name: string, harness: StoreHarness): void {
  describe(`Store contract: ${name}`, () => {
    let store: DocumentStore | undefined;
    const ref: StoreRef = {
      get store() {
        if (!store) throw new Error('store not opened (beforeAll failed?)');
        return store;
      },
    };
    beforeAll(async () => {
      store = await harness.open();
    });
    afterAll(() => harness.close());
    describe('one caller at a time', () => {
      beforeEach(() => harness.reset());
      registerPortContract(ref);
      registerRepositoryContract(ref);
    });
    describe('concurrent callers', () => {
      // Once for the whole group: its tests run at the same time, each on its own documents.
      beforeAll(() => harness.reset());
      registerRaceContract(ref);
    });
  });
}
