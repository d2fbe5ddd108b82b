import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import * as YAML from 'yaml';
import { mlflowMinioPostgres } from '../../apps/mlflow-minio-postgres';
import { MinioTopology } from '../../lib';
import { synthObjects } from '../../lib/synth/synth';
import { stringifyYaml } from '../../lib/synth/yaml';

const readBack = (text: string, version: '1.1' | '1.2') => YAML.parse(text, { version });

describe('stringifyYaml', () => {
  it('round-trips every object of the reference app under YAML 1.1 (kubectl) and 1.2', () => {
    const app = new App();
    mlflowMinioPostgres(app, 'a', { mlflowReplicas: 3, minioTopology: MinioTopology.distributed(4) });
    const objects = synthObjects(app);
    expect(objects.length).toBeGreaterThan(25);
    for (const obj of objects) {
      const text = stringifyYaml(obj);
      expect(readBack(text, '1.1')).toEqual(obj);
      expect(readBack(text, '1.2')).toEqual(obj);
    }
  });

  it('quotes every string a parser would read as something else', () => {
    const tricky = ['', ' lead', 'trail ', 'yes', 'No', 'on', 'y', '~', 'null', '1.0', '5000', '0x1F', '0o7', '1e3', '1_000', '1:20',
      '2001-12-14', '-1', '-.inf', '- y', 'a: b', 'a #b', 'colon:', '@at', '`bt', '*star', '&amp', '!tag', '%p', '{x}', '[y]', 'é',
      'tab\tx', 'cr\r\nlf', 'multi\nline', 'multi\nline\n', 'ends\n\n', '  indented\nx', 'line\n  indented\n', 'trailing \nspace'];
    const value = { list: tricky, nested: [[1, 2], [], [{ a: 1 }], {}], empty: {}, none: null, n: -1.5, t: true, 'weird key: x': 1, '1key': 2 };
    const text = stringifyYaml(value);
    expect(readBack(text, '1.1')).toEqual(value);
    expect(readBack(text, '1.2')).toEqual(value);
  });

  it('writes the readable forms reviewers expect', () => {
    expect(stringifyYaml({ cpu: '500m', memory: '1Gi', port: '5432', flag: '--port=5432', url: 'http://minio:9000', on: 'on' }))
      .toBe('cpu: 500m\nmemory: 1Gi\nport: "5432"\nflag: --port=5432\nurl: http://minio:9000\n"on": "on"\n');
    expect(stringifyYaml({ script: 'set -e\necho hi' })).toBe('script: |-\n  set -e\n  echo hi\n');
    expect(stringifyYaml({ items: [{ a: 1, b: [2] }, 'x'] })).toBe('items:\n  - a: 1\n    b:\n      - 2\n  - x\n');
  });
});
