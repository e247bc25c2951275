#!/usr/bin/env node
import { buildApp } from './build-app.js';

buildApp();
