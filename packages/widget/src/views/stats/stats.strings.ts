/** Texts of <vk-payments-stats>, Russian first. */
const ru = {
  title: 'Статистика',
};

export const strings: { ru: typeof ru; en: typeof ru } = {
  ru,
  en: {
    title: 'Statistics',
  },
};
