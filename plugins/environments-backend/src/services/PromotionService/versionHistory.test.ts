import { FileHistoryCommit } from '../../git';
import {
  readYamlValue,
  toImageVersion,
  versionHistory,
  VersionField,
} from './versionHistory';

const overlay = (tag: string) => `images:
  - name: craftista/catalogue
    newTag: ${tag} # set by CI
`;

function commit(
  sha: string,
  date: string,
  files: Record<string, string>,
): FileHistoryCommit {
  return {
    sha,
    author: { name: `author-${sha}` },
    date,
    message: `commit ${sha}`,
    files: new Map(Object.entries(files)),
  };
}

const fields: VersionField[] = [
  {
    environment: 'staging',
    application: 'catalogue',
    container: 'catalogue',
    provenance: { file: 'staging.yaml', path: 'images[0].newTag', line: 3 },
  },
  {
    environment: 'prod',
    application: 'catalogue',
    container: 'catalogue',
    provenance: { file: 'prod.yaml', path: 'images[0].newTag', line: 3 },
  },
];

describe('readYamlValue', () => {
  it('reads a scalar at a provenance path, in any document', () => {
    expect(readYamlValue(overlay('1.2.0'), 'images[0].newTag')).toBe('1.2.0');
    expect(readYamlValue('kind: A\n---\nspec:\n  tag: "7"\n', 'spec.tag')).toBe(
      '7',
    );
    expect(readYamlValue(overlay('1.2.0'), 'images[1].newTag')).toBeUndefined();
    expect(readYamlValue(': not yaml : [', 'a')).toBeUndefined();
  });
});

describe('toImageVersion', () => {
  it('knows tags, digests and whole image references by the field', () => {
    expect(toImageVersion('images[0].newTag', '1.2')).toEqual({
      image: null,
      tag: '1.2',
      digest: null,
    });
    expect(toImageVersion('images[0].digest', 'sha256:ab')).toMatchObject({
      digest: 'sha256:ab',
    });
    expect(
      toImageVersion('spec.containers[0].image', 'reg:5000/shop/app:2.0'),
    ).toEqual({ image: 'reg:5000/shop/app', tag: '2.0', digest: null });
  });
});

describe('versionHistory', () => {
  it('makes one entry per environment whose version changed, newest first', () => {
    const commits = [
      commit('c3', '2026-11-03T00:00:00Z', {
        'staging.yaml': overlay('1.3.0'),
        'prod.yaml': overlay('1.3.0'),
      }),
      commit('c2', '2026-11-02T00:00:00Z', {
        'staging.yaml': overlay('1.3.0'),
        'prod.yaml': overlay('1.2.0'),
      }),
      commit('c1', '2026-11-01T00:00:00Z', {
        'staging.yaml': overlay('1.2.0'),
        'prod.yaml': overlay('1.2.0'),
      }),
    ];

    const entries = versionHistory(fields, commits);

    expect(
      entries.map(e => [
        e.id,
        e.environment,
        e.changes.map(c => `${c.from?.tag}->${c.to.tag}`).join(),
        e.by,
      ]),
    ).toEqual([
      ['c3', 'prod', '1.2.0->1.3.0', 'author-c3'],
      ['c2', 'staging', '1.2.0->1.3.0', 'author-c2'],
    ]);
    expect(entries[0]).toMatchObject({
      kind: 'commit',
      at: '2026-11-03T00:00:00Z',
      commit: { sha: 'c3' },
      message: 'commit c3',
    });
  });

  it('makes no entry for the oldest commit, a comment-only change, or a file that disappeared', () => {
    const commits = [
      commit('c3', '2026-11-03T00:00:00Z', {}),
      commit('c2', '2026-11-02T00:00:00Z', {
        'staging.yaml': overlay('1.2.0').replace('set by CI', 'pinned'),
      }),
      commit('c1', '2026-11-01T00:00:00Z', {
        'staging.yaml': overlay('1.2.0'),
      }),
    ];
    expect(versionHistory(fields, commits)).toEqual([]);
  });
});
