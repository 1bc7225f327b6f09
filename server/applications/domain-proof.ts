// Proving that an applicant controls a domain: the service fetches a token the applicant
// serves at https://<domain>/.well-known/thiqa-verification.txt (or in a meta tag on the
// home page) and compares it with the application's.

export type ProofMethod = 'well-known' | 'meta-tag';

export interface DomainCheck {
  domain: string;
  /** True when the token was found. */
  proven: boolean;
  method: ProofMethod | null;
  checkedAt: string;
  /** Why it was not proven; pages say it in the reader's language. */
  problem: DomainProofProblem | null;
}

export type DomainProofProblem =
  /** Neither the file nor the meta tag is there. */
  | 'not-found'
  /** A token is there, but not this application's. */
  | 'wrong-token'
  /** The name does not resolve, the connection failed, or TLS failed. */
  | 'unreachable'
  | 'timeout'
  /** The name resolves to a loopback, private, link-local or other non-public address. */
  | 'forbidden-address'
  /** A redirect to another host. */
  | 'redirected-elsewhere'
  | 'too-large';

export interface DomainProof {
  check(domain: string, token: string): Promise<DomainCheck>;
}
