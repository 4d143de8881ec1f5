// Loaded into the action's process (node --import) by test/attest: the local
// stand-in for the Sigstore and OIDC discovery endpoints that @actions/attest
// signs with. @sigstore/mock answers Fulcio and the timestamp authority
// in-process (nock); GitHub's OIDC issuer discovery answers with the test's
// JWKS. Nothing else may leave the process except to 127.0.0.1, where the
// test serves the job's ID token and GitHub's attestations API.
import nock from 'nock';
import sigstoreMock from '@sigstore/mock';

const ISSUER = 'https://token.actions.githubusercontent.com';
const jwks = JSON.parse(process.env.STANDIN_OIDC_JWKS ?? '{"keys":[]}');
const images = Number(process.env.STANDIN_SIGNATURES ?? 4);

nock.disableNetConnect();
nock.enableNetConnect('127.0.0.1');
for (let i = 0; i < images; i++) {
  await sigstoreMock.mockFulcio({ baseURL: 'https://fulcio.githubapp.com', strict: true });
  await sigstoreMock.mockTSA({ baseURL: 'https://timestamp.githubapp.com' });
}
nock(ISSUER)
  .persist()
  .get('/.well-known/openid-configuration')
  .reply(200, { issuer: ISSUER, jwks_uri: `${ISSUER}/.well-known/jwks` })
  .get('/.well-known/jwks')
  .reply(200, jwks);
