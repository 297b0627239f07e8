// jest `setupFiles` of the `integration:signed` project (see ../signed-run.ts): one fresh
// secret per test file, in the environment every process a test starts inherits.
import { randomBytes } from 'node:crypto';

const secret = randomBytes(32).toString('base64');
process.env['CLUSTR_IT_SECRET'] = secret;
process.env['CLUSTR_SECRET'] = secret;
