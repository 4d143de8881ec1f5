import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-PDCZ6E4C.js";
import "./chunks/chunk-RX57AOIO.js";
import "./chunks/chunk-CV5MLQPY.js";
import "./chunks/chunk-B6URAI4N.js";
import "./chunks/chunk-YJZZUXNR.js";
import "./chunks/chunk-RC4KUFTO.js";
import "./chunks/chunk-6DG7BXTN.js";

// src/index.ts
await run();
