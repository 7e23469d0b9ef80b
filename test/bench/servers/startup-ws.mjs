// Scenario 9's bare ws peer: plain JavaScript, an HTTP server answering /healthz with ws on it.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const http = createServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' });
  res.end('{"ok":true}');
});
const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
wss.on('connection', (ws) => ws.on('error', () => {}));
http.listen(0, '127.0.0.1', () => console.error(`listening on http://127.0.0.1:${http.address().port}`));
