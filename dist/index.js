import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-PS25HZ2X.js";
import "./chunks/chunk-VF36SUWT.js";
import "./chunks/chunk-YCF4FEL2.js";
import "./chunks/chunk-RZHG76QV.js";
import "./chunks/chunk-PPDK5VWW.js";
import "./chunks/chunk-6NMLXNUO.js";
import "./chunks/chunk-YNZHJX3V.js";
import "./chunks/chunk-PUMHU2BD.js";

// src/index.ts
await run();
