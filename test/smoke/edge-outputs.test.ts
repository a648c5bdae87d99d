import { EDGE_OUTPUTS } from '../../lib/stacks/edge-stack';
import { EDGE_OUTPUT_KEYS } from '../../scripts/smoke/discovery';

test('discovery reads exactly the outputs the Edge stack declares', () => {
  expect([...EDGE_OUTPUT_KEYS].sort()).toEqual(Object.values(EDGE_OUTPUTS).sort());
});
