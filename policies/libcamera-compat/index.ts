// heapwise libcamera-compat policy: libcamera's DmaBufAllocator provider order (plus the 6.17+
// default CMA heap name) under the hard constraints, and DmaSyncer's START/END around every
// CPU access.
import { register, planBracketEveryAccess } from '../../asm/index';
import { placeProbeOrder } from './place';
export * from '../../asm/exports';

register('libcamera-compat', '1.0.0', placeProbeOrder, planBracketEveryAccess);
