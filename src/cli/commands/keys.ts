// keygen makes a signing key; pubkey prints the public half of one, as keygen does.
import { writeFile } from 'node:fs/promises';
import { generateKey, publicKeyAsCArray } from '../../release/sign.js';
import {
  keyOption,
  readSigningKeys,
  requireOptions,
  SIGNING_KEY_VARIABLE,
  valueOption,
  type CommandIo,
  type NewCommand,
} from '../options.js';

/** The public key as the firmware and the other commands take it. */
const publicKeyText = (publicKey: Uint8Array, keyId: string): string =>
  `public key: ${Buffer.from(publicKey).toString('hex')}\nkeyid: ${keyId}\n\nFor your firmware:\n${publicKeyAsCArray(publicKey)}\n`;

async function keygen(options: { out?: string }, { out, err }: CommandIo): Promise<void> {
  requireOptions(options, ['out']);
  const path = options.out as string;
  const key = generateKey();
  if (path === '-') {
    // The PEM alone on stdout (`keygen --out - > key.pem`, or into a secret store); the rest goes to stderr.
    out(key.privatePem);
    err(publicKeyText(key.publicKey, key.keyId));
    return;
  }
  await writeFile(path, key.privatePem, { flag: 'wx', mode: 0o600 }).catch((error: NodeJS.ErrnoException) => {
    throw new Error(
      error.code === 'EEXIST'
        ? `${path} already exists: refusing to overwrite a key`
        : `cannot write ${path}: ${error.message}`,
    );
  });
  out(`private key written to ${path} (keep it secret; store it as the ${SIGNING_KEY_VARIABLE} repository secret)\n`);
  out(publicKeyText(key.publicKey, key.keyId));
}

async function pubkey(options: { key?: string[] }, io: CommandIo): Promise<void> {
  const keys = await readSigningKeys(options.key ?? [], io);
  io.out(keys.map(({ publicKey, keyId }) => publicKeyText(publicKey, keyId)).join('\n'));
}

export function registerKeyCommands(command: NewCommand, io: CommandIo): void {
  command(
    'keygen',
    'make an Ed25519 signing key (PKCS#8 PEM) and print its public key as hex and as C for the firmware',
  )
    .addOption(
      valueOption(
        '--out <file>',
        'file to write the private key to, never overwritten; - writes it to stdout (required)',
      ),
    )
    .action((options: { out?: string }) => keygen(options, io));
  command('pubkey', 'print the public key of a signing key, as hex and as C for the firmware, as keygen does')
    .addOption(keyOption('the signing key file; repeatable'))
    .action((options: { key?: string[] }) => pubkey(options, io));
}
