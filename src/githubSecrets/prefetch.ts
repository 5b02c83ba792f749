/**
 * What the save flow asks GitHub while the person is still choosing: as soon as the repository is
 * known and signed in to, its public key, its secret names and its environments; once an environment
 * is chosen, that environment's key and names. The write after the last answer is then one request.
 * Each answer is asked once and kept; a failure is kept too (and marked handled, so a question the
 * person never reaches raises no unhandled rejection). No `vscode` import.
 */
import type { GitHubClient, SecretsPublicKey } from '../github/client';
import type { GitHubRepository } from '../github/remotes';

type Reads = Pick<GitHubClient, 'repositoryPublicKey' | 'environmentPublicKey' | 'listSecretNames' | 'listEnvironments'>;

/** The key and names of the repository (`environment` undefined) or one of its environments. */
export interface PlaceReads {
  key: Promise<SecretsPublicKey>;
  names: Promise<string[]>;
}

function kept<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

export class Prefetch {
  readonly environments: Promise<string[]>;
  private readonly places = new Map<string, PlaceReads>();

  /** Starts the repository's three requests at once. */
  constructor(private readonly client: Reads, private readonly repository: GitHubRepository) {
    this.places.set('', {
      key: kept(client.repositoryPublicKey(repository)),
      names: kept(client.listSecretNames(repository)),
    });
    this.environments = kept(client.listEnvironments(repository));
  }

  /** The key and names of the repository or of `environment` (asked on the first call for it). */
  place(environment: string | undefined): PlaceReads {
    const id = environment ?? '';
    let reads = this.places.get(id);
    if (!reads) {
      reads = {
        key: kept(this.client.environmentPublicKey(this.repository, id)),
        names: kept(this.client.listSecretNames(this.repository, id)),
      };
      this.places.set(id, reads);
    }
    return reads;
  }

  /** Rejects as soon as one of `promises` does (never resolves otherwise): a reason to stop asking. */
  static firstFailure(...promises: Promise<unknown>[]): Promise<never> {
    return kept(new Promise<never>((_, reject) => {
      for (const p of promises) p.catch(reject);
    }));
  }
}
