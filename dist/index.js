import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-EBCBAHXA.js";
import "./chunks/chunk-WZXEIP2S.js";
import "./chunks/chunk-MSBKRRQV.js";
import "./chunks/chunk-RX57AOIO.js";
import "./chunks/chunk-B6URAI4N.js";
import "./chunks/chunk-KCXCTA5R.js";
import "./chunks/chunk-UYXCTIHA.js";
import "./chunks/chunk-HKFBECJ7.js";
import "./chunks/chunk-6DG7BXTN.js";

// src/index.ts
await run();
