/** The "Ask a follow-up" button every answer carries, and the modal it opens (plain data). */
import {
  ButtonStyle,
  ComponentType,
  TextInputStyle,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIModalInteractionResponseCallbackData,
} from 'discord.js';

export const FOLLOW_UP = { button: 'paperboy:follow-up', modal: 'paperboy:follow-up', input: 'question' } as const;

/** Discord's cap on a text input's value. */
const MAX_INPUT = 4000;

export const followUpButton: APIActionRowComponent<APIButtonComponent> = {
  type: ComponentType.ActionRow,
  components: [{ type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Ask a follow-up', custom_id: FOLLOW_UP.button }],
};

export const followUpModal: APIModalInteractionResponseCallbackData = {
  custom_id: FOLLOW_UP.modal,
  title: 'Ask a follow-up',
  components: [
    {
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.TextInput,
          custom_id: FOLLOW_UP.input,
          style: TextInputStyle.Paragraph,
          label: 'Your follow-up question',
          placeholder: 'e.g. which of those is fastest?',
          required: true,
          max_length: MAX_INPUT,
        },
      ],
    },
  ],
};
