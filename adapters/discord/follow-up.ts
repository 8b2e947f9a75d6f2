/**
 * Follow-ups without the privileged Message Content intent: every answer carries an "Ask a
 * follow-up" button (follow-up-components.ts); it opens a modal, and the submitted question is
 * answered with the exchange the button was on as history. Buttons and modals are interactions,
 * which any bot receives.
 */
import type { ButtonInteraction, ModalSubmitInteraction } from 'discord.js';
import { discordRenderer, exchangeOf, interactionTransport } from './discord-transport.ts';
import { FOLLOW_UP, followUpModal } from './follow-up-components.ts';
import type { DiscordHandlerContext } from './handler-context.ts';

export async function onFollowUpButton(interaction: ButtonInteraction): Promise<void> {
  await interaction.showModal(followUpModal);
}

export async function onFollowUpSubmit(interaction: ModalSubmitInteraction, ctx: DiscordHandlerContext): Promise<void> {
  // The exchange the button was on is the conversation so far; whoever asks the follow-up takes it up.
  const history = interaction.message ? exchangeOf(interaction.message, interaction.user.id) : [];
  await ctx.chat.answer({
    question: {
      platform: 'discord',
      ...(interaction.guildId !== null && { workspaceId: interaction.guildId }),
      channelId: interaction.channelId ?? '',
      userId: interaction.user.id,
      text: interaction.fields.getTextInputValue(FOLLOW_UP.input),
      eventId: interaction.id,
    },
    transport: interactionTransport(interaction, ctx, { history: async () => history }),
    render: discordRenderer,
    help: '`/ask`',
    logger: ctx.logger.child({ interactionId: interaction.id, userId: interaction.user.id }),
  });
}
