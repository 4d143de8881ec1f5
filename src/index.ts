// Bundled to dist/index.js, the file action.yml runs.
import { stoppable } from './common/interrupt.js';
import { run } from './main.js';

// A cancelled run gets SIGINT, then SIGTERM: temporary files go, and the log says what is already live.
await stoppable(run, (text) => process.stderr.write(text));
