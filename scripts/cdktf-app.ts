/**
 * The cdktf entry point (`app` in cdktf.json): the three GCP environments as a cdktf App, written
 * where the cdktf CLI asks (CDKTF_OUTDIR, default cdktf.out). `npm run synth` does not need it:
 * it writes plain Terraform JSON to dist/gcp-kfp/terraform/<env>/ itself.
 */
import { App } from 'cdktf';
import { gcpKfpStacks } from '../apps/gcp-kfp';

const app = new App({ stackTraces: false });
gcpKfpStacks(app);
app.synth();
