/** Where the renderer is loaded from in the desktop app: app://renderer/ (never file://). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'renderer';
