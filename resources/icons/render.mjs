// Renders icon.svg to the PNGs electron-builder needs (icon.png 1024 px for macOS/Windows, and the Linux
// size set under png/), with Debian's Chromium through playwright-core: `node resources/icons/render.mjs`.
// The PNGs are committed; rerun this only after editing icon.svg.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const svg = readFileSync(join(here, 'icon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
mkdirSync(join(here, 'png'), { recursive: true });
for (const size of [1024, 512, 256, 128, 64, 48, 32, 16]) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('width="1024" height="1024"', `width="${size}" height="${size}"`)}</body></html>`);
  const out = size === 1024 ? join(here, 'icon.png') : join(here, 'png', `${size}x${size}.png`);
  await page.screenshot({ path: out, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
  console.log(out);
}
await browser.close();
