import type { Firestore } from '@google-cloud/firestore';
import { createFirestoreStore } from '../../src/store/firestore.js';
import { type FirestoreEmulator, startFirestoreEmulator } from '../support/firestore-emulator.js';
import { describeStoreContract } from './contract.js';

let emulator: FirestoreEmulator | undefined;
let client: Firestore | undefined;

describeStoreContract('Firestore emulator', {
  async open() {
    emulator = await startFirestoreEmulator();
    console.info(`Firestore emulator ready in ${emulator.startupMs} ms on port ${emulator.port}`);
    client = emulator.client();
    return createFirestoreStore({ projectId: emulator.projectId, firestore: client });
  },
  async reset() {
    await emulator?.reset();
  },
  async close() {
    await client?.terminate();
    await emulator?.stop();
  },
});
