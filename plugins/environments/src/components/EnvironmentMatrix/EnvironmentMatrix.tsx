import {
  Cell,
  Column,
  Flex,
  Link,
  Row,
  TableBody,
  TableHeader,
  TableRoot,
  Text,
} from '@backstage/ui';
import {
  EnvironmentMatrix as Matrix,
  MatrixProblem,
  Promotion,
  Provenance,
} from '@stagecraft/plugin-environments-common';
import { Fragment } from 'react';
import {
  describeDrift,
  describeProvenance,
  MatrixCell,
  matrixRows,
} from './matrixRows';
import { PromotionSteps } from '../PromotionSteps';
import { hostUrl, provenanceUrl } from './sourceLinks';

const visuallyHidden = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
} as const;

const healthColor: Record<string, 'success' | 'danger' | 'warning' | 'info'> = {
  behind: 'warning',
  Healthy: 'success',
  Degraded: 'danger',
  Missing: 'warning',
  Progressing: 'info',
  Suspended: 'info',
};

function CellValue({
  cell,
  field,
  linkTo,
}: {
  cell: MatrixCell;
  field: string;
  /** A web link to a declared value's file and line, where the repository has one. */
  linkTo: (provenance: Provenance) => string | undefined;
}) {
  if (cell.value === null) {
    return <Text color="secondary">—</Text>;
  }
  const title = [
    cell.title,
    cell.provenance && `Declared in ${describeProvenance(cell.provenance)}`,
  ]
    .filter(Boolean)
    .join('\n');
  return (
    <Flex direction="column" gap="1">
      <Text
        weight={cell.changed ? 'bold' : 'regular'}
        color={
          cell.status ? healthColor[cell.status] ?? 'secondary' : undefined
        }
        title={title || undefined}
      >
        {field === 'Ingress hosts'
          ? cell.value.split(', ').map((host, index) => (
              <Fragment key={host}>
                {index > 0 && ', '}
                <Link href={hostUrl(host)} target="_blank">
                  {host}
                </Link>
              </Fragment>
            ))
          : cell.value}
        {cell.changed && <span style={visuallyHidden}> (changed)</span>}
      </Text>
      {cell.drift.map((drift, index) => {
        const declaredIn = drift.provenance ?? cell.provenance;
        const href = declaredIn && linkTo(declaredIn);
        return (
          <Text
            key={index}
            variant="body-small"
            color="warning"
            title={describeDrift(drift)}
          >
            drift: {drift.cluster} runs {drift.live ?? 'nothing'}
            <span style={visuallyHidden}>; {describeDrift(drift)}</span>
            {href && declaredIn && (
              <>
                {' · '}
                <Link href={href} target="_blank">
                  {declaredIn.file.split('/').pop()}:{declaredIn.line}
                </Link>
              </>
            )}
          </Text>
        );
      })}
    </Flex>
  );
}

function problemText(problem: MatrixProblem): string {
  const where = problem.file
    ? ` (${problem.file}${problem.line ? `:${problem.line}` : ''})`
    : '';
  return `${problem.message}${where}`;
}

/**
 * The environment matrix: environments as columns in promotion order, a row per field of each
 * application, values that differ from the previous environment in bold, with where each value
 * is declared on hover.
 *
 * @public
 */
export function EnvironmentMatrix({
  matrix,
  entityName,
  onPromoted,
}: {
  matrix: Matrix;
  entityName: string;
  /** Called when a promotion started from the matrix reaches a final state. */
  onPromoted?: (promotion: Promotion) => void;
}) {
  const rows = matrixRows(matrix.environments);
  const problems = [
    ...matrix.problems.map(p => ({ environment: undefined, problem: p })),
    ...matrix.environments.flatMap(env =>
      env.problems.map(p => ({ environment: env.name, problem: p })),
    ),
  ];

  return (
    <Flex direction="column" gap="3">
      {matrix.stale && (
        <Text color="warning" role="status">
          This matrix may be out of date: {matrix.stale.reason}
        </Text>
      )}
      {matrix.environments.length > 0 && (
        <TableRoot aria-label={`Environments of ${entityName}`}>
          <TableHeader>
            <Column isRowHeader>Field</Column>
            {matrix.environments.map(env => (
              <Column key={env.name} id={env.name}>
                {env.name}
              </Column>
            ))}
          </TableHeader>
          <TableBody>
            {rows.map(row => (
              <Row key={row.key} id={row.key}>
                <Cell>
                  <Text weight="bold">{row.field}</Text>
                  {row.application &&
                    new Set(rows.map(r => r.application).filter(Boolean)).size >
                      1 && <Text color="secondary"> · {row.application}</Text>}
                </Cell>
                {row.cells.map((cell, index) => (
                  <Cell key={matrix.environments[index].name}>
                    <CellValue
                      cell={cell}
                      field={row.field}
                      linkTo={provenance => provenanceUrl(matrix, provenance)}
                    />
                  </Cell>
                ))}
              </Row>
            ))}
          </TableBody>
        </TableRoot>
      )}
      <PromotionSteps
        steps={matrix.promotions ?? []}
        entityRef={matrix.entityRef}
        openPromotions={matrix.openPromotions}
        onPromoted={onPromoted}
      />
      {matrix.revision && (
        <Text color="secondary" variant="body-small">
          Declared state of repository {matrix.revision.repository} at{' '}
          {matrix.revision.branch}@{matrix.revision.commit.slice(0, 7)}
        </Text>
      )}
      {problems.length > 0 && (
        <Flex direction="column" gap="1" aria-label="Problems">
          <Text as="h3" variant="title-x-small">
            Problems
          </Text>
          {problems.map(({ environment, problem }, index) => (
            <Text
              key={index}
              color={problem.severity === 'error' ? 'danger' : 'secondary'}
            >
              {environment ? `${environment}: ` : ''}
              {problemText(problem)}
            </Text>
          ))}
        </Flex>
      )}
    </Flex>
  );
}
