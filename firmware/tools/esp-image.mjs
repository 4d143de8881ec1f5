// ESP8266 application images (the format esptool's elf2image writes, v1:
// 0xE9, segment count, flash mode, size/frequency, entry; then each segment
// as address, length, bytes; padded to 16 with an XOR checksum) from lx106
// ELF files built here, for the gzip figures of the bench.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CXX } from './xtensa-core.mjs';

const READELF = 'xtensa-lx106-elf-readelf';
const OBJCOPY = 'xtensa-lx106-elf-objcopy';
const LD = 'xtensa-lx106-elf-ld';
const ESP_IMAGE_MAGIC = 0xe9;
const FLASH_MODE_DIO = 2;
const FLASH_4M_40MHZ = 0x40;
const CHECKSUM_SEED = 0xef;

/** Allocated sections with contents: name, address and size, from readelf. */
function loadableSections(elf) {
  const lines = execFileSync(READELF, ['-S', '-W', elf], { encoding: 'utf8' }).split('\n');
  return lines
    .map((line) => /\]\s+(\S+)\s+PROGBITS\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*A\S*)/.exec(line))
    .filter((match) => match && Number.parseInt(match[3], 16) > 0)
    .map((match) => ({ name: match[1], address: Number.parseInt(match[2], 16), size: Number.parseInt(match[3], 16) }));
}

/** One segment per loadable section, its bytes as objcopy extracts them. */
function segmentsOf(elf, addressOf = (section) => section.address) {
  const folder = mkdtempSync(join(tmpdir(), 'static-ota-esp-image-'));
  try {
    return loadableSections(elf).map((section, index) => {
      const file = join(folder, `${index}.bin`);
      execFileSync(OBJCOPY, ['-O', 'binary', '-j', section.name, elf, file]);
      return { name: section.name, address: addressOf(section), bytes: readFileSync(file) };
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export function espImage(segments, entry) {
  const header = Buffer.from([ESP_IMAGE_MAGIC, segments.length, FLASH_MODE_DIO, FLASH_4M_40MHZ, 0, 0, 0, 0]);
  header.writeUInt32LE(entry, 4);
  let checksum = CHECKSUM_SEED;
  const parts = [header];
  for (const { address, bytes } of segments) {
    const padded = Buffer.concat([bytes, Buffer.alloc((4 - (bytes.length % 4)) % 4)]);
    const segmentHeader = Buffer.alloc(8);
    segmentHeader.writeUInt32LE(address, 0);
    segmentHeader.writeUInt32LE(padded.length, 4);
    for (const byte of padded) checksum ^= byte;
    parts.push(segmentHeader, padded);
  }
  const length = parts.reduce((total, part) => total + part.length, 0);
  parts.push(Buffer.alloc(15 - (length % 16)), Buffer.from([checksum]));
  return Buffer.concat(parts);
}

/** The image of a linked lx106 program (the harness, firmware/lx106). */
export function imageOfElf(elf) {
  const entry = Number.parseInt(/Entry point address:\s+0x([0-9a-f]+)/.exec(execFileSync(READELF, ['-h', elf], { encoding: 'utf8' }))[1], 16);
  return espImage(segmentsOf(elf), entry);
}

/**
 * The largest lx106 binary buildable here: the harness's objects with every
 * function of Debian's picolibc libc and libm for lx106 and libgcc, linked
 * relocatable (their code does not fit one lx106 program: call0 reaches
 * 512 KB), its code, read-only data and data as the segments of one image.
 * Real lx106 code and data, sized like a sketch; not a program that runs.
 */
export function largestImage(harnessObjects, outputDirectory) {
  const libraries = '/usr/lib/xtensa-lx106-elf/lib/release';
  const libgcc = execFileSync(CXX, ['-print-libgcc-file-name'], { encoding: 'utf8' }).trim();
  const script = join(outputDirectory, 'merge.ld');
  writeFileSync(script, 'SECTIONS { .text : { *(.literal .literal.* .text .text.*) } .rodata : { *(.rodata .rodata.*) } .data : { *(.data .data.*) } }\n');
  const object = join(outputDirectory, 'largest.o');
  execFileSync(LD, ['-r', '-T', script, '-o', object, ...harnessObjects, '--whole-archive', join(libraries, 'libc.a'), join(libraries, 'libm.a'), '--no-whole-archive', libgcc]);
  // Where an ESP8266 sketch has them: code in flash (irom0), data in DRAM.
  const irom = 0x40201010;
  const dram = 0x3ffe8000;
  let next = { irom, dram };
  const segments = segmentsOf(object, (section) => {
    const region = section.name === '.text' ? 'irom' : 'dram';
    const address = next[region];
    next = { ...next, [region]: address + section.size };
    return address;
  });
  const large = segments.filter(({ bytes }) => bytes.length >= 1024);
  return {
    image: espImage(segments, irom),
    code: segments.find(({ name }) => name === '.text').bytes,
    sections: large.map(({ name, bytes }) => `${name} ${bytes.length}`).join(', '),
  };
}
