// static-ota fleet: which versions the fleet runs, from the mirror's access logs.
import {
  fleetQueries,
  parseBucket,
  parseEngine,
  runFleet,
  type FleetCommandOptions,
} from '../../maintain/fleet/fleet.js';
import { parseDuration } from '../../settings/values.js';
import { optional, requireOptions, valueOption, type CommandIo, type NewCommand } from '../options.js';

function fleet(options: FleetCommandOptions, { out }: CommandIo): Promise<void> | void {
  const bucket = optional(options.bucket, parseBucket);
  const engine = optional(options.sql, parseEngine);
  if (engine) return out(fleetQueries(engine, options.log ?? [], bucket));
  requireOptions(options, ['log']);
  const sinceSeconds = optional(options.since, (text) => parseDuration(text, '--since'));
  return runFleet({ ...options, log: options.log as string[], sinceSeconds, bucket }, out);
}

export function registerFleet(command: NewCommand, io: CommandIo): void {
  command(
    'fleet',
    "which versions the fleet runs, from the mirror's access logs (nginx/Apache combined, S3, CloudFront; gzip rotations too)",
  )
    .option('--log <files...>', 'access logs to read, e.g. a shell glob of rotations; repeatable (required)')
    .addOption(valueOption('--since <duration>', 'only requests this recent, e.g. 7d, 12h'))
    .option('--json', 'print the report as JSON, time series included')
    .addOption(valueOption('--html <file>', 'also write the report with its charts as one self-contained page'))
    .addOption(
      valueOption(
        '--mirror <dir-or-url>',
        "mark each release's rollout share on the page, from the mirror's index.json",
      ),
    )
    .addOption(
      valueOption('--bucket <size>', 'time series by hour or day (default: by the hour for up to three days of logs)'),
    )
    .addOption(
      valueOption(
        '--sql <engine>',
        'print the queries that make this report in athena, clickhouse or duckdb, and exit',
      ),
    )
    .action((options: FleetCommandOptions) => fleet(options, io));
}
