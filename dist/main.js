import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  run
} from "./chunks/chunk-DRASF74K.js";
import "./chunks/chunk-GTJGADKA.js";
import "./chunks/chunk-YCF4FEL2.js";
import "./chunks/chunk-SXY5OYCD.js";
import "./chunks/chunk-PPDK5VWW.js";
import "./chunks/chunk-6NMLXNUO.js";
import "./chunks/chunk-YNZHJX3V.js";
import "./chunks/chunk-PUMHU2BD.js";
export {
  run
};
