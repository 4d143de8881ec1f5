import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-U34TJSMR.js";
import "./chunks/chunk-W7LULKRS.js";
import "./chunks/chunk-MSBKRRQV.js";
import "./chunks/chunk-RX57AOIO.js";
import "./chunks/chunk-B6URAI4N.js";
import "./chunks/chunk-7PDNKXP2.js";
import "./chunks/chunk-KCXCTA5R.js";
import "./chunks/chunk-6DG7BXTN.js";
export {
  run
};
