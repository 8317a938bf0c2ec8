// heapwise default policy: the default placement (place.ts) and the SDK's lazy cache-domain plan.
import { register, planLazy } from '../../asm/index';
import { placeDefault } from './place';
export * from '../../asm/exports';

register('default', '1.0.0', placeDefault, planLazy);
