// The differential test: src/protocol/manifest.ts and the C++ core judge the same
// generated records (test/protocol/differential/records.ts) and must print the same
// line for each: the trusted keys' codes, the verdict, every parsed field.
// `npm run fuzz` runs the same comparison on far more records.
import { dirname, join } from 'node:path';
import { SIMULATOR } from '../helpers.js';
import { compareWithCore, generateRecords } from './differential/records.js';

// Built beside the simulator by test/global-setup.mjs.
const HARNESS = join(dirname(SIMULATOR), 'static-ota-differential');
const RECORDS = 3000;

describe('TypeScript and the device core give one verdict', () => {
  let compared: Awaited<ReturnType<typeof compareWithCore>>;
  beforeAll(async () => {
    compared = await compareWithCore(HARNESS, generateRecords(RECORDS, 20261201));
  });

  it(`agree on ${RECORDS} generated records`, () => {
    expect(compared.disagreements).toEqual([]);
  });

  it('reach every stage of opening a manifest and every trusted-key code', () => {
    const verdicts = new Set(compared.typescript.map((line) => /result=(\w+)/.exec(line)?.[1]));
    for (const code of [
      'ok',
      'too_large',
      'crlf',
      'bad_char',
      'bad_version',
      'unsigned',
      'trailing_data',
      'bad_sig_line',
      'too_many_signatures',
      'untrusted_key',
      'bad_signature',
      'bad_line',
      'duplicate_field',
      'missing_field',
      'bad_format',
      'bad_board',
      'bad_channel',
      'bad_file',
      'bad_size',
      'bad_sha256',
      'bad_expires',
      'bad_encoding',
      'bad_inflated_size',
    ]) {
      expect([code, verdicts.has(code)]).toEqual([code, true]);
    }
    // encoding=: both sides parse gzip the same and refuse every other value alike.
    expect(compared.typescript.some((line) => / result=ok .* encoding=gzip /.test(line))).toBe(true);
    expect(compared.typescript.some((line) => / result=ok .* encoding=- /.test(line))).toBe(true);
    // inflated-size=: parsed alike beside encoding=gzip, refused alike anywhere else.
    expect(compared.typescript.some((line) => / result=ok .* inflated_size=\d+ /.test(line))).toBe(true);
    expect(compared.typescript.some((line) => / result=ok .* encoding=gzip inflated_size=- /.test(line))).toBe(true);
    // The same bytes as a patch manifest: every stage of its own fields is reached too.
    const patchVerdicts = new Set(compared.typescript.map((line) => / patch=(\w+)/.exec(line)?.[1]));
    for (const code of [
      'ok',
      'bad_format',
      'missing_field',
      'bad_base_version',
      'bad_base_size',
      'bad_base_sha256',
      'bad_result_size',
      'bad_result_sha256',
    ]) {
      expect([code, patchVerdicts.has(code)]).toEqual([code, true]);
    }
    const keyCodes = new Set(compared.typescript.flatMap((line) => /keys=(\S+)/.exec(line)?.[1].split(',') ?? []));
    expect([...keyCodes].sort()).toEqual(['non_canonical', 'not_a_point', 'ok', 'small_order']);
  });
});
