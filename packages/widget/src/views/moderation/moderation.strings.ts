/** Texts of <vk-payments-moderation>, Russian first. */
const ru = {
  title: 'Оплата голосами',
};

export const strings: { ru: typeof ru; en: typeof ru } = {
  ru,
  en: {
    title: 'Votes payments',
  },
};
