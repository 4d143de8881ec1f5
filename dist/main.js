import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-5CDCZEOL.js";
import "./chunks/chunk-P3ELX4CP.js";
import "./chunks/chunk-DJVZSOI2.js";
import "./chunks/chunk-6FIZRSHT.js";
import "./chunks/chunk-RX57AOIO.js";
import "./chunks/chunk-B6URAI4N.js";
import "./chunks/chunk-6DG7BXTN.js";
export {
  run
};
