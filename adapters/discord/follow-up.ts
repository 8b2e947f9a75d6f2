/**
 * Follow-ups without the privileged Message Content intent: every answer carries an "Ask a
 * follow-up" button (follow-up-components.ts); it opens a modal, and the submitted question is
 * answered with the exchange the button was on as history. Buttons and modals are interactions,
 * which any bot receives.
 */
import type { ButtonInteraction, ModalSubmitInteraction } from 'discord.js';
import { answerOnDiscord, exchangeOf, interactionTransport } from './discord-transport.ts';
import { FOLLOW_UP, followUpModal } from './follow-up-components.ts';
import type { DiscordHandlerContext } from './handler-context.ts';

export async function onFollowUpButton(interaction: ButtonInteraction): Promise<void> {
  await interaction.showModal(followUpModal);
}

export async function onFollowUpSubmit(interaction: ModalSubmitInteraction, ctx: DiscordHandlerContext): Promise<void> {
  // The exchange the button was on is the conversation so far; whoever asks the follow-up takes it up.
  const history = interaction.message ? exchangeOf(interaction.message, interaction.user.id) : [];
  const asked = { id: interaction.id, guildId: interaction.guildId, channelId: interaction.channelId ?? '', userId: interaction.user.id };
  const text = interaction.fields.getTextInputValue(FOLLOW_UP.input);
  await answerOnDiscord(ctx, asked, text, interactionTransport(interaction, ctx, { history: async () => history }));
}
