/** Texts of the <vk-payments-admin> shell, Russian first. */
const ru = {
  views: {
    settings: 'Настройки',
    logs: 'Логи',
    transactions: 'Транзакции',
    deliveries: 'Доставки',
    stats: 'Статистика',
    moderation: 'Оплата голосами',
  },
  vkApp: 'Приложение VK',
  sections: 'Разделы',
  viewerRole: 'У этого токена нет права «Платежи»: раздел недоступен.',
};

export const strings: { ru: typeof ru; en: typeof ru } = {
  ru,
  en: {
    views: {
      settings: 'Settings',
      logs: 'Logs',
      transactions: 'Transactions',
      deliveries: 'Deliveries',
      stats: 'Statistics',
      moderation: 'Votes payments',
    },
    vkApp: 'VK app',
    sections: 'Sections',
    viewerRole: 'This token lacks the Payments right: the section is not available.',
  },
};
