import { App } from 'aws-cdk-lib';
import { ControlEvidence } from '../../lib/compliance/controls';
import { AssemblyView } from '../../lib/evidence/assembly-view';
import { Platform } from '../../lib/platform';
import { platformManifests } from '../../lib/report/build-report';

/** What the controls read from a built platform, as the report gathers it: synthesizes the app. */
export function controlEvidence(app: App, platform: Platform, profile: string): ControlEvidence {
  return { assembly: new AssemblyView(app.synth()), manifests: platformManifests(platform), profile, catalogue: platform.catalogue };
}
