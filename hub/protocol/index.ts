export * from './codes.js';
export * from './messages.js';
export * from './rooms.js';
export * from './validate.js';
export * from './admin.js';
export * from './admin-answers.js';
export * from './refusal.js';
