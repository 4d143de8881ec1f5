// Builds the portable core for the ESP8266's lx106 the way a chip build does
// (the Arduino ESP8266 core's code-generation flags), without any crypto
// library, and inspects the objects: the freestanding check and the size
// figures both come from here.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const firmware = dirname(dirname(fileURLToPath(import.meta.url)));
const coreDirectory = join(firmware, 'src', 'core');
export const CXX = 'xtensa-lx106-elf-g++';

// Code generation as in the Arduino ESP8266 core 3.1 (platform.txt, compiler.cpp.flags),
// plus what keeps the core freestanding, with every function-like macro of the
// cores' Arduino.h in scope (tools/arduino-macros.h), as in a sketch's build.
export const FLAGS = [
  '-std=c++17', '-Os', '-free', '-fipa-pta', '-mlongcalls', '-mtext-section-literals', '-falign-functions=4',
  '-fno-exceptions', '-fno-rtti', '-ffunction-sections', '-fdata-sections',
  '-ffreestanding', '-nostdinc++', '-fno-threadsafe-statics', '-Wall', '-Wextra', '-Werror',
  '-include', join(firmware, 'tools', 'arduino-macros.h'),
];

// Everything the core may take from outside itself: memcpy-level libc.
export const ALLOWED_EXTERNAL_SYMBOLS = new Set(['memchr', 'memcmp', 'memcpy', 'memset', 'strlen']);

// Entry points a sketch uses; everything unreachable from them is dropped, as the linker does on the chip.
const ROOTS = /UpdateFlow|resultCode|manifestErrorCode|transportErrorCode/;
const MESSAGE_ROOTS = /resultMessage/;

// The command runs (`command --version`).
export function commandAvailable(command) {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const crossCompilerAvailable = () => commandAvailable(CXX);

export function compileCore(outputDirectory) {
  if (!crossCompilerAvailable()) {
    throw new Error(
      `${CXX} not found: install the Debian packages gcc-xtensa-lx106 and picolibc-xtensa-lx106-elf ` +
        '(apt-get install gcc-xtensa-lx106 picolibc-xtensa-lx106-elf)',
    );
  }
  mkdirSync(outputDirectory, { recursive: true });
  return readdirSync(coreDirectory)
    .filter((name) => name.endsWith('.cpp'))
    .sort()
    .map((name) => {
      const object = join(outputDirectory, basename(name, '.cpp') + '.o');
      execFileSync(CXX, [...FLAGS, `-I${join(firmware, 'src')}`, '-c', join(coreDirectory, name), '-o', object]);
      return object;
    });
}

function symbols(args) {
  return execFileSync('xtensa-lx106-elf-nm', args, { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 2);
}

// Undefined symbols that no core object defines and that are not allowed.
export function forbiddenReferences(objects) {
  const defined = new Set(symbols(['-g', '--defined-only', ...objects]).map((fields) => fields.at(-1)));
  const undefinedSymbols = new Set(
    symbols(['-u', ...objects]).filter((fields) => fields[0] === 'U').map((fields) => fields[1]),
  );
  return [...undefinedSymbols].filter((name) => !defined.has(name) && !ALLOWED_EXTERNAL_SYMBOLS.has(name)).sort();
}

// A final link, as a sketch's build does: only what the roots reach is kept
// (--gc-sections), and the linker relaxes long calls between core functions
// into direct calls, which a relocatable (-r) link never does. The core is
// placed where the ESP8266 maps flash code (irom0); the few libc functions it
// may call are placed far outside the reach of a direct call, so calls to
// them stay long calls, as calls into the ROM do.
function linkedSize(objects, outputDirectory, rootPattern, name) {
  const roots = symbols(['-g', '--defined-only', ...objects])
    .filter((fields) => fields.at(-2) === 'T' && rootPattern.test(fields.at(-1)))
    .map((fields) => fields.at(-1));
  const libc = [...ALLOWED_EXTERNAL_SYMBOLS].map((symbol, index) => `--defsym=${symbol}=${0x40000000 + 16 * index}`);
  const linked = join(outputDirectory, name);
  execFileSync('xtensa-lx106-elf-ld', [
    '--gc-sections', '-Ttext=0x40201010', '-e', roots[0], ...roots.flatMap((root) => ['-u', root]), ...libc,
    '-o', linked, ...objects,
  ]);
  const sizes = { text: 0, rodata: 0, data: 0, bss: 0 };
  for (const line of execFileSync('xtensa-lx106-elf-size', ['-A', linked], { encoding: 'utf8' }).split('\n')) {
    const [section, size] = line.trim().split(/\s+/);
    const bytes = Number(size);
    if (!section || !Number.isFinite(bytes)) continue;
    if (/^\.(text|literal)/.test(section)) sizes.text += bytes;
    else if (/^\.rodata/.test(section)) sizes.rodata += bytes;
    else if (/^\.data/.test(section)) sizes.data += bytes;
    else if (/^\.bss/.test(section)) sizes.bss += bytes;
  }
  return sizes;
}

// Sizes of the core as a sketch links it (update/check, settings, result tokens),
// and what the readable result sentences add.
export function measureCore(objects, outputDirectory) {
  const core = linkedSize(objects, outputDirectory, ROOTS, 'core-linked.o');
  const withMessages = linkedSize(
    objects,
    outputDirectory,
    new RegExp(`${ROOTS.source}|${MESSAGE_ROOTS.source}`),
    'core-with-messages.o',
  );
  return { core, messagesBytes: withMessages.text + withMessages.rodata - core.text - core.rodata };
}

// sizeof(type) as the lx106 compiler lays it out: a one-line translation unit
// whose constant is read back from the object (lx106 is little-endian).
export function sizeOnChip(header, type, outputDirectory) {
  mkdirSync(outputDirectory, { recursive: true });
  const source = join(outputDirectory, 'size-probe.cpp');
  const object = join(outputDirectory, 'size-probe.o');
  writeFileSync(source, `#include "${header}"\nextern const unsigned kProbedSize = sizeof(${type});\n`);
  execFileSync(CXX, [...FLAGS, `-I${join(firmware, 'src')}`, '-c', source, '-o', object]);
  const dump = execFileSync('xtensa-lx106-elf-objdump', ['-s', '-j', '.rodata.kProbedSize', object], { encoding: 'utf8' });
  const word = /^\s*0000\s+([0-9a-f]{8})\b/m.exec(dump)?.[1];
  if (!word) throw new Error(`cannot read sizeof(${type}) from ${object}:\n${dump}`);
  return Buffer.from(word, 'hex').readUInt32LE(0);
}
