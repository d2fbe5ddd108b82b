import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { KfpEnvironmentStack, kfpEnvironment, terraformJson } from '@mlops-cdk8s/platform/infra';

const app = new App({ outdir: 'cdktf.out', stackTraces: false });
const stack = new KfpEnvironmentStack(app, 'staging', kfpEnvironment('staging', {
  projectId: 'acme-kfp-staging',            // the environment's own project
  region: 'us-central1',
  stateBucket: 'acme-terraform-state',      // an existing, versioned GCS bucket for the state
  masterAuthorizedNetworks: [{ cidr: '203.0.113.0/24', displayName: 'corp-vpn' }],
  kfpVersion: '2.4.0',
}));

const dir = path.join('terraform', 'staging');
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, 'main.tf.json'), terraformJson(stack)); // validated, keys sorted
