/** IPC channel names shared by main and the preload; nothing else uses IPC. */
export const IpcChannel = {
  hubConnection: 'hub:connection',
  hubStatus: 'hub:status',
  hubStatusChanged: 'hub:status-changed',
  settingsGet: 'settings:get',
  settingsSave: 'settings:save',
  networkInterfaces: 'lan:interfaces',
  shareInfo: 'share:info',
  copyJoinLink: 'share:copy-join-link',
  quit: 'app:quit',
} as const;

export type IpcChannel = (typeof IpcChannel)[keyof typeof IpcChannel];

/** Channels the console may invoke; `hubStatusChanged` only flows from main to the console. */
export const INVOKE_CHANNELS = [
  IpcChannel.hubConnection,
  IpcChannel.hubStatus,
  IpcChannel.settingsGet,
  IpcChannel.settingsSave,
  IpcChannel.networkInterfaces,
  IpcChannel.shareInfo,
  IpcChannel.copyJoinLink,
  IpcChannel.quit,
] as const;
export type InvokeChannel = (typeof INVOKE_CHANNELS)[number];
