import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-BN7EQIDG.js";
import "./chunks/chunk-2VIDGCAZ.js";
import "./chunks/chunk-YCF4FEL2.js";
import "./chunks/chunk-RZHG76QV.js";
import "./chunks/chunk-BMPRNOTX.js";
import "./chunks/chunk-VL7MZMTK.js";
import "./chunks/chunk-IEVPXDZW.js";
import "./chunks/chunk-NODAIPTN.js";
import "./chunks/chunk-PUMHU2BD.js";
export {
  run
};
