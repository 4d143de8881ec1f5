import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-G7P3R33C.js";
import "./chunks/chunk-XUMGVID5.js";
import "./chunks/chunk-MSBKRRQV.js";
import "./chunks/chunk-RX57AOIO.js";
import "./chunks/chunk-B6URAI4N.js";
import "./chunks/chunk-KCXCTA5R.js";
import "./chunks/chunk-FTZSONF3.js";
import "./chunks/chunk-ZMUUB56F.js";
import "./chunks/chunk-6DG7BXTN.js";
export {
  run
};
