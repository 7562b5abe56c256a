/** Texts of <vk-payments-logs>, Russian first. */
const ru = {
  title: 'Логи',
};

export const strings: { ru: typeof ru; en: typeof ru } = {
  ru,
  en: {
    title: 'Logs',
  },
};
