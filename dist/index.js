import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-6TJ7UXDJ.js";
import "./chunks/chunk-747LACZO.js";
import "./chunks/chunk-YCF4FEL2.js";
import "./chunks/chunk-SXY5OYCD.js";
import "./chunks/chunk-PPDK5VWW.js";
import "./chunks/chunk-OBEJZTCZ.js";
import "./chunks/chunk-YNZHJX3V.js";
import "./chunks/chunk-PUMHU2BD.js";

// src/index.ts
await run();
