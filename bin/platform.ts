#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { GATE_CACHE_DIR, synthesizePlatform } from '../lib/app';
import { SERVICE_CATALOGUE } from '../lib/catalogue/service-catalogue';

// Only ever raise the exit code: a failed compliance gate has already set it during synth.
if (synthesizePlatform(new App(), SERVICE_CATALOGUE, { gateCacheDirectory: GATE_CACHE_DIR }) !== 0) process.exitCode = 1;
