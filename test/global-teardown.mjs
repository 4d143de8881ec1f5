// Removes the action bundle made by global-setup.mjs.
import { rmSync } from 'node:fs';

export default function globalTeardown() {
  if (process.env.STATIC_OTA_TEST_BUNDLE) rmSync(process.env.STATIC_OTA_TEST_BUNDLE, { recursive: true, force: true });
}
