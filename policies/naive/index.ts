// heapwise naive policy: the default placement, and a START/END bracket around every CPU
// access as GStreamer and libcamera do. The baseline sync counts are measured against.
import { register, planBracketEveryAccess } from '../../asm/index';
import { placeDefault } from '../default/place';
export * from '../../asm/exports';

register('naive', '1.0.0', placeDefault, planBracketEveryAccess);
