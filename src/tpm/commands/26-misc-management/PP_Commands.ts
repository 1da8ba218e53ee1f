import type { Handler } from '../handler.js';
import { ppCapable, ppRequiredAlways } from '../../properties.js';

/**
 * TPM2_PP_Commands (Part 3 "TPM2_PP_Commands"): adds commands to, and removes them from, the
 * list of commands that need physical presence when platformAuth authorizes them. Only
 * commands declared `+PP` can be added; PP_Commands itself always stays. Other codes are
 * ignored, as the reference does.
 */
export const PP_Commands: Handler<'PP_Commands'> = (ctx, { setList, clearList }) => {
  const list = new Set(ctx.read('persistent').ppCommands ?? []);
  for (const code of setList.commandCodes) {
    const desc = ctx.profile.commands.get(code);
    if (desc && ppCapable(desc)) list.add(code);
  }
  for (const code of clearList.commandCodes) if (!ppRequiredAlways(code)) list.delete(code);
  ctx.write('persistent').ppCommands = [...list].sort((a, b) => a - b);
  return {};
};
