import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-NOWZJ7VB.js";
import "./chunks/chunk-RX57AOIO.js";
import "./chunks/chunk-GMUSLYWD.js";
import "./chunks/chunk-B6URAI4N.js";
import "./chunks/chunk-FMGICV3B.js";
import "./chunks/chunk-6FIZRSHT.js";
import "./chunks/chunk-CXZN6CAU.js";
import "./chunks/chunk-6DG7BXTN.js";

// src/index.ts
await run();
