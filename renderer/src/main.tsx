import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { getApi } from './api/get-api.js';
import { useApp } from './store/index.js';
import './styles.css';
import './styles/requests.css';
import './styles/steps.css';
import './styles/tokens.css';
import './styles/a11y.css';
import './styles/profiles.css';
import './styles/settings.css';

const store = useApp.getState();
store.initTheme();
void store.boot(getApi());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
