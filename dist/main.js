import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-K4AZNTI3.js";
import "./chunks/chunk-67DB475H.js";
import "./chunks/chunk-HT4ON6MO.js";
import "./chunks/chunk-6FIZRSHT.js";
import "./chunks/chunk-RX57AOIO.js";
import "./chunks/chunk-B6URAI4N.js";
import "./chunks/chunk-6DG7BXTN.js";
export {
  run
};
