import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-4EOMHZKN.js";
import "./chunks/chunk-N4SRVFC6.js";
import "./chunks/chunk-HTNEPPBG.js";
import "./chunks/chunk-FTZSONF3.js";
import "./chunks/chunk-KCXCTA5R.js";
import "./chunks/chunk-ZMUUB56F.js";
import "./chunks/chunk-A37WB6L3.js";
import "./chunks/chunk-KBL5H7M2.js";
import "./chunks/chunk-PUMHU2BD.js";

// src/index.ts
await run();
