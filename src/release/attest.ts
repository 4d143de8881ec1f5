// Build provenance (attest: true): a GitHub build-provenance attestation per
// published image through @actions/attest (Sigstore signing with the job's
// OIDC token, stored by GitHub's attestations API). Its id goes into the
// image's signed manifest as `attestation=`, a field old devices ignore.

/** The manifest field holding the attestation's id (docs/provenance.md). */
export const ATTESTATION_FIELD = 'attestation';

export interface AttestationRequest {
  /** Token with `attestations: write`; the job also needs `id-token: write`. */
  token: string;
  /** owner/name, for the `gh attestation verify` command. */
  repository: string;
}

/** Attests one image (subject `<board>/<file>` with its SHA-256) and returns the attestation's id. */
export async function attestImage(
  image: { board: string; file: string; sha256: string },
  request: AttestationRequest,
): Promise<string> {
  // Loaded only when asked for: Sigstore signing is large.
  const { attestProvenance } = await import('@actions/attest');
  let attestationID: string | undefined;
  try {
    ({ attestationID } = await attestProvenance({
      subjects: [{ name: `${image.board}/${image.file}`, digest: { sha256: image.sha256 } }],
      token: request.token,
    }));
  } catch (error) {
    throw new Error(
      `attesting ${image.board}/${image.file} failed: ${(error as Error).message} (the job needs permissions id-token: write and attestations: write)`,
      { cause: error },
    );
  }
  if (!attestationID) throw new Error(`GitHub returned no attestation id for ${image.board}/${image.file}`);
  // GitHub's API answers a number; the manifest holds its decimal text.
  return String(attestationID);
}

/** What the job summary shows for checking an image's provenance. */
export const verifyCommand = (file: string, repository: string): string =>
  `gh attestation verify ${file} --repo ${repository}`;
