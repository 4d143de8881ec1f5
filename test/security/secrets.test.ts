// The action never prints the signing key or the S3 credentials, on any path:
// S3 endpoints that refuse (403, 500 with S3 XML errors) or are not there at
// all, credentials from inputs or from AWS_* variables, and a failing build.
// It runs the bundled action on Node 24 as GitHub does and scans everything it
// writes, except the ::add-mask:: commands the runner consumes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, removeTemporaryFolders, type RunningServer } from '../helpers.js';
import { makeProject, runAction, signingKeyForms, visibleLog } from '../action/action-runner.js';

const ACTION_TIMEOUT_MS = 120_000;

/** Recognizable, with the characters URL and JSON encodings change. */
const SECRET_ACCESS_KEY = 'leakCanary/S3+secret/Do-Not-Print=0123456789';
const SESSION_TOKEN = 'leakCanary+session/token/Do-Not-Print==';
const ACCESS_KEY_ID = 'AKIASTATICOTATEST';

afterAll(removeTemporaryFolders);

/** Every way a secret string could appear in a log: as is, URL-, JSON-, base64- and hex-encoded. */
function encodings(secret: string): string[] {
  const bytes = Buffer.from(secret);
  return [
    secret,
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
    bytes.toString('base64'),
    bytes.toString('base64url'),
    bytes.toString('hex'),
  ];
}

const s3Error = (code: string, message: string, extra = ''): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${extra}<RequestId>0000</RequestId></Error>`;

type Endpoint = RunningServer & { requests: string[] };

/** An S3-compatible endpoint that refuses every request with `status` and an S3 XML error body. */
function refusingEndpoint(status: number, body: (request: IncomingMessage) => string): Promise<Endpoint> {
  const requests: string[] = [];
  return listen((request: IncomingMessage, response: ServerResponse) => {
    requests.push(`${request.method} ${request.url}`);
    request.resume();
    response.writeHead(status, { 'Content-Type': 'application/xml' }).end(body(request));
  }).then((server) => Object.assign(server, { requests }));
}

/** A port on 127.0.0.1 nothing listens on. */
async function closedPort(): Promise<string> {
  const server = await listen(() => undefined);
  await server.close();
  return server.url;
}

const credentialInputs = {
  's3-access-key-id': ACCESS_KEY_ID,
  's3-secret-access-key': SECRET_ACCESS_KEY,
  's3-session-token': SESSION_TOKEN,
};
const credentialEnvironment = {
  AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
  AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
  AWS_SESSION_TOKEN: SESSION_TOKEN,
};

interface Scenario {
  name: string;
  /** A refusing endpoint, or the URL of one that is not there. */
  endpoint: () => Promise<Endpoint | string>;
  credentials: 'inputs' | 'environment';
  env?: Record<string, string>;
  /** What the error annotation says: the failure is reported, not swallowed. */
  error: RegExp;
}

const signatureMismatch = (request: IncomingMessage): string =>
  s3Error(
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    `<AWSAccessKeyId>${ACCESS_KEY_ID}</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256\n${request.headers['x-amz-date'] ?? ''}</StringToSign>` +
      `<SignatureProvided>${/Signature=(\w+)/.exec(request.headers.authorization ?? '')?.[1] ?? ''}</SignatureProvided>`,
  );

const scenarios: Scenario[] = [
  {
    name: 'an S3 endpoint answering 403 SignatureDoesNotMatch, credentials as inputs',
    endpoint: () => refusingEndpoint(403, signatureMismatch),
    credentials: 'inputs',
    error: /::error::.*SignatureDoesNotMatch|::error::.*HTTP 403/,
  },
  {
    name: 'an S3 endpoint answering 403 AccessDenied, credentials from AWS_* variables',
    endpoint: () => refusingEndpoint(403, () => s3Error('AccessDenied', 'Access Denied')),
    credentials: 'environment',
    error: /::error::.*(AccessDenied|Access Denied)/,
  },
  {
    name: 'an S3 endpoint answering 500 InternalError on every attempt',
    endpoint: () =>
      refusingEndpoint(500, () => s3Error('InternalError', 'We encountered an internal error. Please try again.')),
    credentials: 'inputs',
    error: /::error::.*(InternalError|internal error|HTTP 500)/,
  },
  {
    name: 'an S3 endpoint on a closed port',
    endpoint: closedPort,
    credentials: 'environment',
    error: /::error::.*ECONNREFUSED/,
  },
  {
    name: 'a failing build',
    endpoint: closedPort,
    credentials: 'inputs',
    env: { PIO_STANDIN_FAIL: 'nodemcuv2' },
    error: /::error::pio run -e nodemcuv2 failed/,
  },
];

describe('the action with the s3 target never prints a secret', () => {
  it.each(scenarios.map((scenario) => [scenario.name, scenario] as const))(
    'on %s',
    async (_name, scenario) => {
      const project = makeProject();
      const endpoint = await scenario.endpoint();
      try {
        const run = await runAction(
          project,
          {
            target: 's3',
            's3-bucket': 'ota',
            's3-force-path-style': 'true',
            's3-endpoint': typeof endpoint === 'string' ? endpoint : endpoint.url,
            ...(scenario.credentials === 'inputs' ? credentialInputs : {}),
          },
          {
            GITHUB_REF: 'refs/tags/v1.0.0',
            ...(scenario.credentials === 'environment' ? credentialEnvironment : {}),
            ...scenario.env,
          },
        );
        expect(run.status).toBe(1);
        expect(run.output).toMatch(scenario.error);
        if (typeof endpoint !== 'string') expect(endpoint.requests).not.toEqual([]);
        const log = visibleLog(run.output);
        for (const secret of [
          ...signingKeyForms(project.key),
          ...encodings(SECRET_ACCESS_KEY),
          ...encodings(SESSION_TOKEN),
        ]) {
          expect(log).not.toContain(secret);
        }
        // Nothing secret reaches the build, so no build script can print it either.
        expect(
          run.pioCalls.flatMap((call) => call.env).filter((name) => /^(INPUT_|AWS_|STATIC_OTA_KEY$)/.test(name)),
        ).toEqual([]);
      } finally {
        if (typeof endpoint !== 'string') await endpoint.close();
      }
    },
    ACTION_TIMEOUT_MS + 10_000,
  );
});
