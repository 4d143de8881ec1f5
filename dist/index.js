import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-6O5S4DGM.js";
import "./chunks/chunk-RX57AOIO.js";
import "./chunks/chunk-S5M2DXKC.js";
import "./chunks/chunk-B6URAI4N.js";
import "./chunks/chunk-JIFYRVQH.js";
import "./chunks/chunk-6FIZRSHT.js";
import "./chunks/chunk-HKFBECJ7.js";
import "./chunks/chunk-6DG7BXTN.js";

// src/index.ts
await run();
