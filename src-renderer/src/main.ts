// Renderer entry: global styles and the workbench's root component.
import './lib/zod-jitless';
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { paletteCss } from './charts/colors';

// The palette's CSS variables on the document (CSSOM, which the page's style CSP allows).
for (const [k, v] of Object.entries(paletteCss())) document.documentElement.style.setProperty(k, v);

mount(App, { target: document.getElementById('app')! });
