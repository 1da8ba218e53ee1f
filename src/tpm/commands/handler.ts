import type { CommandName } from '../../gen/commands.js';
import type { CommandTypes } from '../../gen/types.js';
import type { CommandContext } from '../context.js';

/**
 * A command handler: typed by its declaration, it takes the decoded handles and parameters and
 * returns the response handles and parameters, or throws `tpmError(rc).at(field)`.
 */
export type Handler<N extends CommandName> = N extends keyof CommandTypes
  ? (ctx: CommandContext, input: CommandTypes[N]['in']) => CommandTypes[N]['out']
  : never;

export type HandlerTable = { readonly [N in CommandName]?: Handler<N> };
