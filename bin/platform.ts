#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { synthesizePlatform } from '../lib/app';

// Only ever raise the exit code: a failed compliance gate has already set it during synth.
if (synthesizePlatform(new App()) !== 0) process.exitCode = 1;
