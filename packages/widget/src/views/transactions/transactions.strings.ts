/** Texts of <vk-payments-transactions>, Russian first. */
const ru = {
  title: 'Транзакции',
};

export const strings: { ru: typeof ru; en: typeof ru } = {
  ru,
  en: {
    title: 'Transactions',
  },
};
