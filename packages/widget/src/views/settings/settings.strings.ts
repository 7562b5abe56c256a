/** Texts of <vk-payments-settings>, Russian first. */
const ru = {
  title: 'Настройки',
};

export const strings: { ru: typeof ru; en: typeof ru } = {
  ru,
  en: {
    title: 'Settings',
  },
};
