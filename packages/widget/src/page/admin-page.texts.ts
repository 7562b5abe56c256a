/** Texts of the `/admin` page around the widget, Russian first, and the line saying who is signed in. */
import type { AdminPageIdentityQuery } from '../generated/operations.js';

export type PageLocale = 'ru' | 'en';

/** What the `me` query tells about the token (the server's `Me`): kind, role, app, session end, key label. */
export type Identity = AdminPageIdentityQuery['me'];

const ru = {
  pageTitle: 'vk-payments — админка',
  title: 'Вход в панель платежей',
  token: 'Токен доступа',
  app: 'ID приложения VK',
  signIn: 'Войти',
  signOut: 'Выйти',
  themeAuto: 'Как в системе',
  themeLight: 'Светлая',
  themeDark: 'Тёмная',
  badToken: 'Токен не подошёл: он неверен, отозван или истёк.',
  failed: 'Не удалось проверить токен:',
};

export type PageTexts = typeof ru;

export const TEXTS: Record<PageLocale, PageTexts> = {
  ru,
  en: {
    pageTitle: 'vk-payments — admin',
    title: 'Sign in to the payments panel',
    token: 'Access token',
    app: 'VK app id',
    signIn: 'Sign in',
    signOut: 'Sign out',
    themeAuto: 'System',
    themeLight: 'Light',
    themeDark: 'Dark',
    badToken: 'The token was refused: it is wrong, revoked or expired.',
    failed: 'Could not check the token:',
  },
};

const ROLES: Record<PageLocale, Record<NonNullable<Identity['role']>, string>> = {
  ru: {
    CREATOR: 'создатель',
    ADMIN: 'администратор',
    PAYMENTS_ADMIN: 'администратор платежей',
    VIEWER: 'наблюдатель',
    MODERATOR: 'модератор',
  },
  en: { CREATOR: 'creator', ADMIN: 'admin', PAYMENTS_ADMIN: 'payments admin', VIEWER: 'viewer', MODERATOR: 'moderator' },
};

/**
 * "Signed in: key «game backend», payments admin · app 51234567": the kind of token, its role, the
 * key's label (for a widget session, the minting key's) and when a session ends. Never the token.
 */
export function identity(me: Identity, vkAppId: number, locale: PageLocale): string {
  const en = locale === 'en';
  const role = me.role ? ROLES[locale][me.role] : '';
  const label = me.label ? (en ? `“${me.label}”` : `«${me.label}»`) : '';
  let who: string;
  switch (me.kind) {
    case 'root':
      who = en ? 'root token' : 'корневой токен';
      break;
    case 'key':
      who = `${en ? 'key' : 'ключ'}${label && ` ${label}`}, ${role}`;
      break;
    case 'session': {
      const until = me.expiresAt ? new Date(me.expiresAt).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' }) : '';
      who = `${en ? 'widget session' : 'сессия виджета'}, ${role}${until && (en ? `, until ${until}` : `, до ${until}`)}${label && (en ? ` (key ${label})` : ` (ключ ${label})`)}`;
      break;
    }
  }
  return `${en ? 'Signed in' : 'Вход'}: ${who} · ${en ? 'app' : 'приложение'} ${vkAppId}`;
}
