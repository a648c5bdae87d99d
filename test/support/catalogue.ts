import { SERVICE_CATALOGUE } from '../../lib/catalogue/service-catalogue';
import { validateServiceCatalogue } from '../../lib/catalogue/validate-catalogue';

/** The reference catalogue, validated the way bin/ validates it before anything is built from it. */
export const REFERENCE_CATALOGUE = validateServiceCatalogue(SERVICE_CATALOGUE);
