import { contextBridge } from 'electron';
contextBridge.exposeInMainWorld('glassfit', { version: 1 });
