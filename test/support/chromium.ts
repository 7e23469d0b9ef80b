/**
 * How the tests launch Debian's Chromium: its fixed path (no browser download here) and the flags
 * that keep it off the closed network and out of the sandbox it cannot have as root.
 */
export const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};
