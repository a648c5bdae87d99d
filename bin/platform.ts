#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { synthesizePlatform } from '../lib/app';
import { SERVICE_CATALOGUE } from '../lib/catalogue/service-catalogue';

// Only ever raise the exit code: a failed compliance gate has already set it during synth.
if (synthesizePlatform(new App(), SERVICE_CATALOGUE) !== 0) process.exitCode = 1;
