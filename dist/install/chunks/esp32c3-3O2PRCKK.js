import{a}from"./chunk-LN3H7TQ3.js";import"./chunk-NOGXE6VT.js";import"./chunk-TJO5MNWF.js";import"./chunk-6DHFEWGX.js";export{a as ESP32C3ROM};
