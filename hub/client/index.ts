/** Insight Hub client SDK: browsers (native WebSocket) and Node (`ws`). Imports only hub/protocol. */
export { connect } from './client.js';
export { adminFeed, type AdminFeed } from './admin-feed.js';
export { Backoff, DEFAULT_BACKOFF } from './backoff.js';
export { decideAfterClose, type Decision, type Ending } from './close-policy.js';
export { ClientError, type ClientErrorCode, type LocalErrorCode } from './errors.js';
export type {
  BackoffOptions,
  CloseInfo,
  ConnectOptions,
  ConnectionState,
  InsightClient,
  JoinAnswer,
  MessageListener,
  PresenceChange,
  PresenceListener,
  PublishAck,
  PublishOptions,
  ResetListener,
  RoomHandle,
  RoomOptions,
  RoomState,
  Session,
  StopCause,
  Unsubscribe,
  WebSocketConstructor,
  WebSocketLike,
} from './types.js';
export type {
  AdminEvent,
  AdminEventMap,
  AdminFeedEvent,
  AdminFeedEventOf,
  Json,
  JsonObject,
  NoticeMessage,
  PresenceMember,
  ResumeFailure,
  RoomMessage,
  StreamPosition,
} from '../protocol/index.js';
