// The page: the hub that serves it is the hub it talks to; the token comes in the link's #token=….
import { createRoot } from 'react-dom/client';
import { HubProvider } from './hub-hooks.js';
import { Dashboard } from './Dashboard.js';

const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;

createRoot(document.getElementById('root')!).render(
  <HubProvider options={{ url, getToken: () => token }}>
    <Dashboard id="42" />
  </HubProvider>,
);
