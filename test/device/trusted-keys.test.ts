// Trusted keys at configuration: the simulated device and the publisher's
// parsePublicKey (the CLI's --pubkey and --trusted-key, the action's
// trusted-keys) refuse the same keys with the same code.
import { readFileSync } from 'node:fs';
import { parsePublicKey } from '../../src/release/sign.js';
import { runDevice } from './simulator.js';

const vectors = JSON.parse(readFileSync(new URL('../vectors/manifests.json', import.meta.url), 'utf8')) as {
  public_keys: Array<{ name: string; public: string; problem: string }>;
};

function publisherCode(hex: string): string {
  try {
    parsePublicKey(hex, '--pubkey');
    return 'ok';
  } catch (error) {
    return /\((\w+)\)$/.exec((error as Error).message)?.[1] ?? (error as Error).message;
  }
}

describe('trusted keys at configuration', () => {
  it.each(vectors.public_keys.map((vector) => [vector.name, vector.problem, vector.public] as const))(
    '%s: %s on both sides',
    async (_name, problem, hex) => {
      // Port 1 on loopback refuses at once: a usable key gets as far as connecting.
      const run = await runDevice([
        '--url',
        'http://127.0.0.1:1/b/latest.txt',
        '--pubkey',
        hex,
        '--version',
        '1.0.0',
        '--board',
        'b',
        '--check',
      ]);
      const deviceCode = run.result === 'config_error' ? run.fields.detail : 'ok';
      expect([deviceCode, publisherCode(hex)]).toEqual([problem, problem]);
    },
  );
});
