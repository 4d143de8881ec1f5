import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-GMNDCNN3.js";
import "./chunks/chunk-YXG2YZXZ.js";
import "./chunks/chunk-HTNEPPBG.js";
import "./chunks/chunk-KBL5H7M2.js";
import "./chunks/chunk-DSZ4UTCQ.js";
import "./chunks/chunk-A37WB6L3.js";
import "./chunks/chunk-P4OJDFG3.js";
import "./chunks/chunk-PFWMPTYH.js";
import "./chunks/chunk-PUMHU2BD.js";

// src/index.ts
await run();
