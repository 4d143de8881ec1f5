import{a}from"./chunk-NOGXE6VT.js";import"./chunk-TJO5MNWF.js";import"./chunk-6DHFEWGX.js";export{a as ESP32ROM};
