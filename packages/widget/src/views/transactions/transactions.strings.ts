/** Texts of <vk-payments-transactions>, Russian first. */
const ruPlural = new Intl.PluralRules('ru');

const ru = {
  title: 'Транзакции',
  intro: 'Зачисления голосов за покупки и списания при возвратах.',
  tabs: 'Вид транзакций',
  credits: 'Зачисления',
  refunds: 'Списания',
  totals: 'Итоги',
  credited: 'Зачислено',
  refunded: 'Списано',
  net: 'Итого',
  payments: (n: number): string => {
    const form = ruPlural.select(n);
    return `${n.toLocaleString('ru')} ${form === 'one' ? 'платёж' : form === 'few' ? 'платежа' : 'платежей'}`;
  },
  includeTest: 'Показывать тестовые',
  time: 'Дата',
  item: 'Товар',
  votes: 'Голоса',
  status: 'Статус',
  appOrder: 'Наш заказ',
  vkOrder: 'Заказ VK',
  paid: 'Оплачено',
  refundedState: 'Возвращено',
  subscription: 'подписка',
  noneCredits: 'Платежей пока нет.',
  noneRefunds: 'Возвратов нет.',
  noneFiltered: 'Нет платежей с такими условиями.',
  downloading: 'Скачивание…',
  csvFailed: 'Не удалось скачать CSV',
};

export const strings: { ru: typeof ru; en: typeof ru } = {
  ru,
  en: {
    title: 'Transactions',
    intro: 'Votes credited for purchases and deducted for refunds.',
    tabs: 'Kind of transactions',
    credits: 'Credits',
    refunds: 'Deductions',
    totals: 'Totals',
    credited: 'Credited',
    refunded: 'Deducted',
    net: 'Net',
    payments: (n) => `${n.toLocaleString('en')} ${n === 1 ? 'payment' : 'payments'}`,
    includeTest: 'Include test payments',
    time: 'Date',
    item: 'Item',
    votes: 'Votes',
    status: 'Status',
    appOrder: 'Our order',
    vkOrder: 'VK order',
    paid: 'Paid',
    refundedState: 'Refunded',
    subscription: 'subscription',
    noneCredits: 'No payments yet.',
    noneRefunds: 'No refunds.',
    noneFiltered: 'No payments match these filters.',
    downloading: 'Downloading…',
    csvFailed: 'Could not download the CSV',
  },
};
