import { createHash } from 'node:crypto';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  GateResult,
  MatrixEnvironment,
  PromotionPlan,
  PromotionRequest,
  Version,
} from '@stagecraft/plugin-environments-common';
import {
  FileEdit,
  formatUnifiedDiff,
  MemoryFiles,
  planVersionChange,
  validateImageVersion,
} from '@stagecraft/plugin-environments-node';
import { evaluateGates, readableGate } from '../MatrixService/promotionGates';
import { EntityState } from '../MatrixService/types';
import { EnvironmentPolicy } from './environmentPolicies';

/** A plan, with the whole new contents of the files it edits (which the plan itself shows as diffs). */
export type PlannedPromotion = {
  plan: PromotionPlan;
  edits: FileEdit[];
};

function findEnvironment(
  environments: MatrixEnvironment[],
  name: string,
): MatrixEnvironment {
  const environment = environments.find(e => e.name === name);
  if (!environment) {
    throw new InputError(
      `No environment '${name}'; this entity has ${
        environments.map(e => e.name).join(', ') || 'none'
      }`,
    );
  }
  return environment;
}

/** The images of a version that carry a tag or digest, each checked against the OCI grammar. */
function versionToPromote(version: Version): Version {
  const images = version.images.filter(image => image.tag || image.digest);
  const invalid = images.flatMap(image => {
    const reason = validateImageVersion(image.tag, image.digest);
    return reason ? [`${image.application}/${image.container}: ${reason}`] : [];
  });
  if (invalid.length > 0) {
    throw new InputError(`Invalid version: ${invalid.join('; ')}`);
  }
  return { images };
}

/**
 * A plan's identity: the same entity, step, method, base commit and file contents give the same
 * id, on any replica. Executing with a `planId` compares it with a new plan's.
 */
export function planIdOf(parts: {
  entityRef: string;
  from: string;
  to: string;
  method: string;
  baseCommit: string;
  edits: FileEdit[];
}): string {
  const hash = createHash('sha256')
    .update(
      JSON.stringify([
        parts.entityRef,
        parts.from,
        parts.to,
        parts.method,
        parts.baseCommit,
        parts.edits.map(edit => [edit.file, edit.after]),
      ]),
    )
    .digest('hex');
  return `plan-${hash.slice(0, 32)}`;
}

/**
 * Plans moving a version into an environment: the version (the source's unless given), the
 * file edits through the engine, their diffs, the gates and whether the plan may be executed.
 */
export async function planPromotion(options: {
  state: EntityState;
  request: PromotionRequest;
  policy: EnvironmentPolicy;
  permission: { allowed: boolean; reason?: string };
  now: Date;
}): Promise<PlannedPromotion> {
  const { state, request, policy, permission, now } = options;
  const { matrix, declared } = state;
  if (!matrix.source) {
    throw new InputError(
      `${matrix.entityRef} has a live-only view: promotion needs the stagecraft.io/gitops-location annotation`,
    );
  }
  if (!declared) {
    throw new ServiceUnavailableError(
      `The GitOps repository of ${matrix.entityRef} cannot be read: ${
        matrix.problems.map(p => p.message).join('; ') || 'unknown reason'
      }`,
    );
  }
  const from = findEnvironment(matrix.environments, request.from);
  const to = findEnvironment(matrix.environments, request.to);
  const version = versionToPromote(request.version ?? from.version);

  const change = await planVersionChange(
    declared.model,
    new MemoryFiles(declared.snapshot.files),
    to.name,
    version,
    { scan: declared.scanOptions },
  );
  const edits = change.edits.filter(edit => edit.before !== edit.after);

  const gates: GateResult[] = evaluateGates(from, to, { policy, now });
  gates.push(readableGate(matrix.environments, from, to, matrix.problems));
  gates.push({
    gate: 'changes-target',
    passed: edits.length > 0,
    reason:
      edits.length > 0
        ? `${edits.length} file${edits.length === 1 ? '' : 's'} of ${
            to.name
          } change`
        : [
            `${to.name} already declares this version`,
            ...change.refusals.map(r => `${r.container}: ${r.reason}`),
          ].join('; '),
  });

  const baseCommit = declared.snapshot.commit;
  const plan: PromotionPlan = {
    planId: planIdOf({
      entityRef: matrix.entityRef,
      from: from.name,
      to: to.name,
      method: policy.method,
      baseCommit,
      edits,
    }),
    entityRef: matrix.entityRef,
    from: from.name,
    to: to.name,
    version,
    changes: change.changes.map(c => ({
      application: c.application,
      container: c.container,
      workload: c.workload,
      from: c.from,
      to: c.to,
      provenance: {
        file: c.provenance.file,
        path: c.provenance.path,
        line: c.provenance.line,
      },
    })),
    refusals: change.refusals,
    files: edits.map(edit => ({
      path: edit.file,
      diff: formatUnifiedDiff([edit]),
    })),
    gates,
    method: policy.method,
    target: {
      repository: declared.repositoryLabel,
      branch: declared.snapshot.branch,
      baseCommit,
    },
    permission,
    executable: permission.allowed && gates.every(gate => gate.passed),
  };
  return { plan, edits };
}
