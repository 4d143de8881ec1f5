import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-OCF77Y6P.js";
import "./chunks/chunk-SZJSXCYX.js";
import "./chunks/chunk-MNOUCH4H.js";
import "./chunks/chunk-6FIZRSHT.js";
import "./chunks/chunk-RX57AOIO.js";
import "./chunks/chunk-B6URAI4N.js";
import "./chunks/chunk-6DG7BXTN.js";

// src/index.ts
await run();
