import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-GA7CA5J3.js";
import "./chunks/chunk-LNL3EEEH.js";
import "./chunks/chunk-ACKFS2Y7.js";
import "./chunks/chunk-YCF4FEL2.js";
import "./chunks/chunk-RZHG76QV.js";
import {
  stoppable
} from "./chunks/chunk-BMPRNOTX.js";
import "./chunks/chunk-U5GXGXOB.js";
import "./chunks/chunk-IEVPXDZW.js";
import "./chunks/chunk-3CYM4YX4.js";
import "./chunks/chunk-PUMHU2BD.js";

// src/index.ts
await stoppable(run, (text) => process.stderr.write(text));
