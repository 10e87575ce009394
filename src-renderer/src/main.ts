// Renderer entry: global styles and the workbench's root component.
import './lib/zod-jitless';
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { applyPalette } from './charts/colors';

applyPalette();

mount(App, { target: document.getElementById('app')! });
