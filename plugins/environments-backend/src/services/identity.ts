import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ChangeAuthor } from '../git';

/** Who asks: a user's entity ref, or a service's subject. */
export function requesterOf(
  auth: AuthService,
  credentials: BackstageCredentials,
): string {
  if (auth.isPrincipal(credentials, 'user')) {
    return credentials.principal.userEntityRef;
  }
  if (auth.isPrincipal(credentials, 'service')) {
    return credentials.principal.subject;
  }
  throw new NotAllowedError('Changes need a signed-in user or a service');
}

/** A person as Git names them: their catalog profile, or their entity name. */
export async function authorOf(
  requester: string,
  deps: { catalog: CatalogService; auth: AuthService },
): Promise<ChangeAuthor> {
  const name = requester.split('/').pop() ?? requester;
  const fallback = { name, email: `${name}@users.noreply.backstage.io` };
  try {
    const user = await deps.catalog.getEntityByRef(requester, {
      credentials: await deps.auth.getOwnServiceCredentials(),
    });
    const profile = (user?.spec?.profile ?? {}) as {
      displayName?: string;
      email?: string;
    };
    return {
      name: profile.displayName ?? fallback.name,
      email: profile.email ?? fallback.email,
    };
  } catch {
    return fallback;
  }
}
