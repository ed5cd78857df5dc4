import { defineConfig } from 'vite';
import { consoleServerOptionsFromEnv, consoleViteConfig } from './src/vite-config.ts';

export default defineConfig(consoleViteConfig(consoleServerOptionsFromEnv(process.env)));
