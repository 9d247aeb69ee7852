import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { getApi } from './api/get-api.js';
import { useApp } from './store/index.js';
import './styles.css';

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
