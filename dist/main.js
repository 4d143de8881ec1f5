import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-XKZSS3R2.js";
import "./chunks/chunk-VP2ZHUOG.js";
import "./chunks/chunk-YZWINPA6.js";
import "./chunks/chunk-6FIZRSHT.js";
import "./chunks/chunk-RX57AOIO.js";
import "./chunks/chunk-B6URAI4N.js";
import "./chunks/chunk-6DG7BXTN.js";
export {
  run
};
