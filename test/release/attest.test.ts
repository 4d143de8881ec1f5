// attest: true through the bundled action, as the runner starts it, with a
// local stand-in for what @actions/attest talks to: @sigstore/mock for Fulcio
// and the timestamp authority (test/release/sigstore-standin.mjs, loaded into
// the action's process), and, on 127.0.0.1, the job's OIDC token endpoint and
// GitHub's attestations API.
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openManifest } from '../../src/protocol/manifest.js';
import { makeProject, runAction } from '../action/action-runner.js';
import { listen, removeTemporaryFolders } from '../helpers.js';

const STANDIN = pathToFileURL(resolve(import.meta.dirname, 'sigstore-standin.mjs')).href;
const ISSUER = 'https://token.actions.githubusercontent.com';

afterAll(removeTemporaryFolders);

/** An RS256 ID token with the claims GitHub puts in one (the ones @actions/attest requires). */
function idToken(privateKey: ReturnType<typeof generateKeyPairSync>['privateKey'], kid: string): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = {
    iss: ISSUER,
    aud: 'nobody',
    sub: 'repo:octo/widget:ref:refs/tags/v1.4.2',
    iat: now,
    nbf: now - 5,
    exp: now + 600,
    ref: 'refs/tags/v1.4.2',
    sha: 'a'.repeat(40),
    repository: 'octo/widget',
    repository_id: '1',
    repository_owner_id: '2',
    event_name: 'push',
    workflow_ref: 'octo/widget/.github/workflows/release.yml@refs/tags/v1.4.2',
    job_workflow_ref: 'octo/widget/.github/workflows/release.yml@refs/tags/v1.4.2',
    runner_environment: 'github-hosted',
    run_id: '42',
    run_attempt: '1',
  };
  const signed = `${encode({ alg: 'RS256', typ: 'JWT', kid })}.${encode(claims)}`;
  return `${signed}.${sign('sha256', Buffer.from(signed), privateKey).toString('base64url')}`;
}

describe('attest: true', () => {
  it('attests every image, signs the attestation id into its manifest and shows gh attestation verify', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = 'standin-key';
    const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] };
    const stored: Array<{ path: string; authorization?: string; bundle: { dsseEnvelope: { payload: string } } }> = [];
    const tokenRequests: string[] = [];
    const server = await listen((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (request.url?.startsWith('/oidc/token')) {
          tokenRequests.push(`${request.url} ${request.headers.authorization}`);
          response
            .writeHead(200, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ value: idToken(privateKey, kid) }));
        } else if (request.method === 'POST' && request.url === '/repos/octo/widget/attestations') {
          stored.push({
            path: request.url,
            authorization: request.headers.authorization,
            ...(JSON.parse(body) as { bundle: { dsseEnvelope: { payload: string } } }),
          });
          response
            .writeHead(201, { 'Content-Type': 'application/json' })
            .end(JSON.stringify({ id: 4000 + stored.length }));
        } else {
          response.writeHead(404).end();
        }
      });
    });
    try {
      const project = makeProject(['nodemcuv2', 'esp32dev']);
      const mirror = join(project.folder, 'public');
      const run = await runAction(
        project,
        { attest: 'true', directory: mirror, token: 'ghs_attestToken' },
        {
          GITHUB_REF: 'refs/tags/v1.4.2',
          GITHUB_SERVER_URL: 'https://github.com',
          GITHUB_API_URL: server.url,
          ACTIONS_ID_TOKEN_REQUEST_URL: `${server.url}/oidc/token?api-version=2.0`,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runtime-token',
          NODE_OPTIONS: `--import ${STANDIN}`,
          STANDIN_OIDC_JWKS: JSON.stringify(jwks),
        },
      );
      expect(run.output).not.toMatch(/::error::/);
      expect(run.status).toBe(0);
      // Per image: one token for the provenance claims, one for Fulcio, each asked with the runner's request token.
      expect(tokenRequests.map((line) => /audience=(\w+) Bearer runtime-token$/.exec(line)?.[1])).toEqual([
        'nobody',
        'sigstore',
        'nobody',
        'sigstore',
      ]);
      expect(stored.map(({ authorization }) => authorization)).toEqual([
        'token ghs_attestToken',
        'token ghs_attestToken',
      ]);

      for (const [index, board] of ['nodemcuv2', 'esp32dev'].entries()) {
        const text = readFileSync(join(mirror, board, 'latest.txt'));
        const opened = openManifest(text, [project.key.publicKey]);
        // The id is a signed field: openManifest verified the signature over it.
        expect(opened.extra).toEqual([['attestation', String(4001 + index)]]);
        const statement = JSON.parse(Buffer.from(stored[index].bundle.dsseEnvelope.payload, 'base64').toString('utf8'));
        expect(statement).toMatchObject({
          _type: 'https://in-toto.io/Statement/v1',
          subject: [{ name: `${board}/firmware-1.4.2.bin`, digest: { sha256: opened.sha256 } }],
          predicateType: 'https://slsa.dev/provenance/v1',
        });
      }
      expect(run.summary).toContain('gh attestation verify firmware-1.4.2.bin --repo octo/widget');
      expect(run.summary).toContain('nodemcuv2/firmware-1.4.2.bin: attestation 4001');
    } finally {
      await server.close();
    }
  });

  it('fails the step, before anything is published, when the job may not get an ID token', async () => {
    const project = makeProject(['nodemcuv2']);
    const run = await runAction(
      project,
      { attest: 'true', directory: join(project.folder, 'public') },
      { GITHUB_REF: 'refs/tags/v1.4.2' },
    );
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(
      /::error::attesting nodemcuv2\/firmware-1\.4\.2\.bin failed: .*id-token: write and attestations: write/,
    );
    expect(() => readFileSync(join(project.folder, 'public', 'nodemcuv2', 'latest.txt'))).toThrow();
  });
});
