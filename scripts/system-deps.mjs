// The Debian packages the tests need beyond Node, npm, g++, cmake, git, OpenSSL
// and python3. `npm test` runs this first (as `pretest`), and so does CI, which
// calls `npm test`: it installs what is missing when it can (root, or
// password-less sudo, and apt-get), and otherwise prints the one command that
// installs it and stops, before any test runs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Each need: how to tell that it is there, and the packages that bring it. */
export const SYSTEM_NEEDS = [
  {
    what: 'the ESP8266 cross compiler (the core built freestanding)',
    command: 'xtensa-lx106-elf-g++',
    packages: ['gcc-xtensa-lx106', 'picolibc-xtensa-lx106-elf'],
  },
  {
    what: "QEMU's xtensa emulator (the core run on an lx106)",
    command: 'qemu-system-xtensa',
    packages: ['qemu-system-misc'],
  },
  {
    what: 'clang and its sanitizer runtime (the fuzzers)',
    command: 'clang++',
    packages: ['clang', 'libclang-rt-14-dev'],
  },
  {
    what: 'nginx (mirrors served as users serve them)',
    command: 'nginx',
    paths: ['/usr/sbin/nginx'],
    packages: ['nginx'],
  },
  { what: 'Chromium (the release page)', command: 'chromium', paths: ['/usr/bin/chromium'], packages: ['chromium'] },
  {
    what: "zlib's headers (the simulator's ESP8266 boot loader model)",
    paths: ['/usr/include/zlib.h'],
    packages: ['zlib1g-dev'],
  },
];

const onPath = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

export function missingPackages(needs = SYSTEM_NEEDS) {
  return needs
    .filter(({ command, paths = [] }) => !paths.some((path) => existsSync(path)) && !(command && onPath(command)))
    .flatMap(({ packages }) => packages);
}

function installer() {
  if (!onPath('apt-get')) return undefined;
  if (process.getuid?.() === 0) return [];
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0 ? ['sudo', '-n'] : undefined;
}

function run(prefix, args) {
  const [command, ...rest] = [...prefix, ...args];
  const result = spawnSync(command, rest, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0;
}

function main() {
  const missing = missingPackages();
  if (missing.length === 0) return 0;
  const line = `apt-get install -y ${missing.join(' ')}`;
  const prefix = installer();
  if (prefix === undefined) {
    console.error(
      `The tests need Debian packages that are not installed. Install them, then run npm test again:\n  sudo ${line}`,
    );
    return 1;
  }
  console.log(`Installing the Debian packages the tests need: ${missing.join(' ')}`);
  if (!run(prefix, ['apt-get', 'update', '-qq']) || !run(prefix, ['apt-get', 'install', '-y', '-qq', ...missing])) {
    console.error(`Could not install them. Run this, then npm test again:\n  sudo apt-get update && sudo ${line}`);
    return 1;
  }
  const still = missingPackages();
  if (still.length > 0) {
    console.error(`Installed, but still missing what ${still.join(' ')} should bring.`);
    return 1;
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main());
