import { PermissionsService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_GITOPS_LOCATION,
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
  environmentsEntityReadPermission,
  getEntityEnvironmentNames,
  getGitOpsSource,
  isEnvironmentsAvailable,
} from '@stagecraft/plugin-environments-common';
import { EntityEnvironmentsService } from './types';

export function createEntityEnvironmentsService(options: {
  catalog: CatalogService;
  permissions: PermissionsService;
}): EntityEnvironmentsService {
  const { catalog, permissions } = options;

  return {
    async getEntityEnvironments(compoundRef, { credentials }) {
      const entityRef = stringifyEntityRef(compoundRef);
      const entity = await catalog.getEntityByRef(entityRef, { credentials });
      if (!entity) {
        throw new NotFoundError(`No entity ${entityRef} in the catalog`);
      }

      const [decision] = await permissions.authorize(
        [
          {
            permission: environmentsEntityReadPermission,
            resourceRef: entityRef,
          },
        ],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          `You may not read the environments of ${entityRef}`,
        );
      }

      if (!isEnvironmentsAvailable(entity)) {
        throw new NotFoundError(
          `Entity ${entityRef} has no environments: add the ${ANNOTATION_GITOPS_LOCATION} annotation (or ${ANNOTATION_KUBERNETES_ID} for a live-only view)`,
        );
      }

      const annotations = entity.metadata.annotations ?? {};
      try {
        return {
          entityRef,
          source: getGitOpsSource(entity),
          live: {
            kubernetesId: annotations[ANNOTATION_KUBERNETES_ID],
            labelSelector: annotations[ANNOTATION_KUBERNETES_LABEL_SELECTOR],
          },
          environmentNames: getEntityEnvironmentNames(entity),
        };
      } catch (error) {
        throw new InputError(
          `Entity ${entityRef}: ${(error as Error).message}`,
        );
      }
    },
  };
}
