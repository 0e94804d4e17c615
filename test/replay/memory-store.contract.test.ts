import { createMemoryStore } from '../../src/replay/memory-store.js';
import { describeStoreContract } from '../store/contract.js';

const store = createMemoryStore();

describeStoreContract('replay memory store', {
  async open() {
    return store;
  },
  async reset() {
    await store.deleteAll();
  },
  async close() {},
});
