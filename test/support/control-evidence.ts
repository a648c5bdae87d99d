import { App } from 'aws-cdk-lib';
import { ControlEvidence } from '../../lib/compliance/controls';
import { AssemblyView } from '../../lib/evidence/assembly-view';
import { Platform } from '../../lib/platform';
import { platformManifests } from '../../lib/report/build-report';
import { REFERENCE_CATALOGUE } from './catalogue';
import { SUPPORTED_CONFIGURATIONS, testConfig } from './platform-fixture';
import { synthesizedConfiguration } from './synthesized-configurations';

/** What the controls read from a built platform, as the report gathers it: synthesizes the app. */
export function controlEvidence(app: App, platform: Platform, profile: string): ControlEvidence {
  return { assembly: new AssemblyView(app.synth()), manifests: platformManifests(platform), profile, catalogue: platform.catalogue };
}

/** The same evidence for one of SUPPORTED_CONFIGURATIONS, from the run's shared synthesis of it (no build of its own). */
export function sharedControlEvidence(name: string): ControlEvidence {
  const synthesized = synthesizedConfiguration(name);
  return {
    assembly: new AssemblyView(synthesized.assembly),
    manifests: synthesized.platformManifests,
    profile: testConfig(SUPPORTED_CONFIGURATIONS[name]).profile,
    catalogue: REFERENCE_CATALOGUE,
  };
}
