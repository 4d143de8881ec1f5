// Image pairs for the delta figures and tests: ESP8266 application images
// (esp-image.mjs) of one small sketch-like program linked for real with the
// device core, picolibc's libc and libm and libgcc by Debian's lx106
// compiler, in versions that differ as releases do:
//   version:  only the version string changed (same length)
//   function: one function's body changed
//   library:  the device core (a library of the program) rebuilt with other
//             code generation (-O2 for -Os): every one of its functions moves
//             and changes, as in a library upgrade
// The soft-float and division helpers the ESP8266 has in ROM are placed at
// addresses of their own, as its ROM linker script places them (in reach of
// the libraries' call0 here, since these are Debian's builds, not the SDK's).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CXX, FLAGS, compileCore } from './xtensa-core.mjs';
import { imageOfElf } from './esp-image.mjs';

const CC = 'xtensa-lx106-elf-gcc';
const LIBRARIES = '/usr/lib/xtensa-lx106-elf/lib/release';
// Every function of picolibc's libm (its libm_* members of libc.a) and a few
// of libc: a sketch's worth of library code (about 300 KB) behind the program.
function libraryFunctions() {
  const symbols = execFileSync('xtensa-lx106-elf-nm', ['-A', join(LIBRARIES, 'libc.a')], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /libm_(?:math|common)_[^:]*:\s*[0-9a-f]+ T ([a-z]\w*)$/.exec(line)?.[1])
    .filter(Boolean);
  return [...new Set([...symbols, 'snprintf', 'sscanf', 'strtod', 'strtol', 'qsort', 'strftime', 'mktime'])].sort();
}

function program({ version, filter }, functions) {
  return `typedef void (*any_function)(void);
${functions.map((name) => `extern void ${name}(void);`).join('\n')}
extern unsigned strlen(const char*);
const char firmware_version[] = "${version}";
__attribute__((used)) const any_function library_table[] = {
  ${functions.join(', ')}
};
int sensor_filter(int sample, int previous) { ${filter} }
int main_loop(int n) {
  int value = 0;
  for (int i = 0; i < n; i++) value = sensor_filter(i * 3, value);
  return value + (int)strlen(firmware_version) + (int)(long)library_table[n % ${functions.length}];
}
`;
}

const BASE = { version: 'sensor-node 1.4.2', filter: 'return (previous * 7 + sample) / 8;', coreFlags: [] };
export const VARIANTS = {
  version: { ...BASE, version: 'sensor-node 1.4.3' },
  function: { ...BASE, filter: 'int next = (previous * 3 + sample) / 4; return next > 1000 ? 1000 : next;' },
  library: { ...BASE, coreFlags: ['-O2'] },
};

const undefinedSymbols = (object) =>
  execFileSync('xtensa-lx106-elf-nm', ['-u', object], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/).at(-1))
    .filter(Boolean);

function coreObjects(folder, extraFlags) {
  if (extraFlags.length === 0) return compileCore(folder);
  // compileCore's flags with the variant's code generation last (the last -O wins).
  mkdirSync(folder, { recursive: true });
  const source = join(import.meta.dirname, '..', 'src', 'core');
  return readdirSync(source)
    .filter((name) => name.endsWith('.cpp'))
    .map((name) => {
      const object = join(folder, name.replace(/\.cpp$/, '.o'));
      execFileSync(CXX, [...FLAGS, ...extraFlags, `-I${join(source, '..')}`, '-c', join(source, name), '-o', object]);
      return object;
    });
}

function link(folder, variant) {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'app.c'), program(variant, libraryFunctions()));
  const app = join(folder, 'app.o');
  execFileSync(CC, ['-Os', '-w', '-fno-builtin', '-ffunction-sections', '-fdata-sections', '-mlongcalls', '-mtext-section-literals', '-c', join(folder, 'app.c'), '-o', app]);
  const objects = [app, ...coreObjects(join(folder, 'core'), variant.coreFlags)];
  const libraries = ['--start-group', join(LIBRARIES, 'libc.a'), execFileSync(CC, ['-print-libgcc-file-name'], { encoding: 'utf8' }).trim(), '--end-group'];
  const partial = join(folder, 'partial.o');
  execFileSync('xtensa-lx106-elf-ld', ['-r', '-u', 'main_loop', '-o', partial, ...objects, ...libraries]);
  // Just below the code, within a call0's reach (the ESP8266's ROM is too far for the libraries' call0).
  const rom = undefinedSymbols(partial).map((symbol, index) => `--defsym=${symbol}=${0x40200000 + 16 * index}`);
  const script = join(folder, 'image.ld');
  writeFileSync(
    script,
    'ENTRY(main_loop)\nMEMORY { irom (rx) : ORIGIN = 0x40201010, LENGTH = 1M  dram (rw) : ORIGIN = 0x3FFE8000, LENGTH = 80K }\n' +
      'SECTIONS { .text : { *(.literal .text .literal.* .text.*) } > irom  .rodata : { *(.rodata .rodata.*) } > dram\n' +
      '  .data : { *(.data .data.*) } > dram  .bss (NOLOAD) : { *(.bss .bss.* COMMON) } > dram\n' +
      '  /DISCARD/ : { *(.comment) *(.xt.*) *(.xtensa.info) } }\n',
  );
  const elf = join(folder, 'image.elf');
  execFileSync('xtensa-lx106-elf-ld', ['-T', script, ...rom, '-o', elf, ...objects, ...libraries]);
  return imageOfElf(elf);
}

// { base, version, function, library }: images (Buffers) built in folder.
export function buildImagePairs(folder) {
  const images = { base: link(join(folder, 'base'), BASE) };
  for (const [name, variant] of Object.entries(VARIANTS)) images[name] = link(join(folder, name), variant);
  return images;
}
