// Scenario 9's Socket.IO peer: plain JavaScript, an HTTP server answering /healthz with Socket.IO on it.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer((req, res) => {
  if (req.url?.startsWith('/socket.io')) return; // Socket.IO answers these
  res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' });
  res.end('{"ok":true}');
});
new Server(http, { transports: ['websocket'], serveClient: false, perMessageDeflate: false });
http.listen(0, '127.0.0.1', () => console.error(`listening on http://127.0.0.1:${http.address().port}`));
