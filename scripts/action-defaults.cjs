// action.yml's input defaults as a JavaScript module, for the CLI: action.yml is
// the one home of every default, and the CLI, which cannot read it at run time,
// gets them at build time. Used by the esbuild plugin (scripts/bundle-options.mjs)
// and by jest's transform of action.yml (jest.config.js).
const { parse } = require('yaml');

/** `export default { "max-image-size": "16777216", ... }` from action.yml's text. */
function actionDefaultsModule(text) {
  const { inputs } = parse(text);
  const defaults = Object.fromEntries(
    Object.entries(inputs)
      .filter(([, input]) => typeof input.default === 'string')
      .map(([name, input]) => [name, input.default]),
  );
  return `export default ${JSON.stringify(defaults)};\n`;
}

/** jest transform: action.yml as that module (CommonJS, as jest loads a non-TypeScript file). */
const transform = (text) => ({ code: actionDefaultsModule(text).replace(/^export default /, 'module.exports = ') });

module.exports = { actionDefaultsModule, process: transform };
