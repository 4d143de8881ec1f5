import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-C2VEXIV2.js";
import "./chunks/chunk-V3BFW5SS.js";
import "./chunks/chunk-HTNEPPBG.js";
import "./chunks/chunk-KBL5H7M2.js";
import "./chunks/chunk-KCXCTA5R.js";
import "./chunks/chunk-A37WB6L3.js";
import "./chunks/chunk-P4OJDFG3.js";
import "./chunks/chunk-PFWMPTYH.js";
import "./chunks/chunk-PUMHU2BD.js";
export {
  run
};
