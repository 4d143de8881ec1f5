// `static-ota fleet --sql athena|clickhouse|duckdb`: the same report as queries
// for an engine, for fleets whose logs outgrow one machine. Each set defines
// `static_ota_requests` (client, time in UTC, path, status, user_agent) over the
// logs, then the same three queries: the table, devices per version per bucket,
// and devices, polls and failures per board and channel per bucket. The DuckDB
// form reads --log files itself and is tested against the built-in report.
import { InputError } from '../../common/input-error.js';
import { MAX_BOARD_LENGTH, MAX_CHANNEL_LENGTH, MAX_VERSION_LENGTH } from '../../protocol/user-agent.js';
import type { BucketSize } from './tally.js';

export const SQL_ENGINES = ['athena', 'clickhouse', 'duckdb'] as const;
export type SqlEngine = (typeof SQL_ENGINES)[number];

export function parseEngine(text: string): SqlEngine {
  if ((SQL_ENGINES as readonly string[]).includes(text)) return text as SqlEngine;
  throw new InputError(`--sql ${JSON.stringify(text)}: one of ${SQL_ENGINES.join(', ')}`);
}

/** src/protocol/user-agent.ts's pattern: groups board, version, channel, device id. */
const PART = String.raw`[\x20-\x27\x2a-\x3a\x3c-\x7e]`;
const USER_AGENT =
  String.raw`^static-ota/[\x21-\x27\x2a-\x3a\x3c-\x7e]{1,${MAX_VERSION_LENGTH}} \((` +
  `${PART}{1,${MAX_BOARD_LENGTH}}); (${PART}{1,${MAX_VERSION_LENGTH}}); (${PART}{1,${MAX_CHANNEL_LENGTH}})` +
  String.raw`(?:; ([A-Za-z0-9._-]{1,32}))?\)$`;
/** nginx/Apache combined: client, time, path (without the query), status, user agent. */
const COMBINED = String.raw`^(\S+) \S+ \S+ \[([^\]]+)\] "[A-Z]+ ([^ ?"]+)[^"]*" (\d{3}) \S+ "(?:[^"\\]|\\.)*" "((?:[^"\\]|\\.)*)"`;
/** S3 server access log: time, client, key, request path, status, user agent. */
const S3 = String.raw`^\S+ \S+ \[([^\]]+)\] (\S+) \S+ \S+ \S+ (\S+) "[A-Z]+ ([^ ?"]+)[^"]*" (\d{3}) \S+ \S+ \S+ \S+ \S+ "[^"]*" "([^"]*)"`;

interface Dialect {
  quote(text: string): string;
  extract(value: string, pattern: string, group: number): string;
  matches(value: string, pattern: string): string;
  /** `10/Oct/2026:13:55:36 -0700` → a UTC timestamp. */
  logTime(value: string): string;
  urlDecode(value: string): string;
  truncate(unit: BucketSize, value: string): string;
  /** Casts that give NULL, not an error, for a line of another format (engines may cast before they filter). */
  integer(value: string): string;
  timestamp(value: string): string;
}

const standardQuote = (text: string): string => `'${text.replace(/'/g, "''")}'`;

const DIALECTS: Record<SqlEngine, Dialect> = {
  duckdb: {
    quote: standardQuote,
    extract: (value, pattern, group) => `regexp_extract(${value}, ${standardQuote(pattern)}, ${group})`,
    matches: (value, pattern) => `regexp_matches(${value}, ${standardQuote(pattern)})`,
    logTime: (value) => `(try_strptime(${value}, '%d/%b/%Y:%H:%M:%S %z') AT TIME ZONE 'UTC')`,
    urlDecode: (value) => `url_decode(${value})`,
    truncate: (unit, value) => `date_trunc('${unit}', ${value})`,
    integer: (value) => `TRY_CAST(${value} AS INTEGER)`,
    timestamp: (value) => `TRY_CAST(${value} AS TIMESTAMP)`,
  },
  athena: {
    quote: standardQuote,
    extract: (value, pattern, group) => `regexp_extract(${value}, ${standardQuote(pattern)}, ${group})`,
    matches: (value, pattern) => `regexp_like(${value}, ${standardQuote(pattern)})`,
    logTime: (value) => `CAST(parse_datetime(${value}, 'dd/MMM/yyyy:HH:mm:ss Z') AT TIME ZONE 'UTC' AS timestamp)`,
    urlDecode: (value) => `url_decode(${value})`,
    truncate: (unit, value) => `date_trunc('${unit}', ${value})`,
    integer: (value) => `TRY_CAST(${value} AS INTEGER)`,
    timestamp: (value) => `TRY_CAST(${value} AS TIMESTAMP)`,
  },
  clickhouse: {
    // ClickHouse string literals take backslash escapes: a regular expression's backslashes are doubled.
    quote: (text) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`,
    extract: (value, pattern, group) => `regexpExtract(${value}, ${DIALECTS.clickhouse.quote(pattern)}, ${group})`,
    matches: (value, pattern) => `match(${value}, ${DIALECTS.clickhouse.quote(pattern)})`,
    logTime: (value) => `parseDateTimeOrNull(${value}, '%d/%b/%Y:%H:%i:%s %z', 'UTC')`,
    urlDecode: (value) => `decodeURLComponent(${value})`,
    truncate: (unit, value) => `date_trunc('${unit}', ${value})`,
    integer: (value) => `toInt32OrNull(${value})`,
    timestamp: (value) => `parseDateTimeBestEffortOrNull(${value}, 'UTC')`,
  },
};

/** nginx logs `"` and `\` in a User-Agent as \x22 and \x5C, Apache as \" and \\ (a device may send both). */
const unescaped = (d: Dialect, value: string): string =>
  [
    ['\\x22', '"'],
    ['\\x5C', '\\'],
    ['\\"', '"'],
    ['\\\\', '\\'],
  ].reduce((text, [from, to]) => `replace(${text}, ${d.quote(from)}, ${d.quote(to)})`, value);

/** Every log line as `line`: combined, S3 and CloudFront (tab-separated, standard field order) parsed from it. */
function requestsFromLines(d: Dialect, lines: string): string {
  const combined = (group: number) => d.extract('line', COMBINED, group);
  const s3 = (group: number) => d.extract('line', S3, group);
  const cloudFront = (field: number) => d.extract('line', `^(?:[^\\t]*\\t){${field}}([^\\t]*)`, 1);
  return `CREATE OR REPLACE VIEW static_ota_requests AS
SELECT ${combined(1)} AS client, ${d.logTime(combined(2))} AS time, ${d.urlDecode(combined(3))} AS path,
  ${d.integer(combined(4))} AS status, ${unescaped(d, combined(5))} AS user_agent
FROM ${lines} WHERE ${d.matches('line', COMBINED)}
UNION ALL
SELECT ${s3(2)}, ${d.logTime(s3(1))}, CASE WHEN ${s3(3)} = '-' THEN ${d.urlDecode(s3(4))} ELSE '/' || ${s3(3)} END,
  ${d.integer(s3(5))}, ${s3(6)}
FROM ${lines} WHERE NOT ${d.matches('line', COMBINED)} AND ${d.matches('line', S3)}
UNION ALL
SELECT ${cloudFront(4)}, ${d.timestamp(`${cloudFront(0)} || ' ' || ${cloudFront(1)}`)}, ${d.urlDecode(cloudFront(7))},
  ${d.integer(cloudFront(8))}, ${d.urlDecode(d.urlDecode(cloudFront(10)))}
FROM ${lines} WHERE ${d.matches('line', String.raw`^\d{4}-\d{2}-\d{2}\t\d{2}:\d{2}:\d{2}\t(?:[^\t]*\t){6}\d{3}\t`)};
`;
}

/** The tables AWS documents for Athena (S3 server access logs; CloudFront standard logs), and one view over both. */
function athenaSources(d: Dialect): string {
  return `-- S3 server access logs: docs.aws.amazon.com/AmazonS3/latest/userguide/using-s3-access-logs-to-identify-requests.html
CREATE EXTERNAL TABLE IF NOT EXISTS s3_access_logs (
  bucketowner STRING, bucket_name STRING, requestdatetime STRING, remoteip STRING, requester STRING,
  requestid STRING, operation STRING, key STRING, request_uri STRING, httpstatus STRING, errorcode STRING,
  bytessent BIGINT, objectsize BIGINT, totaltime STRING, turnaroundtime STRING, referrer STRING, useragent STRING,
  versionid STRING, hostid STRING, sigv STRING, ciphersuite STRING, authtype STRING, endpoint STRING,
  tlsversion STRING, accesspointarn STRING, aclrequired STRING)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.RegexSerDe'
WITH SERDEPROPERTIES (
  'input.regex'='([^ ]*) ([^ ]*) \\\\[(.*?)\\\\] ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) (\\"[^\\"]*\\"|-) (-|[0-9]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) (\\"[^\\"]*\\"|-) ([^ ]*)(?: ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*))?.*$')
STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://YOUR-LOG-BUCKET/s3-access-logs-prefix/';

-- CloudFront standard logs: docs.aws.amazon.com/athena/latest/ug/create-cloudfront-table-standard-logs.html
CREATE EXTERNAL TABLE IF NOT EXISTS cloudfront_standard_logs (
  \`date\` DATE, time STRING, x_edge_location STRING, sc_bytes BIGINT, c_ip STRING, cs_method STRING,
  cs_host STRING, cs_uri_stem STRING, sc_status INT, cs_referrer STRING, cs_user_agent STRING, cs_uri_query STRING,
  cs_cookie STRING, x_edge_result_type STRING, x_edge_request_id STRING, x_host_header STRING, cs_protocol STRING,
  cs_bytes BIGINT, time_taken FLOAT, x_forwarded_for STRING, ssl_protocol STRING, ssl_cipher STRING,
  x_edge_response_result_type STRING, cs_protocol_version STRING, fle_status STRING, fle_encrypted_fields INT,
  c_port INT, time_to_first_byte FLOAT, x_edge_detailed_result_type STRING, sc_content_type STRING,
  sc_content_len BIGINT, sc_range_start BIGINT, sc_range_end BIGINT)
ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t'
LOCATION 's3://YOUR-LOG-BUCKET/cloudfront-prefix/'
TBLPROPERTIES ('skip.header.line.count'='2');

CREATE OR REPLACE VIEW static_ota_requests AS
SELECT remoteip AS client, ${d.logTime('requestdatetime')} AS time,
  CASE WHEN key = '-' THEN ${d.urlDecode(d.extract('request_uri', '^"[A-Z]+ ([^ ?"]+)', 1))} ELSE '/' || key END AS path,
  CAST(httpstatus AS INTEGER) AS status, regexp_replace(useragent, '^"|"$', '') AS user_agent
FROM s3_access_logs WHERE httpstatus <> '-'
UNION ALL
SELECT c_ip, CAST(CAST("date" AS varchar) || ' ' || time AS timestamp), ${d.urlDecode('cs_uri_stem')},
  sc_status, ${d.urlDecode(d.urlDecode('cs_user_agent'))}
FROM cloudfront_standard_logs;
`;
}

function sources(engine: SqlEngine, logs: string[]): string {
  const d = DIALECTS[engine];
  if (engine === 'athena') return athenaSources(d);
  if (engine === 'clickhouse')
    return requestsFromLines(
      d,
      "s3('https://YOUR-LOG-BUCKET.s3.amazonaws.com/prefix/*', 'LineAsString') AS lines(line)",
    );
  const files = logs.length === 0 ? "'access.log*'" : `[${logs.map(d.quote).join(', ')}]`;
  // One column per line: no delimiter or quote occurs in a log, gzip'd rotations are read as they are.
  return requestsFromLines(
    d,
    `read_csv(${files}, columns = {'line': 'VARCHAR'}, delim = chr(1), quote = '', escape = '', header = false, ` +
      `auto_detect = false, compression = 'auto', max_line_size = 65536, ignore_errors = true)`,
  );
}

/** Device requests with board, channel, version and the client, as src/maintain/fleet/tally.ts counts it. */
function deviceRequests(d: Dialect, bucket: BucketSize): string {
  const agent = (group: number) => d.extract('user_agent', USER_AGENT, group);
  return `CREATE OR REPLACE VIEW static_ota_device_requests AS
SELECT *,
  CASE WHEN device_id <> '' THEN 'id ' || device_id ELSE client || ' ' || board || ' ' || channel END AS device,
  ${d.truncate(bucket, 'time')} AS bucket,
  path LIKE '%/latest.txt' AS is_poll,
  path LIKE '%.bin' AS is_image
FROM (SELECT *, ${agent(1)} AS board, ${agent(2)} AS version, ${agent(3)} AS channel, ${agent(4)} AS device_id
      FROM static_ota_requests WHERE time IS NOT NULL AND ${d.matches('user_agent', USER_AGENT)}) AS parsed;
`;
}

const REPORT = `-- 1. The table: per board, channel and version.
WITH latest AS (
  SELECT device, board, channel, version FROM (
    SELECT device, board, channel, version, row_number() OVER (PARTITION BY device ORDER BY time DESC) AS newest
    FROM static_ota_device_requests) AS ranked
  WHERE newest = 1),
current_clients AS (SELECT board, channel, version, COUNT(*) AS current FROM latest GROUP BY board, channel, version)
SELECT r.board, r.channel, r.version,
  COUNT(DISTINCT r.device) AS clients,
  MAX(COALESCE(c.current, 0)) AS current,
  SUM(CASE WHEN r.is_poll THEN 1 ELSE 0 END) AS polls,
  COUNT(DISTINCT CASE WHEN r.is_poll THEN r.device END) AS polling_clients,
  SUM(CASE WHEN NOT r.is_poll AND r.is_image AND r.status IN (200, 206) THEN 1 ELSE 0 END) AS image_fetches,
  COUNT(DISTINCT CASE WHEN NOT r.is_poll AND r.is_image AND r.status IN (200, 206) THEN r.device END) AS fetching_clients,
  SUM(CASE WHEN r.status >= 400 THEN 1 ELSE 0 END) AS failures
FROM static_ota_device_requests AS r
LEFT JOIN current_clients AS c ON c.board = r.board AND c.channel = r.channel AND c.version = r.version
GROUP BY r.board, r.channel, r.version
ORDER BY r.board, r.channel, r.version;

-- 2. Devices per version per bucket (the stacked area; a version's share of query 3's devices is its adoption).
SELECT board, channel, version, bucket, COUNT(DISTINCT device) AS devices
FROM static_ota_device_requests
GROUP BY board, channel, version, bucket
ORDER BY board, channel, version, bucket;

-- 3. Per board and channel per bucket: devices, polls, image fetches, failures, failed image fetches.
SELECT board, channel, bucket, COUNT(DISTINCT device) AS devices,
  SUM(CASE WHEN is_poll THEN 1 ELSE 0 END) AS polls,
  SUM(CASE WHEN NOT is_poll AND is_image AND status IN (200, 206) THEN 1 ELSE 0 END) AS image_fetches,
  SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS failures,
  SUM(CASE WHEN status >= 400 AND is_image THEN 1 ELSE 0 END) AS image_failures
FROM static_ota_device_requests
GROUP BY board, channel, bucket
ORDER BY board, channel, bucket;
`;

/** The query set for `engine`, over `logs` (DuckDB reads them; the others read where their logs are kept). */
export function fleetQueries(engine: SqlEngine, logs: string[], bucket: BucketSize = 'day'): string {
  const where = engine === 'duckdb' ? 'the --log files' : 'the log bucket (replace YOUR-LOG-BUCKET and the prefix)';
  return (
    `-- static-ota fleet as ${engine} queries over ${where}; series by ${bucket} (UTC).\n` +
    `-- The three queries at the end give the same rows as static-ota fleet --json (its series without empty buckets).\n` +
    `${sources(engine, logs)}\n${deviceRequests(DIALECTS[engine], bucket)}\n${REPORT}`
  );
}
