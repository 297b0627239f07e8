// jest `setupFilesAfterEnv` of the `integration:signed` project: after every test, what the
// signed run adds to it (see ../signed-run.ts).
import { checkSignedRun } from '../signed-run';

afterEach(checkSignedRun);
