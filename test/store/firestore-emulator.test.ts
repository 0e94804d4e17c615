import { describe, expect, it } from 'vitest';
import { EMULATOR_JAR, startFirestoreEmulator } from '../support/firestore-emulator.js';

describe('Firestore emulator helper', () => {
  it('fails loudly, naming the package, when the JAR is missing', async () => {
    await expect(
      startFirestoreEmulator({ jar: '/nonexistent/cloud-firestore-emulator.jar' }),
    ).rejects.toThrow(/JAR not found at \/nonexistent.*google-cloud-cli-firestore-emulator.*does not skip/s);
  });

  it('fails loudly when java cannot be run', async () => {
    await expect(startFirestoreEmulator({ jar: EMULATOR_JAR, java: '/nonexistent/java' })).rejects.toThrow(
      /java is not installed or not on PATH/,
    );
  });
});
